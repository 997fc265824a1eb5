import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/**
 * Trust in inbound mail: people copied on a message that cannot widen a ticket's recipients on
 * its own wait for an agent, and a fingerprint of each message's text lets intake recognise an
 * autoresponder answering our acknowledgements with the same words every time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  // The people a message copied in (To/Cc) who may not join the ticket on the sender's word
  // alone (a reply matched only by its subject tag, from an address nobody authenticated):
  // an agent adds them as watchers or declines. addresses: JSON [{address, name}].
  await c
    .id(db.schema.createTable("mail_held_copies"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("mail_message_id", "integer", c.belongsTo("mail_messages"))
    .$call(c.required("text", "from_address", "addresses", "reason"))
    .addColumn("status", "text", (col) => col.notNull().defaultTo("held"))
    .addColumn("decided_by_id", "integer", c.refersTo("users", "set null"))
    .addColumn("decided_at", c.instant)
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("mail_held_copies_ticket").on("mail_held_copies").columns(["ticket_id", "status"]).execute();
  await db.schema.createIndex("mail_held_copies_status").on("mail_held_copies").columns(["status", "id"]).execute();

  // sha256 of the message's text with whitespace and case folded (null when it has none).
  await db.schema.alterTable("mail_messages").addColumn("body_sha256", "text").execute();
  // Acknowledgements recently delivered to an address: asked of every new request (loop check).
  await db.schema.createIndex("mail_outbox_recipient").on("mail_outbox").columns(["to_address", "kind", "sent_at"]).execute();
}
