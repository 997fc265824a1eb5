import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** Canned replies, macros (and each time one was applied, for Undo), and snoozing tickets. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  await c.sharedItemTable("canned_replies", c.required("text", "title", "body"));
  await c.sharedItemTable("macros", (t) =>
    t
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
      .addColumn("actions", "text", (col) => col.notNull()),
  );

  // What a macro changed on a ticket and what those fields were before: Undo restores them
  // while the ticket is still at `version` (nobody changed it since).
  await c
    .id(db.schema.createTable("macro_applications"))
    .addColumn("macro_id", "integer", c.refersTo("macros", "set null"))
    .addColumn("macro_name", "text", (col) => col.notNull())
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("actor_id", "integer", c.belongsTo("users"))
    .$call(c.required("text", "before", "changes", "comment_ids"))
    .addColumn("version", "integer", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("undone_at", c.instant)
    .execute();
  await db.schema.createIndex("macro_applications_ticket").on("macro_applications").columns(["ticket_id", "id"]).execute();

  // Snooze lives on the ticket: the list leaves out what is snoozed with one indexed range
  // test, and the sweep that announces returns reads the same index.
  await db.schema.alterTable("tickets").addColumn("snoozed_until", c.instant).execute();
  await db.schema.alterTable("tickets").addColumn("snoozed_by_id", "integer", c.refersTo("users", "set null")).execute();
  await db.schema.alterTable("tickets").addColumn("snooze_returned_at", c.instant).execute();
  await db.schema.createIndex("tickets_snoozed_until").on("tickets").column("snoozed_until").execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
