/**
 * The monitoring alert a ticket tracks: whether it still fires, how often it has fired (repeats
 * included) and when it was last seen. Repeats reach these figures within a few seconds, so the
 * card says what was counted, not a live tally.
 */
import { Badge, Group, Text } from "@mantine/core";
import type { Ticket } from "@tessera/contracts";
import { formatDateTime } from "../../ui/format.ts";
import { TimeAgo } from "../../ui/time-ago.tsx";
import classes from "./ticket-pane.module.css";

const count = new Intl.NumberFormat();

export function AlertCard({ alert }: { alert: NonNullable<Ticket["alert"]> }) {
  const firing = alert.last_status === "firing";
  return (
    <section className={classes.card} aria-labelledby="alert-title">
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Text component="h3" id="alert-title" className={classes.cardTitle} mb={0}>
          Alert
        </Text>
        <Badge size="sm" variant="light" color={firing ? "red" : "green"}>
          {firing ? "Firing" : "Resolved"}
        </Badge>
      </Group>
      <Text size="sm" fw={600} aria-label="Occurrences">
        <span className="tabular">{count.format(alert.occurrences)}</span> {alert.occurrences === 1 ? "occurrence" : "occurrences"}
      </Text>
      <Text size="xs" c="dimmed" mt={2}>
        Last seen <TimeAgo iso={alert.last_seen_at} /> ({formatDateTime(alert.last_seen_at)})
      </Text>
      <Text size="xs" c="dimmed">
        First seen <TimeAgo iso={alert.first_seen_at} />
      </Text>
      <Text size="xs" c="dimmed" mt={4} style={{ overflowWrap: "anywhere" }}>
        {alert.source} · {alert.fingerprint}
      </Text>
    </section>
  );
}
