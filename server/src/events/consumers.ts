/**
 * Durable consumers of the committed event log: each after-commit reaction (events/reactions.ts)
 * follows the log with a cursor of its own in event_consumers.
 *
 * A pass reads a batch of committed events after the consumer's cursor, lets the consumer apply
 * its effects, and moves the cursor, all in one transaction: the effects and the cursor commit
 * together or not at all, so every event is handled exactly once per installation, across
 * restarts and crashes (a crash before commit leaves the cursor where it was, and the batch is
 * handled again from scratch). One node runs a given consumer at a time: on PostgreSQL the pass
 * holds the consumer's row lock (FOR UPDATE) until it commits and other nodes skip it; on
 * SQLite transactions run one at a time anyway. Consumers run beside requests, never inside
 * them, so a slow consumer never holds a request up.
 */
import { type AppContext, inTransaction } from "../context.ts";
import { cursorBefore, cursorOf, type FeedCursor, type FeedEvent, readCommitted, visibleEnd } from "./feed.ts";

export interface EventConsumer {
  /** Stable: the cursor is stored under it. */
  name: string;
  /**
   * Applies the consumer's effects for a batch of events, inside the transaction that moves its
   * cursor. May return work to do once that transaction has committed (e.g. waking a worker).
   */
  handle(tx: AppContext, events: FeedEvent[]): Promise<void | (() => void)>;
}

/** Events per pass: one transaction's worth. */
const BATCH = 200;
/** How often a running node looks for events it was not woken for (another node's, or mail taken in here). */
const POLL_MS = 1000;

interface Pass {
  /** Another node holds this consumer right now. */
  busy: boolean;
  handled: number;
  cursor: FeedCursor;
}

async function runPass(ctx: AppContext, consumer: EventConsumer, wait: boolean): Promise<Pass> {
  let afterCommit: (() => void) | undefined;
  const pass = await inTransaction(ctx, async (tx): Promise<Pass> => {
    const now = tx.clock.now().toISOString();
    await tx.db
      .insertInto("event_consumers")
      .values({ name: consumer.name, cursor_xact: 0, cursor_id: 0, updated_at: now })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const row = await tx.db
      .selectFrom("event_consumers")
      .selectAll()
      .where("name", "=", consumer.name)
      .$if(tx.dialect === "postgres", (q) => (wait ? q.forUpdate() : q.forUpdate().skipLocked()))
      .executeTakeFirst();
    if (!row) return { busy: true, handled: 0, cursor: { xact: "0", id: 0 } };
    const from = { xact: String(row.cursor_xact), id: Number(row.cursor_id) };
    const events = await readCommitted(tx.db, tx.dialect, from, BATCH);
    if (!events.length) return { busy: false, handled: 0, cursor: from };
    afterCommit = (await consumer.handle(tx, events)) ?? undefined;
    const to = cursorOf(events[events.length - 1]);
    await tx.db.updateTable("event_consumers").set({ cursor_xact: to.xact, cursor_id: to.id, updated_at: now }).where("name", "=", consumer.name).execute();
    return { busy: false, handled: events.length, cursor: to };
  });
  afterCommit?.();
  return pass;
}

// Passes of one consumer on one node run one after another, never side by side.
const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

function serially<T>(ctx: AppContext, name: string, work: () => Promise<T>): Promise<T> {
  let byName = queues.get(ctx.db);
  if (!byName) queues.set(ctx.db, (byName = new Map()));
  const next = (byName.get(name) ?? Promise.resolve()).catch(() => {}).then(work);
  byName.set(name, next);
  return next;
}

/** Handles everything committed for this consumer, unless another node is at it; returns how many events. */
export async function runConsumer(ctx: AppContext, consumer: EventConsumer): Promise<number> {
  let total = 0;
  for (;;) {
    const pass = await serially(ctx, consumer.name, () => runPass(ctx, consumer, false));
    total += pass.handled;
    if (pass.busy || pass.handled < BATCH) return total;
  }
}

/**
 * Waits until the consumer has handled every event visible now, whichever node does it, and
 * that is committed. For
 * tests and shutdown paths: on PostgreSQL it waits out transactions still open on the server,
 * since an event behind one of them is not safe to read yet (`limitMs` bounds that).
 */
export async function drainConsumer(ctx: AppContext, consumer: EventConsumer, limitMs = 60_000): Promise<void> {
  const target = await visibleEnd(ctx.db);
  const deadline = Date.now() + limitMs;
  for (;;) {
    const pass = await serially(ctx, consumer.name, () => runPass(ctx, consumer, true));
    if (!cursorBefore(pass.cursor, target)) return ctx.durable(); // and its effects are on disk (SQLite commits in groups)
    if (pass.handled) continue;
    if (Date.now() > deadline) throw new Error(`event consumer "${consumer.name}" is held back by a transaction that stays open`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// ---- running on a node ------------------------------------------------------------------------

// Per instance, not per process: a process may hold several (the tests build many).
const wakersOf = new WeakMap<AppContext, Set<() => void>>();

/** Something was committed on this instance: its consumers look now rather than at their next poll. */
export function wakeConsumers(ctx: AppContext): void {
  for (const wake of wakersOf.get(ctx) ?? []) wake();
}

/** Runs the consumers on this node until the returned function is called. */
export function startConsumers(ctx: AppContext, consumers: EventConsumer[]): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  const tick = () => {
    if (stopped) return;
    again = true;
    running = running.then(async () => {
      while (again && !stopped) {
        again = false;
        for (const c of consumers) {
          try {
            await runConsumer(ctx, c);
          } catch (err) {
            ctx.log.warn({ err, consumer: c.name }, "event consumer failed; it resumes from its cursor");
          }
        }
      }
    });
  };
  const timer = setInterval(tick, POLL_MS);
  timer.unref();
  const wakers = wakersOf.get(ctx) ?? new Set<() => void>();
  wakersOf.set(ctx, wakers);
  wakers.add(tick);
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    wakers.delete(tick);
    await running;
  };
}
