/** The audit trail of a ticket, as the ticket services write it: through the one writer in events/write.ts. */
import type { Actor } from "../auth/actor.ts";
import type { Executor } from "../context.ts";
import { eventRecords, writeEvents, type EventInput } from "../events/write.ts";

export type { EventInput };

/** Where a change came from when it was not a person's direct action, e.g. "major_incident:INC-1001". */
export function viaOf(actor: Actor | undefined): string {
  return actor ? (actor.auth === "token" ? "api" : "web") : "system";
}

/**
 * Records a batch of events about one ticket in the caller's transaction. Only records them:
 * mail and other after-commit reactions follow the committed log (events/reactions.ts).
 */
export async function recordEvents(db: Executor, ticketId: number, actor: Pick<Actor, "id"> | undefined, via: string, now: string, events: EventInput[]) {
  await writeEvents(db, eventRecords(ticketId, actor?.id ?? null, via, now, events));
}

/** Events a requester may see in their timeline; everything else is internal. */
export const REQUESTER_EVENT_ACTIONS = ["created", "status_changed", "reply_added", "resolution_confirmed", "reopened", "merged_into"];
