/**
 * The audit trail between messages: one grey line for a lone event, one collapsed line for a
 * burst of several ("3 changes: status, priority, assignee · 2 SLA events"), which opens to the
 * lines themselves. And the filter that hides them all, kept per browser.
 */
import { SegmentedControl, Text, UnstyledButton } from "@mantine/core";
import { IconChevronRight } from "@tabler/icons-react";
import type { Category, TicketEvent } from "@tessera/contracts";
import { useCallback, useId, useState } from "react";
import type { Directory } from "../../api/agent-queries.ts";
import { TimeAgo } from "../../ui/time-ago.tsx";
import { describeBurst, describeEvent, eventActor } from "./event-text.ts";
import type { TimelineFilter } from "./timeline-grouping.ts";
import pane from "../ticket/ticket-pane.module.css";
import classes from "./timeline.module.css";
import focus from "../../ui/focus-ring.module.css";

type Words = { directory: Directory; categories: Category[] | undefined };

function EventLine({ event, directory, categories }: { event: TicketEvent } & Words) {
  return (
    <li className={pane.eventLine}>
      <span className={pane.eventDot} aria-hidden="true" />
      <Text span size="xs" c="dimmed" className={pane.eventText}>
        <Text span size="xs" fw={500} c="gray.7">
          {eventActor(event)}
        </Text>{" "}
        {describeEvent(event, directory, categories)}
      </Text>
      <Text span size="xs" c="dimmed" className={pane.eventTime}>
        <TimeAgo iso={event.created_at} />
      </Text>
    </li>
  );
}

/**
 * Events between two messages. Several start collapsed, unless one of them happened while the
 * ticket was open here (the agent's own change, or one they watched arrive): that is news, and
 * hiding it would look as if nothing had happened.
 */
export function EventBurst({ events, openedAt, directory, categories }: { events: TicketEvent[]; openedAt: number } & Words) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const listId = useId();
  if (events.length === 1) return <EventLine event={events[0]} directory={directory} categories={categories} />;
  const open = chosen ?? events.some((e) => Date.parse(e.created_at) > openedAt);
  const last = events[events.length - 1];
  return (
    <li className={classes.burst} aria-label="Changes and events">
      <UnstyledButton className={`${classes.burstToggle} ${focus.ring}`} aria-expanded={open} aria-controls={listId} onClick={() => setChosen(!open)}>
        <IconChevronRight size={12} aria-hidden="true" className={classes.burstChevron} data-open={open || undefined} />
        <Text span size="xs" c="dimmed" className={pane.eventText}>
          {describeBurst(events)}
        </Text>
        <Text span size="xs" c="dimmed" className={pane.eventTime}>
          <TimeAgo iso={last.created_at} />
        </Text>
      </UnstyledButton>
      {/* In the page even when closed (hidden), so find-in-page and screen readers' lists agree with the count. */}
      <ul id={listId} className={classes.burstLines} hidden={!open}>
        {events.map((e) => (
          <EventLine key={e.id} event={e} directory={directory} categories={categories} />
        ))}
      </ul>
    </li>
  );
}

const FILTER_KEY = "tessera.timeline.filter";

function storedFilter(): TimelineFilter {
  try {
    return localStorage.getItem(FILTER_KEY) === "conversation" ? "conversation" : "everything";
  } catch {
    return "everything";
  }
}

/**
 * Everything is the default: a status change or a breach between two messages explains the
 * messages ("why did they write again?"), and collapsed bursts cost one line each. Agents who
 * only want to read the exchange choose Conversation once; this browser remembers it.
 */
export function useTimelineFilter(): [TimelineFilter, (f: TimelineFilter) => void] {
  const [filter, setFilter] = useState(storedFilter);
  const choose = useCallback((next: TimelineFilter) => {
    setFilter(next);
    try {
      localStorage.setItem(FILTER_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  return [filter, choose];
}

export function TimelineFilterControl({ value, onChange }: { value: TimelineFilter; onChange: (f: TimelineFilter) => void }) {
  return (
    <SegmentedControl
      size="xs"
      aria-label="Show in the timeline"
      value={value}
      onChange={(v) => onChange(v as TimelineFilter)}
      data={[
        { value: "conversation", label: "Conversation" },
        { value: "everything", label: "Everything" },
      ]}
    />
  );
}
