/**
 * The one rule for "one node at a time": on PostgreSQL a session-level advisory lock whose key
 * is derived from a name, tried and skipped when another node holds it; on SQLite (one node by
 * design) an in-process mark per database and name. Periodic ticks and any work that wants the
 * same guarantee take it here, so there is one key space and one behaviour.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { AppContext } from "../context.ts";

/**
 * The advisory lock key of a name: the first 48 bits of its SHA-256, a safe JS integer that
 * every node computes alike (the single-bigint key space of pg_advisory_lock).
 */
export function lockKeyOf(name: string): number {
  return parseInt(createHash("sha256").update(name).digest("hex").slice(0, 12), 16);
}

/** SQLite: which names are being worked on in this process, per database. */
const heldInProcess = new WeakMap<object, Set<string>>();

export type Locked<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `work` unless another node (PostgreSQL) or another caller in this process (SQLite) holds
 * `name`; then it returns `{ ran: false }` at once without waiting.
 */
export async function withNodeLock<T>(ctx: Pick<AppContext, "db" | "dialect">, name: string, work: () => Promise<T>): Promise<Locked<T>> {
  if (ctx.dialect !== "postgres") {
    let held = heldInProcess.get(ctx.db);
    if (!held) heldInProcess.set(ctx.db, (held = new Set()));
    if (held.has(name)) return { ran: false };
    held.add(name);
    try {
      return { ran: true, value: await work() };
    } finally {
      held.delete(name);
    }
  }
  const key = lockKeyOf(name);
  // One pooled connection holds the lock for the whole run; the work itself uses others.
  return ctx.db.connection().execute(async (conn) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
    if (!got.rows[0]?.ok) return { ran: false as const };
    try {
      return { ran: true as const, value: await work() };
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
