import { sql, type Kysely } from "kysely";

/**
 * Indexes that answer the sidebar's view counts from the index alone (bench/README.md, "Reads at
 * scale"). A count reads every match up to its bound (1000) and must check each against the
 * visibility rule (team, assignee, requester, author of a draft); with those columns in the index
 * it never reads the tickets themselves: "Breaching soon" over the open tickets by SLA state,
 * "need an agent" (new or open) by category. On a million tickets: 68 and 27 ms before, 4 and 1 ms
 * after, on SQLite.
 *
 * The open condition is the one of 2026-12-07-0020 (server/src/tickets/open.ts, OPEN_TICKETS_SQL).
 */
const OPEN = sql.raw(`status_category not in ('draft', 'resolved', 'closed', 'cancelled')`);
const VISIBILITY = "team_id, assignee_id, requester_id, created_by_id, merged_into_id";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tickets_open_sla_state on tickets (sla_state, sla_warn_at, sla_due_at, ${sql.raw(VISIBILITY)}, status_category) where ${OPEN}`.execute(db);
  await sql`create index tickets_status_visible on tickets (status_category, ${sql.raw(VISIBILITY)})`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
