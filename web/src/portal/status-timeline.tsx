import { Text, VisuallyHidden } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import type { StatusCategory, Ticket } from "@tessera/contracts";
import { formatDay } from "../ui/format.ts";
import classes from "./status-timeline.module.css";

const STEPS = ["Submitted", "In progress", "Waiting for you", "Resolved", "Closed"] as const;

const WAITING = STEPS.indexOf("Waiting for you");

const STEP_OF: Record<StatusCategory, number> = {
  draft: 0,
  new: 0,
  open: 1,
  awaiting_third_party: 1,
  awaiting_approval: 1,
  awaiting_requester: 2,
  resolved: 3,
  closed: 4,
  cancelled: 4,
};

/** Where a request stands: Submitted → In progress → Waiting for you → Resolved → Closed. */
export function StatusTimeline({ ticket }: { ticket: Ticket }) {
  const current = STEP_OF[ticket.status.category];
  const dates: Partial<Record<number, string | null>> = { 0: ticket.created_at, 3: ticket.resolved_at, 4: ticket.closed_at };
  const cancelled = ticket.status.category === "cancelled";
  return (
    <ol className={classes.steps} aria-label="Progress of this request">
      {STEPS.map((label, i) => {
        // Waiting on the requester is a step only some requests take: passed without it, it was skipped, not done.
        const skipped = i === WAITING && i < current && !ticket.waited_on_requester;
        const state = skipped ? "skipped" : i < current ? "done" : i === current ? "current" : "todo";
        const name = cancelled && i === 4 ? "Cancelled" : label;
        const date = dates[i];
        return (
          <li key={label} className={classes.step} data-state={state} aria-current={state === "current" ? "step" : undefined}>
            <span className={classes.marker} aria-hidden="true">
              {state === "done" ? <IconCheck size={12} stroke={3} /> : null}
            </span>
            <Text size="xs" fw={state === "current" ? 600 : 500} className={classes.label}>
              {name}
              <VisuallyHidden>{state === "done" ? " (done)" : state === "current" ? " (current step)" : state === "skipped" ? " (not needed)" : " (not yet)"}</VisuallyHidden>
            </Text>
            {date && (state === "done" || state === "current") && (
              <Text size="xs" c="dimmed" className="tabular">
                {formatDay(date)}
              </Text>
            )}
          </li>
        );
      })}
    </ol>
  );
}
