import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** Inbound mail: mailboxes, every received message (kept raw), failed and quarantined mail. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  // Every Message-ID Tessera received or sent, and the ticket (and comment) it belongs to:
  // replies are threaded by In-Reply-To / References against this registry.
  await db.schema
    .createTable("mail_thread_ids")
    .addColumn("message_id", "text", (col) => col.primaryKey())
    .addColumn("ticket_id", "integer", (col) => col.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("comment_id", "integer", (col) => col.references("comments.id").onDelete("set null"))
    .addColumn("direction", "text", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("mail_thread_ids_ticket").on("mail_thread_ids").columns(["ticket_id", "created_at"]).execute();
}
