/**
 * The one writer of ticket events: the append-only audit trail that the timeline, the reports,
 * the public event log and every after-commit reaction read. It runs in the caller's
 * transaction, so a change and its record are committed together or not at all, and it does
 * nothing else: what reacts to an event is listed in events/reactions.ts.
 */
import type { Executor } from "../context.ts";
import type { TicketEventsTable } from "../db/schema.ts";
import { prepared } from "../db/prepared.ts";

/** One event as a service describes it. */
export interface EventInput {
  action: string;
  field?: string;
  old?: unknown;
  new?: unknown;
}

/** One event as stored (ticket_events without its generated id and transaction id). */
export type EventRecord = Omit<TicketEventsTable, "id" | "xact_id">;

/** The stored form of a batch of events about one ticket, by one actor, at one instant. */
export function eventRecords(ticketId: number, actorId: number | null, via: string, now: string, events: EventInput[]): EventRecord[] {
  return events.map((e) => ({
    ticket_id: ticketId,
    actor_id: actorId,
    via,
    action: e.action,
    field: e.field ?? null,
    old_value: e.old === undefined ? null : JSON.stringify(e.old),
    new_value: e.new === undefined ? null : JSON.stringify(e.new),
    created_at: now,
  }));
}

// Most changes write one event: that insert is compiled once.
const insertOne = prepared<EventRecord>((db, p) =>
  db.insertInto("ticket_events").values({
    ticket_id: p.ticket_id,
    actor_id: p.actor_id,
    via: p.via,
    action: p.action,
    field: p.field,
    old_value: p.old_value,
    new_value: p.new_value,
    created_at: p.created_at,
  }),
);

/** Appends events in the caller's transaction. */
export async function writeEvents(db: Executor, records: EventRecord[]): Promise<void> {
  if (records.length === 1) await insertOne.run(db, records[0]);
  else if (records.length) await db.insertInto("ticket_events").values(records).execute();
}
