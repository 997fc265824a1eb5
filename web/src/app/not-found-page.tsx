import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { IconMapPinQuestion } from "@tabler/icons-react";
import { useEffect } from "react";
import { Link } from "react-router";

/** A page for an address the app does not have (the server answers it with 404 too). */
export function NotFoundPage() {
  useEffect(() => {
    document.title = "Page not found · Tessera";
  }, []);
  return (
    <Center mih="70vh" p="md" component="main">
      <Stack align="center" gap="sm" maw={420} ta="center">
        <IconMapPinQuestion size={40} stroke={1.5} color="var(--mantine-color-gray-5)" aria-hidden="true" />
        <Title order={1} fz={20}>
          Page not found
        </Title>
        <Text c="dimmed" size="sm">
          There is nothing at this address. It may have been mistyped, or the page has moved.
        </Text>
        <Button component={Link} to="/" variant="light" mt="xs">
          Go to the support portal
        </Button>
      </Stack>
    </Center>
  );
}
