/**
 * The bell: unread count (kept live by the stream), and the latest notifications, each linking
 * to its ticket. Opening one marks it read; "Mark all read" clears the count. The tab title
 * carries the count too, so it shows from another tab.
 */
import { ActionIcon, Button, Group, Indicator, Popover, Text, Tooltip } from "@mantine/core";
import { IconAlarm, IconArchive, IconAt, IconBell, IconFlame, IconMailQuestion, IconMessageReply, IconUserPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Notification } from "@tessera/contracts";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { markAllNotificationsRead, markNotificationRead } from "../api/agent.ts";
import { agentKeys, useNotifications } from "../api/agent-queries.ts";
import { LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { setUnreadCount } from "./title.ts";
import classes from "./workspace.module.css";

const KIND: Record<string, { label: string; icon: React.ReactNode }> = {
  mention: { label: "mentioned you", icon: <IconAt size={16} /> },
  assigned: { label: "assigned you", icon: <IconUserPlus size={16} /> },
  requester_reply: { label: "replied on your ticket", icon: <IconMessageReply size={16} /> },
  snooze_ended: { label: "Back from snooze", icon: <IconBell size={16} /> },
  sla_warning: { label: "SLA at risk", icon: <IconAlarm size={16} color="var(--mantine-color-yellow-8)" /> },
  sla_breach: { label: "SLA breached", icon: <IconFlame size={16} color="var(--mantine-color-red-7)" /> },
  auto_closed: { label: "Closed automatically", icon: <IconArchive size={16} /> },
  mail_held: { label: "Held mail waits for your decision", icon: <IconMailQuestion size={16} color="var(--mantine-color-orange-7)" /> },
};

/** Kinds that happen on their own (a snooze runs out, an SLA clock runs): nobody did them. */
const NO_ACTOR = new Set(["snooze_ended", "sla_warning", "sla_breach", "auto_closed", "mail_held"]);

function describe(n: Notification) {
  const kind = KIND[n.kind];
  if (NO_ACTOR.has(n.kind)) return kind.label;
  return `${n.actor?.name ?? "Someone"} ${kind?.label ?? n.kind.replace(/_/g, " ")}`;
}

export function NotificationBell() {
  const list = useNotifications();
  const client = useQueryClient();
  const [opened, setOpened] = useState(false);
  const unread = list.data?.unread_count ?? 0;

  useEffect(() => setUnreadCount(unread), [unread]);
  useEffect(() => () => setUnreadCount(0), []);

  const markRead = (n: Notification) => {
    if (n.read_at) return;
    // Shown read at once; the server is told in the background.
    client.setQueryData(agentKeys.notifications, (old: typeof list.data) =>
      old ? { unread_count: Math.max(0, old.unread_count - 1), items: old.items.map((i) => (i.id === n.id ? { ...i, read_at: new Date().toISOString() } : i)) } : old,
    );
    void markNotificationRead(n.id).finally(() => void client.invalidateQueries({ queryKey: agentKeys.notifications }));
  };
  const markAll = () => {
    client.setQueryData(agentKeys.notifications, (old: typeof list.data) => (old ? { unread_count: 0, items: old.items.map((i) => ({ ...i, read_at: i.read_at ?? new Date().toISOString() })) } : old));
    void markAllNotificationsRead().finally(() => void client.invalidateQueries({ queryKey: agentKeys.notifications }));
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} shadow="md" withinPortal trapFocus returnFocus>
      <Popover.Target>
        <Tooltip label="Notifications" disabled={opened}>
          <Indicator label={unread > 99 ? "99+" : unread} size={16} disabled={!unread} offset={4} color="red">
            <ActionIcon variant="subtle" color="gray" size="lg" onClick={() => setOpened((o) => !o)} aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"} aria-expanded={opened}>
              <IconBell size={20} />
            </ActionIcon>
          </Indicator>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown p={0} aria-label="Notifications">
        <Group justify="space-between" px="sm" py={8}>
          <Text size="sm" fw={600}>
            Notifications
          </Text>
          <Button size="compact-xs" variant="subtle" onClick={markAll} disabled={!unread}>
            Mark all read
          </Button>
        </Group>
        {list.isError ? (
          <div style={{ padding: 12 }}>
            <LoadError error={list.error} onRetry={() => void list.refetch()} />
          </div>
        ) : !list.data?.items.length ? (
          <Text size="sm" c="dimmed" px="sm" pb="md" pt={4}>
            Nothing yet. You are told here when someone assigns you a ticket, mentions you in a note, a requester replies on your ticket, or its SLA is at risk or breached.
          </Text>
        ) : (
          <ul className={classes.bellList}>
            {list.data.items.map((n) => (
              <li key={n.id}>
                <Link
                  to={n.ticket_id ? `/agent/tickets/${n.ticket_id}` : "/agent"}
                  className={classes.bellItem}
                  data-unread={!n.read_at || undefined}
                  onClick={() => {
                    markRead(n);
                    setOpened(false);
                  }}
                >
                  <span className={classes.bellDot} aria-label={n.read_at ? undefined : "Unread"} />
                  <span style={{ color: "var(--mantine-color-gray-6)", paddingTop: 2 }} aria-hidden="true">
                    {KIND[n.kind]?.icon ?? <IconBell size={16} />}
                  </span>
                  <span style={{ minWidth: 0, flex: 1 }}>
                    <Text size="sm" fw={n.read_at ? 400 : 600}>
                      {describe(n)}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {n.summary}
                    </Text>
                    <Text size="xs" c="dimmed">
                      <TimeAgo iso={n.created_at} />
                    </Text>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
