import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** The agent workspace: in-app notifications, who is looking at which ticket, saved views. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  await c
    .id(db.schema.createTable("notifications"))
    .addColumn("user_id", "integer", c.belongsTo("users"))
    .addColumn("ticket_id", "integer", c.refersTo("tickets", "cascade"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("actor_id", "integer", c.refersTo("users", "set null"))
    .addColumn("summary", "text", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("read_at", c.instant)
    .execute();
  await db.schema.createIndex("notifications_user").on("notifications").columns(["user_id", "id"]).execute();

  // One row per agent and ticket, refreshed by a heartbeat; stale rows simply stop counting.
  await c.pairTable("presence", ["ticket_id", "tickets"], ["user_id", "users"], (t) => t.addColumn("state", "text", (col) => col.notNull()).addColumn("updated_at", c.instant, (col) => col.notNull()));
  await db.schema.createIndex("presence_updated").on("presence").column("updated_at").execute();

  await c
    .id(db.schema.createTable("saved_views"))
    .addColumn("owner_id", "integer", c.belongsTo("users"))
    .addColumn("team_id", "integer", c.refersTo("teams", "cascade"))
    .$call(c.required("text", "name", "filters", "columns"))
    .addColumn("position", "integer", (col) => col.notNull().defaultTo(0))
    .$call(c.timestamps)
    .execute();
  await c.indexEach("saved_views", ["owner_id", "team_id"]);

  // Status filters on a custom status must not scan every ticket.
  await db.schema.createIndex("tickets_status_key").on("tickets").columns(["status", "updated_at"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
