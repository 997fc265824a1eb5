/** The bell's footer: tickets whose notifications the agent muted, each with Unmute. */
import { Button, Text } from "@mantine/core";
import { IconBellOff } from "@tabler/icons-react";
import type { NotificationMute } from "@tessera/contracts";
import { Link } from "react-router";
import { describeMuteEnd } from "./bell-api.ts";
import classes from "./bell.module.css";

export function BellMutes({ mutes, onUnmute, onNavigate }: { mutes: NotificationMute[]; onUnmute: (ticketId: number) => void; onNavigate: () => void }) {
  if (!mutes.length) return null;
  return (
    <section className={classes.mutes} aria-label="Muted tickets">
      <Text size="xs" fw={600} c="dimmed" mb={4}>
        Muted tickets
      </Text>
      {mutes.map((m) => (
        <div key={m.ticket_id} className={classes.muteRow}>
          <IconBellOff size={14} color="var(--mantine-color-gray-6)" aria-hidden="true" />
          <span style={{ flex: 1, minWidth: 0 }}>
            <Text size="xs">
              <Link to={`/agent/tickets/${m.ticket_id}`} onClick={onNavigate} style={{ color: "inherit", fontWeight: 500 }}>
                {m.ticket_reference}
              </Link>{" "}
              muted {describeMuteEnd(m.until)}
            </Text>
            <Text size="xs" c="dimmed" truncate title={m.subject}>
              {m.subject}
            </Text>
          </span>
          <Button size="compact-xs" variant="subtle" onClick={() => onUnmute(m.ticket_id)} aria-label={`Unmute ${m.ticket_reference}`}>
            Unmute
          </Button>
        </div>
      ))}
    </section>
  );
}
