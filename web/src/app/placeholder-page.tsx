import { Anchor, Button, Container, Paper, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { Role } from "@tessera/contracts";
import type { ReactNode } from "react";
import { useEffect } from "react";
import { Link } from "react-router";
import { useSignedInUser } from "../api/queries.ts";

/** A face of the app that is not built yet: says who it is for and what to use meanwhile. */
export function PlaceholderPage({ title, icon, forRoles, audience, children }: { title: string; icon: ReactNode; forRoles: Role[]; audience: string; children: ReactNode }) {
  const me = useSignedInUser();
  const allowed = forRoles.includes(me.role);
  useEffect(() => {
    document.title = `${title} · Tessera`;
  }, [title]);
  return (
    <Container size="sm" py={48}>
      <Paper p="xl">
        <Stack gap="md" align="flex-start">
          <ThemeIcon size={44} radius="md" variant="light">
            {icon}
          </ThemeIcon>
          <Title order={1}>{title}</Title>
          <Text size="sm" c="dimmed">
            For {audience}.
          </Text>
          {allowed ? (
            <>
              {children}
              <Text size="sm">
                Until it arrives, everything it will do is available in the <Anchor href="/api/docs">API documentation</Anchor>.
              </Text>
            </>
          ) : (
            <>
              <Text size="sm">Your account ({me.role}) does not have access to this area. If you need help, the support portal is the place to ask.</Text>
              <Button component={Link} to="/">
                Go to the support portal
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Container>
  );
}
