/**
 * Under an emailed reply whose quoted history was hidden: "Show trimmed text", a plain button
 * (Tab, Enter or Space) that opens the whole message as it was received, below the reply, and
 * closes it again.
 */
import { Box, Button, Text } from "@mantine/core";
import { IconChevronUp, IconDots } from "@tabler/icons-react";
import type { ReceivedMail } from "@tessera/contracts";
import { useId, useState } from "react";
import { WithBlockedImages } from "./mail-marker.tsx";

export function TrimmedText({ mail }: { mail: ReceivedMail }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <Box mt={6}>
      <Button
        variant="subtle"
        color="gray"
        size="compact-xs"
        leftSection={open ? <IconChevronUp size={12} aria-hidden="true" /> : <IconDots size={12} aria-hidden="true" />}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide trimmed text" : "Show trimmed text"}
      </Button>
      {open && (
        <Box id={id} role="region" aria-label="Whole message as received" mt={6} pl={12} style={{ borderLeft: "2px solid var(--mantine-color-gray-3)" }}>
          <Text size="xs" c="dimmed" mb={4}>
            The whole message as received, quoted history included
          </Text>
          <WithBlockedImages html={mail.full_body} blocked={mail.remote_images} />
        </Box>
      )}
    </Box>
  );
}
