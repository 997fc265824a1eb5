/**
 * Everything that reacts to a change of a ticket, in one list, by name.
 *
 * A change writes its events through the one writer (events/write.ts), which does nothing else.
 * Then:
 * - reactions that must be atomic with the change run inside its transaction, called by the
 *   domain service explicitly, after it has written its events;
 * - reactions that follow the change consume the committed event log, each through a durable
 *   cursor of its own (events/consumers.ts): once per installation, across nodes and restarts,
 *   and never inside a request.
 */
import type { AppContext } from "../context.ts";
import { mailNotifications } from "../mail/out/enqueue.ts";
import { syncSla } from "../sla/sync.ts";
import { drainConsumer, type EventConsumer, startConsumers } from "./consumers.ts";

export type ReactionTiming = "in_transaction" | "after_commit";

export interface Reaction {
  name: string;
  timing: ReactionTiming;
  /** Where it lives, for a reader following a change. */
  where: string;
}

/** The SLA clock: deadlines follow the ticket in the same transaction, so a sweep never sees a stale one. */
export const slaClock = syncSla;

/** After-commit reactions that keep a durable cursor on the event log, run by every node that runs workers. */
export const afterCommitConsumers: EventConsumer[] = [mailNotifications];

/** The whole list, for readers and for the test that keeps it honest. */
export const reactions: Reaction[] = [
  { name: "sla_clock", timing: "in_transaction", where: "sla/sync.ts syncSla, called by each ticket service as slaClock" },
  { name: "bell_notifications", timing: "in_transaction", where: "notifications/service.ts notify, called by the ticket services for assignments, mentions and requester replies" },
  { name: mailNotifications.name, timing: "after_commit", where: "mail/out/enqueue.ts: outbox rows for the events that call for mail" },
  { name: "live_stream", timing: "after_commit", where: "live/hub.ts: each node follows the committed log with its own in-memory cursor (live is per node)" },
];

/** Runs the after-commit consumers on this node; resolves to a function that stops them. */
export function startReactions(ctx: AppContext): () => Promise<void> {
  return startConsumers(ctx, afterCommitConsumers);
}

/** Waits until every after-commit consumer has handled every event committed so far. */
export async function drainReactions(ctx: AppContext): Promise<void> {
  for (const consumer of afterCommitConsumers) await drainConsumer(ctx, consumer);
}
