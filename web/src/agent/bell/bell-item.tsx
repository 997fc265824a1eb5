/** One line of the bell: opens its ticket (and so reads it), or is marked read or muted from beside it. */
import { ActionIcon, Menu, Text, Tooltip } from "@mantine/core";
import { IconAlarm, IconArchive, IconAt, IconBell, IconBellOff, IconCheck, IconFlame, IconMailQuestion, IconMessageReply, IconUserPlus } from "@tabler/icons-react";
import type { Notification } from "@tessera/contracts";
import { Link } from "react-router";
import { TimeAgo } from "../../ui/time-ago.tsx";
import { describeMuteEnd, muteChoices } from "./bell-api.ts";
import { describeLine } from "./bell-words.ts";
import classes from "./bell.module.css";

const ICONS: Record<string, React.ReactNode> = {
  mention: <IconAt size={16} />,
  assigned: <IconUserPlus size={16} />,
  requester_reply: <IconMessageReply size={16} />,
  snooze_ended: <IconBell size={16} />,
  sla_warning: <IconAlarm size={16} color="var(--mantine-color-yellow-8)" />,
  sla_breach: <IconFlame size={16} color="var(--mantine-color-red-7)" />,
  auto_closed: <IconArchive size={16} />,
  mail_held: <IconMailQuestion size={16} color="var(--mantine-color-orange-7)" />,
};

export interface BellItemProps {
  n: Notification;
  onOpen: () => void;
  onMarkRead: () => void;
  onMute: (until: string | null) => void;
  onUnmute: () => void;
}

export function BellItem({ n, onOpen, onMarkRead, onMute, onUnmute }: BellItemProps) {
  const headline = describeLine(n);
  const ref = n.ticket_reference ?? "this ticket";
  return (
    <li className={classes.row} data-unread={!n.read_at || undefined}>
      <Link to={n.ticket_id ? `/agent/tickets/${n.ticket_id}` : "/agent"} className={classes.link} onClick={onOpen}>
        <span className={classes.dot} aria-label={n.read_at ? undefined : "Unread"} />
        <span style={{ color: "var(--mantine-color-gray-6)", paddingTop: 2 }} aria-hidden="true">
          {ICONS[n.kind] ?? <IconBell size={16} />}
        </span>
        <span style={{ minWidth: 0, flex: 1 }}>
          <Text size="sm" fw={n.read_at ? 400 : 600}>
            {headline}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {n.summary}
          </Text>
          <Text size="xs" c="dimmed">
            <TimeAgo iso={n.created_at} />
            {n.muted && ` · Muted ${describeMuteEnd(n.muted.until)}`}
          </Text>
        </span>
      </Link>
      <span className={classes.actions}>
        {!n.read_at && (
          <Tooltip label="Mark read" withinPortal={false}>
            <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Mark read: ${headline}`} onClick={onMarkRead}>
              <IconCheck size={16} />
            </ActionIcon>
          </Tooltip>
        )}
        {n.ticket_id !== null && (
          <Menu position="bottom-end" withinPortal={false} shadow="md">
            <Menu.Target>
              <ActionIcon variant="subtle" color={n.muted ? "indigo" : "gray"} size="sm" aria-label={n.muted ? `Muted ${ref}: change or unmute` : `Mute notifications of ${ref}`}>
                <IconBellOff size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Mute {ref} (mentions still come)</Menu.Label>
              {muteChoices().map((c) => (
                <Menu.Item key={c.label} onClick={() => onMute(c.until)}>
                  {c.label}
                </Menu.Item>
              ))}
              {n.muted && (
                <Menu.Item color="indigo" onClick={onUnmute}>
                  Unmute now
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        )}
      </span>
    </li>
  );
}
