/**
 * The timeline's items in order: the opening request, the comments, and the events between
 * them grouped into bursts. A burst is every event between two messages, so the conversation
 * reads as a conversation and the audit trail sits in one line per gap.
 */
import type { Comment, TicketEvent } from "@tessera/contracts";
import { isShownAsLine } from "./event-text.ts";

/** What the timeline shows: messages only, or messages with the events between them. */
export type TimelineFilter = "conversation" | "everything";

export type TimelineItem =
  { kind: "description"; at: string; key: string } | { kind: "comment"; at: string; key: string; comment: Comment } | { kind: "burst"; at: string; key: string; events: TicketEvent[] };

type Entry = { kind: "description"; at: string } | { kind: "comment"; at: string; comment: Comment } | { kind: "event"; at: string; event: TicketEvent };

export function timelineItems(openedAt: string, comments: Comment[], events: TicketEvent[], filter: TimelineFilter): TimelineItem[] {
  const entries: Entry[] = [
    { kind: "description", at: openedAt },
    ...comments.map((comment): Entry => ({ kind: "comment", at: comment.created_at, comment })),
    ...(filter === "everything" ? events.filter(isShownAsLine).map((event): Entry => ({ kind: "event", at: event.created_at, event })) : []),
  ];
  // Same instant: the message first, then what it changed. The sort is stable, so events keep their order.
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : (a.kind === "event" ? 1 : 0) - (b.kind === "event" ? 1 : 0)));

  const items: TimelineItem[] = [];
  for (const entry of entries) {
    if (entry.kind === "description") items.push({ kind: "description", at: entry.at, key: "d" });
    else if (entry.kind === "comment") items.push({ kind: "comment", at: entry.at, key: `c${entry.comment.id}`, comment: entry.comment });
    else {
      const last = items[items.length - 1];
      if (last?.kind === "burst") last.events.push(entry.event);
      // Keyed by its first event, so a burst that grows keeps its place and its open state.
      else items.push({ kind: "burst", at: entry.at, key: `e${entry.event.id}`, events: [entry.event] });
    }
  }
  return items;
}

/**
 * "3 replies · 1 note": public replies after the opening request (the requester's and the
 * agents'), and internal notes apart. The portal counts replies the same way, without notes.
 */
export function countMessages(comments: Comment[]): { replies: string; notes: string | null } {
  const notes = comments.filter((c) => c.internal).length;
  const replies = comments.length - notes;
  return {
    replies: replies === 0 ? "No replies yet" : `${replies} ${replies === 1 ? "reply" : "replies"}`,
    notes: notes === 0 ? null : `${notes} ${notes === 1 ? "note" : "notes"}`,
  };
}
