/**
 * Keyboard shortcuts. Single keys never fire while the agent types in a field, never fire with
 * Ctrl, Cmd or Alt held (there are no Alt+letter bindings: on many layouts Alt types characters
 * such as @), and wait while a dialog is open. `?` lists them.
 */
import { Group, Kbd, Modal, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useEffect, useRef } from "react";

/** True when a key press belongs to a text field, select or editable area. */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return target.getAttribute("role") === "combobox" || target.getAttribute("role") === "textbox";
}

function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"][aria-modal="true"]');
}

export type KeyHandler = (e: KeyboardEvent) => void;

/**
 * Binds single keys ("j", "?", "[", "Escape") for as long as the component is mounted. Handlers
 * are read at the time of the key press, so they may close over fresh state.
 */
export function useShortcuts(bindings: Record<string, KeyHandler>, enabled = true) {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (isEditable(e.target) || dialogOpen()) return;
      // Keys pressed inside a menu, popover or list box belong to it (Esc closes it, nothing more).
      if (e.target instanceof Element && e.target.closest('[role="menu"], [role="dialog"], [role="listbox"]')) return;
      // Shift only counts as part of a character such as "?"; Shift+letter is not bound.
      if (e.shiftKey && /^[a-z]$/i.test(e.key)) return;
      const handler = ref.current[e.key];
      if (!handler) return;
      e.preventDefault();
      handler(e);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

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
      { keys: [mod, "Enter"], label: "Send (and set the status chosen beside Send)" },
      { keys: [mod, "Shift", "Enter"], label: "Send, then resolve with it as the note" },
      { keys: ["@"], label: "Mention a teammate (internal notes)" },
      { keys: ["/"], label: "Insert a canned reply" },
    ],
  },
];

export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Title order={2} fz="md">Keyboard shortcuts</Title>} size="xl" centered>
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
                  {s.keys.map((k) => (k.startsWith("then") ? <Text key={k} size="xs" c="dimmed">{k}</Text> : <Kbd key={k} size="sm">{k}</Kbd>))}
                </Group>
              </Group>
            ))}
          </Stack>
        ))}
      </SimpleGrid>
    </Modal>
  );
}
