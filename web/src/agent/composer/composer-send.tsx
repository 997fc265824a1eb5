/**
 * The composer's send controls: the status to set after sending, the Send button, and beside it
 * a menu of the other ways to send (and open the next ticket, or resolve and open the next),
 * where the agent also chooses whether Send opens the next ticket by default.
 */
import { Button, Checkbox, Group, Kbd, Menu, Select, Text, Tooltip } from "@mantine/core";
import { IconChevronUp, IconCircleCheck, IconLock, IconPlayerTrackNext, IconSend } from "@tabler/icons-react";
import type { AfterSend } from "./send-and-next.ts";

const mod = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl";

export function SendControls({
  note,
  closed,
  toName,
  statusOptions,
  thenStatus,
  onThenStatus,
  sending,
  disabled,
  sendAndNext,
  onSendAndNext,
  resolvable,
  onSend,
}: {
  note: boolean;
  /** A closed ticket takes notes only, and no status after them. */
  closed: boolean;
  toName: string;
  statusOptions: Array<{ value: string; label: string }>;
  thenStatus: string;
  onThenStatus: (status: string) => void;
  sending: boolean;
  disabled: boolean;
  /** The agent's default: Send (and Ctrl/Cmd+Enter) opens the next ticket afterwards. */
  sendAndNext: boolean;
  onSendAndNext: (on: boolean) => void;
  resolvable: boolean;
  onSend: (after: AfterSend) => void;
}) {
  const verb = note ? "Add note" : "Send";
  const label = `${note ? "Add internal note" : `Send to ${toName}`}${sendAndNext ? " & next" : ""}`;
  const color = note ? "yellow.6" : "indigo";
  return (
    // Wraps on a phone: the status picker above, the send buttons below, never wider than the screen.
    <Group gap="xs" wrap="wrap" justify="flex-end" ml="auto" style={{ minWidth: 0, maxWidth: "100%" }}>
      {!closed && (
        <Select
          size="xs"
          aria-label="Status after sending"
          data={statusOptions}
          value={thenStatus}
          onChange={(v) => onThenStatus(v ?? "")}
          allowDeselect={false}
          w={190}
          comboboxProps={{ withinPortal: true, position: "top" }}
          leftSection={
            <Text size="10px" c="dimmed" pl={4}>
              then
            </Text>
          }
          leftSectionWidth={36}
        />
      )}
      <Button.Group style={{ minWidth: 0, maxWidth: "100%" }}>
        <Tooltip label={`${mod}+Enter${sendAndNext ? ": sends, then opens the next ticket" : ""}`}>
          <Button
            type="submit"
            color={color}
            c={note ? "dark.8" : undefined}
            leftSection={note ? <IconLock size={15} /> : sendAndNext ? <IconPlayerTrackNext size={15} /> : <IconSend size={15} />}
            loading={sending}
            disabled={disabled}
            miw={0}
            styles={{ label: { overflow: "hidden", textOverflow: "ellipsis" } }}
          >
            {label}
          </Button>
        </Tooltip>
        <Menu position="top-end" withinPortal shadow="md" width={300}>
          <Menu.Target>
            <Button color={color} c={note ? "dark.8" : undefined} px={8} aria-label="More ways to send" disabled={sending} style={{ borderLeft: "1px solid rgba(255,255,255,0.35)" }}>
              <IconChevronUp size={15} />
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {sendAndNext ? (
              <Menu.Item leftSection={<IconSend size={14} />} disabled={disabled} onClick={() => onSend("stay")}>
                {verb} and stay on this ticket
              </Menu.Item>
            ) : (
              <Menu.Item leftSection={<IconPlayerTrackNext size={14} />} disabled={disabled} onClick={() => onSend("next")}>
                {verb} and open the next ticket
              </Menu.Item>
            )}
            <Menu.Item
              leftSection={<IconCircleCheck size={14} />}
              disabled={disabled || !resolvable}
              onClick={() => onSend("resolve")}
              rightSection={
                <Text size="xs" c="dimmed">
                  {mod}+Shift+Enter
                </Text>
              }
            >
              {verb}, resolve and open next
            </Menu.Item>
            <Menu.Divider />
            <Menu.Item
              // Mantine fixes the role to "menuitem"; this item is a checkbox, so it says so.
              ref={(el: HTMLButtonElement | null) => el?.setAttribute("role", "menuitemcheckbox")}
              aria-checked={sendAndNext}
              closeMenuOnClick={false}
              leftSection={<Checkbox size="xs" checked={sendAndNext} readOnly tabIndex={-1} aria-hidden="true" />}
              onClick={() => onSendAndNext(!sendAndNext)}
            >
              <Text size="sm">Open the next ticket after sending</Text>
              <Text size="xs" c="dimmed">
                Send and <Kbd size="xs">{mod}+Enter</Kbd> go on to the next ticket in this view
              </Text>
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Button.Group>
    </Group>
  );
}
