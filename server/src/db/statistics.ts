/**
 * SQLite chooses how to read the ticket lists from the tickets table's statistics
 * (sqlite_stat1). A desk that grew by use has none: SQLite never gathers them by itself, and
 * without them it reads "Breaching soon" and the sidebar counts of a desk of 1,000,000 tickets
 * by scanning (0.3 to 0.7 s instead of a few ms). Sampled statistics mislead it the same way.
 * So on start, when the tickets table has no statistics or holds twice or half as many tickets
 * as when they were taken, the server analyses it in full before it serves: about 4 s at
 * 1,000,000 tickets, nothing to notice on a small desk. PostgreSQL gathers its own (autovacuum).
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** How far the ticket count may drift from the analysed one before the statistics are taken again. */
const DRIFT = 2;

export type StatisticsOutcome = { analysed: false } | { analysed: true; tickets: number; ms: number; reason: "missing" | "drifted" };

export async function refreshTicketStatistics(db: Kysely<Database>): Promise<StatisticsOutcome> {
  // The first number of a full index's row is the table's row count when it was analysed.
  const stat = await sql<{ rows: number | null }>`select max(cast(stat as integer)) as rows from sqlite_stat1 where tbl = 'tickets'`
    .execute(db)
    .then((r) => r.rows[0]?.rows ?? null)
    // sqlite_stat1 exists only once something was analysed.
    .catch(() => null);
  const { n } = await db
    .selectFrom("tickets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const tickets = Number(n);
  const reason = stat === null ? "missing" : tickets > stat * DRIFT || tickets * DRIFT < stat ? "drifted" : undefined;
  if (!reason) return { analysed: false };
  const started = Date.now();
  await sql`analyze tickets`.execute(db);
  return { analysed: true, tickets, ms: Date.now() - started, reason };
}
