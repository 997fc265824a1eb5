import { sql, type Kysely } from "kysely";
import { columns, isPostgres } from "./columns.ts";

/**
 * The ticket event log as a feed that consumers follow with a durable cursor.
 *
 * On PostgreSQL ids from a sequence do not commit in id order: a transaction that took id 10
 * may commit after one that took id 11, so a reader that remembers "after 11" would skip 10.
 * Each event therefore records the id of the transaction that wrote it (`xact_id`, filled by
 * the database), and readers take only events of transactions older than every transaction
 * still running, in (xact_id, id) order. SQLite has one writer at a time, so id order is
 * commit order there and `xact_id` stays 0. Events written before this migration keep 0 too:
 * they were all committed long ago.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const pg = isPostgres(db);
  await db.schema
    .alterTable("ticket_events")
    .addColumn("xact_id", pg ? "bigint" : "integer", (col) => col.notNull().defaultTo(0))
    .execute();
  if (pg) await sql`alter table ticket_events alter column xact_id set default (pg_current_xact_id()::text::bigint)`.execute(db);
  await db.schema.createIndex("ticket_events_feed").on("ticket_events").columns(["xact_id", "id"]).execute();

  // One row per consumer of the log: how far it has handled, moved in the same transaction as its effects.
  await db.schema
    .createTable("event_consumers")
    .addColumn("name", "text", (col) => col.primaryKey())
    .addColumn("cursor_xact", pg ? "bigint" : "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("cursor_id", pg ? "bigint" : "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
