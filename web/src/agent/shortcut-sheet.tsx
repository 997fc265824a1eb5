/**
 * The sheet `?` opens: every keyboard shortcut of the workspace. Loaded when first opened (and
 * in the background once the workspace is idle), so the first screen does not wait for it.
 */
import { Group, Kbd, Modal, SimpleGrid, Stack, Text, Title } from "@mantine/core";

const mod = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl";

export const SHORTCUT_GROUPS: Array<{ title: string; items: Array<{ keys: string[]; label: string }> }> = [
  {
    title: "Anywhere in the workspace",
    items: [
      { keys: [mod, "K"], label: "Commands, views and tickets" },
      { keys: ["?"], label: "Show these shortcuts" },
      { keys: ["/"], label: "Search tickets" },
      { keys: ["c"], label: "New ticket for a requester" },
      { keys: ["["], label: "Hide or show the views" },
      { keys: ["g", "then 1–4"], label: "Go to a view (1 = My open tickets)" },
    ],
  },
  {
    title: "Ticket list",
    items: [
      { keys: ["j"], label: "Next ticket" },
      { keys: ["k"], label: "Previous ticket" },
      { keys: ["Enter"], label: "Open the ticket" },
      { keys: ["o"], label: "Open the ticket" },
      { keys: ["x"], label: "Select or unselect the ticket" },
      { keys: ["m"], label: "Apply a macro to the ticket" },
      { keys: ["z"], label: "Snooze the ticket" },
      { keys: ["Esc"], label: "Close the ticket, or clear the selection" },
    ],
  },
  {
    title: "Open ticket",
    items: [
      { keys: ["r"], label: "Write a public reply" },
      { keys: ["n"], label: "Write an internal note" },
      { keys: ["i"], label: "Take it (assign to me)" },
      { keys: ["s"], label: "Change the status" },
      { keys: ["p"], label: "Change the priority" },
      { keys: ["a"], label: "Change the assignee" },
      { keys: ["l"], label: "Edit the tags" },
      { keys: ["m"], label: "Apply a macro (see its changes first)" },
      { keys: ["z"], label: "Snooze (later today, tomorrow, next week…)" },
      { keys: ["e"], label: "Resolve" },
    ],
  },
  {
    title: "Composer",
    items: [
      { keys: [mod, "Shift", "J"], label: "Switch between reply and internal note" },
      { keys: [mod, "Enter"], label: "Send (and set the status chosen beside Send); opens the next ticket if you chose that in Send’s menu" },
      { keys: [mod, "Shift", "Enter"], label: "Send, resolve with it as the note, and open the next ticket (5 s to undo)" },
      { keys: ["@"], label: "Mention a teammate (internal notes)" },
      { keys: ["/"], label: "Insert a canned reply" },
    ],
  },
];

export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={
        <Title order={2} fz="md">
          Keyboard shortcuts
        </Title>
      }
      size="xl"
      centered
    >
      <Text size="sm" c="dimmed" mb="md">
        Single-key shortcuts work when you are not typing in a field.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="lg">
        {SHORTCUT_GROUPS.map((g) => (
          <Stack key={g.title} gap={6} component="section" aria-label={g.title}>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              {g.title}
            </Text>
            {g.items.map((s) => (
              <Group key={s.label + s.keys.join()} justify="space-between" gap="sm" wrap="nowrap">
                <Text size="sm">{s.label}</Text>
                <Group gap={4} wrap="nowrap">
                  {s.keys.map((k) =>
                    k.startsWith("then") ? (
                      <Text key={k} size="xs" c="dimmed">
                        {k}
                      </Text>
                    ) : (
                      <Kbd key={k} size="sm">
                        {k}
                      </Kbd>
                    ),
                  )}
                </Group>
              </Group>
            ))}
          </Stack>
        ))}
      </SimpleGrid>
    </Modal>
  );
}
