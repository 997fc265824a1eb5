import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** Canned replies, macros (and each time one was applied, for Undo), and snoozing tickets. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  // scope: personal (owner only), team (team_id's members) or everyone. Deleting a team deletes
  // what was shared with it; a person is disabled rather than deleted, so their own stay.
  await c
    .id(db.schema.createTable("canned_replies"))
    .addColumn("title", "text", (col) => col.notNull())
    .addColumn("body", "text", (col) => col.notNull())
    .addColumn("scope", "text", (col) => col.notNull())
    .addColumn("owner_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("team_id", "integer", (col) => col.references("teams.id").onDelete("cascade"))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("canned_replies_owner").on("canned_replies").column("owner_id").execute();
  await db.schema.createIndex("canned_replies_team").on("canned_replies").column("team_id").execute();

  await c
    .id(db.schema.createTable("macros"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("actions", "text", (col) => col.notNull())
    .addColumn("scope", "text", (col) => col.notNull())
    .addColumn("owner_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("team_id", "integer", (col) => col.references("teams.id").onDelete("cascade"))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("macros_owner").on("macros").column("owner_id").execute();
  await db.schema.createIndex("macros_team").on("macros").column("team_id").execute();

  // What a macro changed on a ticket and what those fields were before: Undo restores them
  // while the ticket is still at `version` (nobody changed it since).
  await c
    .id(db.schema.createTable("macro_applications"))
    .addColumn("macro_id", "integer", (col) => col.references("macros.id").onDelete("set null"))
    .addColumn("macro_name", "text", (col) => col.notNull())
    .addColumn("ticket_id", "integer", (col) => col.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("actor_id", "integer", (col) => col.notNull().references("users.id").onDelete("cascade"))
    .addColumn("before", "text", (col) => col.notNull())
    .addColumn("changes", "text", (col) => col.notNull())
    .addColumn("comment_ids", "text", (col) => col.notNull())
    .addColumn("version", "integer", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("undone_at", c.instant)
    .execute();
  await db.schema.createIndex("macro_applications_ticket").on("macro_applications").columns(["ticket_id", "id"]).execute();

  // Snooze lives on the ticket: the list leaves out what is snoozed with one indexed range
  // test, and the sweep that announces returns reads the same index.
  await db.schema.alterTable("tickets").addColumn("snoozed_until", c.instant).execute();
  await db.schema
    .alterTable("tickets")
    .addColumn("snoozed_by_id", "integer", (col) => col.references("users.id").onDelete("set null"))
    .execute();
  await db.schema.alterTable("tickets").addColumn("snooze_returned_at", c.instant).execute();
  await db.schema.createIndex("tickets_snoozed_until").on("tickets").column("snoozed_until").execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
