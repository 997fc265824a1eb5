/**
 * The grace period after Send: the message waits a few seconds with Undo and Send now in a
 * toast, the way mail clients do it, because the regretted reply is noticed just after the
 * click. While it waits, leaving the page asks first (the text is also still kept as a draft).
 * Send and resolve waits here too, and the resolve is only asked for once the message has gone,
 * so Undo leaves both the thread and the status as they were.
 */
import { Button, Group, Text } from "@mantine/core";
import { hideToast, toast } from "../toast.ts";

export const UNDO_SECONDS = 5;

/** Resolves true when the agent pressed Undo, false when the message should go now. */
export function undoWindow(what: string): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const guard = (e: BeforeUnloadEvent) => e.preventDefault();
    const settle = (undone: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      window.removeEventListener("beforeunload", guard);
      hideToast(id);
      resolve(undone);
    };
    window.addEventListener("beforeunload", guard);
    const id = toast({
      autoClose: false,
      withCloseButton: false,
      color: "gray",
      message: (
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm">{what}</Text>
          <Group gap={4} wrap="nowrap">
            <Button size="compact-sm" variant="light" onClick={() => settle(true)}>
              Undo
            </Button>
            <Button size="compact-sm" variant="subtle" color="gray" onClick={() => settle(false)}>
              Send now
            </Button>
          </Group>
        </Group>
      ),
    });
    const timer = setTimeout(() => settle(false), UNDO_SECONDS * 1000);
  });
}
