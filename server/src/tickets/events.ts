/** The append-only audit trail of a ticket: written in the same transaction as the change. */
import type { Actor } from "../auth/actor.ts";
import type { Executor } from "../context.ts";
import { enqueueMailFor } from "../mail/out/enqueue.ts";

export interface EventInput {
  action: string;
  field?: string;
  old?: unknown;
  new?: unknown;
}

/** Where a change came from when it was not a person's direct action, e.g. "major_incident:INC-1001". */
export function viaOf(actor: Actor | undefined): string {
  return actor ? (actor.auth === "token" ? "api" : "web") : "system";
}

export async function recordEvents(db: Executor, ticketId: number, actor: Actor | undefined, via: string, now: string, events: EventInput[]) {
  if (!events.length) return;
  await db
    .insertInto("ticket_events")
    .values(
      events.map((e) => ({
        ticket_id: ticketId,
        actor_id: actor?.id ?? null,
        via,
        action: e.action,
        field: e.field ?? null,
        old_value: e.old === undefined ? null : JSON.stringify(e.old),
        new_value: e.new === undefined ? null : JSON.stringify(e.new),
        created_at: now,
      })),
    )
    .execute();
  // The mail these events call for is queued in the same transaction, so none is lost or sent for a change that was rolled back.
  await enqueueMailFor(db, ticketId, actor, via, now, events);
}

/** Events a requester may see in their timeline; everything else is internal. */
export const REQUESTER_EVENT_ACTIONS = ["created", "status_changed", "reply_added", "resolution_confirmed", "reopened", "merged_into"];
