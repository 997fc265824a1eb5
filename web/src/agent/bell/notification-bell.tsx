/**
 * The bell: unread count (kept live by the stream) and the latest notifications, repeats of one
 * kind on one ticket collapsed into one line by the API. A line opens its ticket and is read;
 * it can also be marked read, or its ticket muted, from beside it. The badge counts lines, as the
 * agent sees them: four SLA repeats on one ticket are one thing to look at. The tab title
 * carries the count too, so it shows from another tab.
 */
import { ActionIcon, Button, Group, Indicator, Popover, Text, Tooltip } from "@mantine/core";
import { IconBell } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Notification, NotificationList } from "@tessera/contracts";
import { useEffect, useRef, useState } from "react";
import { markAllNotificationsRead, markNotificationRead } from "../../api/agent.ts";
import { agentKeys, useNotifications } from "../../api/agent-queries.ts";
import { LoadError } from "../../ui/query-state.tsx";
import { muteTicketNotifications, unmuteTicketNotifications } from "./bell-api.ts";
import { BellItem } from "./bell-item.tsx";
import { BellMutes } from "./bell-mutes.tsx";
import classes from "./bell.module.css";
import { setUnreadCount } from "../title.ts";
import { toast } from "../toast.ts";

export function NotificationBell() {
  const list = useNotifications();
  const client = useQueryClient();
  const [opened, setOpened] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const unread = list.data?.unread_count ?? 0;

  useEffect(() => setUnreadCount(unread), [unread]);
  useEffect(() => () => setUnreadCount(0), []);

  const refresh = () => void client.invalidateQueries({ queryKey: agentKeys.notifications });
  const edit = (fn: (old: NotificationList) => NotificationList) => client.setQueryData(agentKeys.notifications, (old: NotificationList | undefined) => (old ? fn(old) : old));
  const failed = (what: string) => (err: unknown) => toast({ color: "red", title: `Could not ${what}`, message: err instanceof Error ? err.message : String(err) });

  const markRead = (n: Notification) => {
    if (n.read_at) return;
    // Shown read at once; the server is told in the background.
    const at = new Date().toISOString();
    edit((old) => ({
      ...old,
      unread_count: Math.max(0, old.unread_count - 1),
      unread_items: Math.max(0, old.unread_items - n.count),
      items: old.items.map((i) => (i.id === n.id ? { ...i, read_at: at } : i)),
    }));
    void markNotificationRead(n.id).catch(failed("mark it read")).finally(refresh);
  };
  const markAll = () => {
    // The button is disabled once nothing is unread, which would drop focus out of the panel
    // and leave Escape with nothing to close; the panel keeps it instead.
    panel.current?.focus();
    edit((old) => ({ ...old, unread_count: 0, unread_items: 0, items: old.items.map((i) => ({ ...i, read_at: i.read_at ?? new Date().toISOString() })) }));
    void markAllNotificationsRead().catch(failed("mark all read")).finally(refresh);
  };
  const mute = (n: Notification, until: string | null) => {
    if (n.ticket_id === null) return;
    // The line and the "Muted tickets" list show the result; no toast to cover the bell.
    void muteTicketNotifications(n.ticket_id, until).catch(failed("mute it")).finally(refresh);
  };
  const unmute = (ticketId: number) => {
    edit((old) => ({ ...old, mutes: old.mutes.filter((m) => m.ticket_id !== ticketId), items: old.items.map((i) => (i.ticket_id === ticketId ? { ...i, muted: null } : i)) }));
    void unmuteTicketNotifications(ticketId).catch(failed("unmute it")).finally(refresh);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width="min(400px, calc(100vw - 16px))" shadow="md" withinPortal trapFocus returnFocus hideDetached={false}>
      <Popover.Target>
        <Tooltip label="Notifications" disabled={opened}>
          <Indicator label={unread > 99 ? "99+" : unread} size={16} disabled={!unread} offset={4} color="red">
            <ActionIcon variant="subtle" color="gray" size="lg" onClick={() => setOpened((o) => !o)} aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"} aria-expanded={opened}>
              <IconBell size={20} />
            </ActionIcon>
          </Indicator>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown ref={panel} p={0} aria-label="Notifications">
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
          <ul className={classes.list}>
            {list.data.items.map((n) => (
              <BellItem
                key={n.id}
                n={n}
                onOpen={() => {
                  markRead(n);
                  setOpened(false);
                }}
                onMarkRead={() => markRead(n)}
                onMute={(until) => mute(n, until)}
                onUnmute={() => n.ticket_id !== null && unmute(n.ticket_id)}
              />
            ))}
          </ul>
        )}
        <BellMutes mutes={list.data?.mutes ?? []} onUnmute={unmute} onNavigate={() => setOpened(false)} />
      </Popover.Dropdown>
    </Popover>
  );
}
