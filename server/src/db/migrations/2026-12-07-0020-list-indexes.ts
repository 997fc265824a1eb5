import { sql, type Kysely } from "kysely";

/**
 * Indexes for the workspace's views on a large desk (bench/README.md, "Reads at scale").
 *
 * A view reads one page in its sort order; it is fast only when an index hands rows out in that
 * order and few rows are thrown away on the way. Open tickets are a few percent of a desk that has
 * run for years, so the views over open tickets walk partial indexes that hold only those: "All
 * open" by update time, "Breaching soon" (and any open view) by SLA, "My open" and "Unassigned"
 * by assignee. A saved view narrowed to a few rows (a team's P1 and P2 incidents: a fraction
 * of a percent of its tickets) finds them by team, type and priority and sorts them, rather than
 * walking thousands of tickets in order to keep one in two hundred. (A team's whole queue needs nothing more: a sixth of the desk, it is found soon
 * enough walking every ticket by update time; an index of the team by update time tempted
 * PostgreSQL to walk it for the narrow view too.)
 *
 * The partial indexes' condition must be written exactly as the list query writes it (both
 * engines match the text, not its meaning): `OPEN_TICKETS_SQL` in server/src/tickets/open.ts.
 * It names the categories that are not open rather than the five that are: a list that names the
 * five, as `in (...)`, leads SQLite's planner to the `status_category` indexes and a sort.
 */
const OPEN = sql.raw(`status_category not in ('draft', 'resolved', 'closed', 'cancelled')`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tickets_open_updated on tickets (updated_at, id) where ${OPEN}`.execute(db);
  await sql`create index tickets_open_sla on tickets (sla_sort, id) where ${OPEN}`.execute(db);
  await sql`create index tickets_open_assignee on tickets (assignee_id, sla_sort, id) where ${OPEN}`.execute(db);
  await db.schema.createIndex("tickets_team_type").on("tickets").columns(["team_id", "type", "priority"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
