import { Group, Paper, Text, UnstyledButton } from "@mantine/core";
import type { TicketSummary } from "@tessera/contracts";
import { Link } from "react-router";
import { StatusPill } from "../ui/status-pill.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import classes from "./request-list.module.css";
import focus from "../ui/focus-ring.module.css";

/** What the requester should know at a glance, beyond the status. */
function nudge(t: TicketSummary): string | null {
  if (t.status.category === "awaiting_requester") return "The support team is waiting for your reply";
  if (t.status.category === "resolved") return "Resolved: tell us whether it is fixed";
  return null;
}

/** A requester's view of a ticket's status: the customer-facing label. */
export const requesterStatus = (t: Pick<TicketSummary, "status">) => ({ label: t.status.requester_label, category: t.status.category });

export function RequestList({ tickets, label }: { tickets: TicketSummary[]; label: string }) {
  return (
    <Paper component="ul" aria-label={label} className={classes.list}>
      {tickets.map((t) => {
        const hint = nudge(t);
        return (
          <li key={t.id} className={classes.item} data-attention={hint ? "true" : undefined}>
            <UnstyledButton component={Link} to={`/requests/${t.reference}`} className={`${classes.row} ${focus.ring}`}>
              <div className={classes.main}>
                <Text fw={500} size="md" lineClamp={1} className={classes.subject}>
                  {t.subject}
                </Text>
                <Group gap={6} wrap="nowrap" className={classes.meta}>
                  <Text span size="xs" c="dimmed" className="tabular">
                    {t.reference}
                  </Text>
                  {t.category && (
                    <Text span size="xs" c="dimmed" truncate>
                      · {t.category.name}
                    </Text>
                  )}
                  <Text span size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
                    · <TimeAgo iso={t.updated_at} prefix="updated" />
                  </Text>
                </Group>
                {hint && (
                  <Text size="xs" c="orange.8" fw={500} mt={2}>
                    {hint}
                  </Text>
                )}
              </div>
              <StatusPill status={requesterStatus(t)} />
            </UnstyledButton>
          </li>
        );
      })}
    </Paper>
  );
}
