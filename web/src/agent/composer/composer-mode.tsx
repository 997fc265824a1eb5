/**
 * Going public from a note is asked first (Zammad's visibility confirmation): text written for
 * the team should not become a reply to the requester by one click or Ctrl/Cmd+Shift+J. Asked
 * inline in the composer, so nothing else on the page is blocked.
 */
import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useEffect, useRef } from "react";

export function MoveToReplyConfirm({ requesterName, onMove, onKeepNote }: { requesterName: string; onMove: () => void; onKeepNote: () => void }) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    requestAnimationFrame(() => confirm.current?.focus());
  }, []);
  return (
    <Alert
      color="orange"
      variant="light"
      mt="xs"
      icon={<IconAlertTriangle size={18} />}
      title="Move this note text to a public reply?"
      role="alertdialog"
      aria-label="Move this note text to a public reply?"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onKeepNote();
        }
      }}
    >
      <Text size="sm">{requesterName} will see it once you send. Mentions in it notify no one in a reply.</Text>
      <Group gap="xs" mt="xs">
        <Button ref={confirm} size="xs" color="orange" onClick={onMove}>
          Move to reply
        </Button>
        <Button size="xs" variant="default" onClick={onKeepNote}>
          Keep as note
        </Button>
      </Group>
    </Alert>
  );
}
