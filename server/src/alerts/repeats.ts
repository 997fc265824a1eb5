/**
 * Repeats of an alert folded in memory and written together. Alertmanager re-sends every firing
 * alert at each repeat interval and a storm can bring thousands of identical notifications a
 * minute; one UPDATE each would make the database the bottleneck for news that changes nothing
 * but a counter. So a repeat adds to this node's tally per (source, fingerprint), and the tally
 * reaches alert_incidents in one transaction at most every TESSERA_ALERT_REPEAT_FLUSH_SECONDS
 * (and when the server closes).
 *
 * The flush adds (occurrences = occurrences + n) and keeps the later of two times, so any
 * number of nodes can fold the same alert at once and their flushes commute. A tally belongs
 * to the ticket it was counted for: once the alert moved on to a new ticket (its old one was
 * closed) the old tally is not added to the new ticket's count.
 *
 * What a crash may lose: the repeats counted on the crashed node since its last flush (a few
 * seconds' worth of the occurrence count and of the last-seen time). A new alert, a new firing
 * episode and a recovery are written in their own transaction before the webhook answers, so
 * nothing acknowledged other than a repeat's tally is lost.
 */
import { sql } from "kysely";
import type { AppContext } from "../context.ts";

interface Tally {
  source: string;
  fingerprint: string;
  ticketId: number;
  /** Firing repeats counted since the last flush (a repeated recovery counts none). */
  occurrences: number;
  lastSeenAt: string;
}

export interface RepeatFold {
  /** Counts one repeat of an alert tracked by `ticketId`, seen at `at` (ISO 8601). */
  record(r: { source: string; fingerprint: string; ticketId: number; firing: boolean; at: string }): void;
  /** Firing repeats of this alert counted here and not yet written. */
  pending(source: string, fingerprint: string): number;
  /** Writes every tally now; resolves when they are committed. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

const keyOf = (source: string, fingerprint: string) => JSON.stringify([source, fingerprint]);

export function createRepeatFold(ctx: Pick<AppContext, "db" | "log">, flushEveryMs: number): RepeatFold {
  let tallies = new Map<string, Tally>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function write(batch: Tally[]) {
    // Sorted, so two nodes flushing the same alerts lock their rows in the same order.
    batch.sort((a, b) => (a.source === b.source ? (a.fingerprint < b.fingerprint ? -1 : 1) : a.source < b.source ? -1 : 1));
    await ctx.db.transaction().execute(async (trx) => {
      for (const t of batch) {
        await trx
          .updateTable("alert_incidents")
          .set({
            occurrences: sql<number>`occurrences + ${t.occurrences}`,
            last_seen_at: sql<string>`case when last_seen_at < ${t.lastSeenAt} then ${t.lastSeenAt} else last_seen_at end`,
          })
          .where("source", "=", t.source)
          .where("fingerprint", "=", t.fingerprint)
          .where("ticket_id", "=", t.ticketId)
          .execute();
      }
    });
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // One flush at a time: the next starts after the one under way, with what came since.
    running = running.then(async () => {
      if (!tallies.size) return;
      const batch = [...tallies.values()];
      tallies = new Map();
      try {
        await write(batch);
      } catch (err) {
        // Kept for the next flush rather than dropped: a database outage delays the count.
        for (const t of batch) merge(t);
        ctx.log.warn({ err, alerts: batch.length }, "could not write alert repeat counts; will retry");
        schedule();
      }
    });
    return running;
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(() => void flush(), flushEveryMs);
    timer.unref();
  }

  function merge(t: Tally) {
    const key = keyOf(t.source, t.fingerprint);
    const had = tallies.get(key);
    if (!had || had.ticketId !== t.ticketId) {
      // A tally for a ticket the alert has left is of no use to the new one.
      if (!had || t.ticketId > had.ticketId) tallies.set(key, { ...t });
      return;
    }
    had.occurrences += t.occurrences;
    if (t.lastSeenAt > had.lastSeenAt) had.lastSeenAt = t.lastSeenAt;
  }

  return {
    record({ source, fingerprint, ticketId, firing, at }) {
      merge({ source, fingerprint, ticketId, occurrences: firing ? 1 : 0, lastSeenAt: at });
      schedule();
    },
    pending(source, fingerprint) {
      return tallies.get(keyOf(source, fingerprint))?.occurrences ?? 0;
    },
    flush,
    async close() {
      await flush();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
