import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** The agent workspace: in-app notifications, who is looking at which ticket, saved views. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  await c
    .id(db.schema.createTable("notifications"))
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("ticket_id", "integer", (col) => col.references("tickets.id").onDelete("cascade"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("actor_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("summary", "text", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("read_at", c.instant)
    .execute();
  await db.schema.createIndex("notifications_user").on("notifications").columns(["user_id", "id"]).execute();

  // One row per agent and ticket, refreshed by a heartbeat; stale rows simply stop counting.
  await db.schema
    .createTable("presence")
    .addColumn("ticket_id", "integer", (col) => col.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("state", "text", (col) => col.notNull())
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .addPrimaryKeyConstraint("presence_pk", ["ticket_id", "user_id"])
    .execute();
  await db.schema.createIndex("presence_updated").on("presence").column("updated_at").execute();

  await c
    .id(db.schema.createTable("saved_views"))
    .addColumn("owner_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("team_id", "integer", (col) => col.references("teams.id").onDelete("cascade"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("filters", "text", (col) => col.notNull())
    .addColumn("columns", "text", (col) => col.notNull())
    .addColumn("position", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("saved_views_owner").on("saved_views").column("owner_id").execute();
  await db.schema.createIndex("saved_views_team").on("saved_views").column("team_id").execute();

  // Status filters on a custom status must not scan every ticket.
  await db.schema.createIndex("tickets_status_key").on("tickets").columns(["status", "updated_at"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
