import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/** Outbound mail: the outbox, templates, and alert fingerprints. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);

  // One row per message to one person, written in the transaction of the change that causes
  // it. The worker composes it (Message-ID, rendered text) before the first attempt, so every
  // retry sends the same message.
  await c
    .id(db.schema.createTable("mail_outbox"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("comment_id", "integer", c.refersTo("comments", "set null"))
    .addColumn("recipient_user_id", "integer", c.refersTo("users", "set null"))
    .$call(c.required("text", "to_address", "to_name"))
    .addColumn("actor_id", "integer", c.refersTo("users", "set null"))
    .$call(c.required("text", "auto_submitted", "state"))
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("next_attempt_at", c.instant, (col) => col.notNull())
    .addColumn("lease_until", c.instant)
    .addColumn("claim_token", "text")
    .addColumn("last_error", "text")
    .addColumn("skip_reason", "text")
    .addColumn("message_id", "text", (col) => col.unique())
    .addColumn("from_name", "text")
    .addColumn("subject", "text")
    .addColumn("text_body", "text")
    .addColumn("html_body", "text")
    .addColumn("in_reply_to", "text")
    .addColumn("thread_references", "text")
    .addColumn("attachment_ids", "text")
    .$call(c.timestamps)
    .addColumn("sent_at", c.instant)
    .execute();
  await db.schema.createIndex("mail_outbox_due").on("mail_outbox").columns(["state", "next_attempt_at"]).execute();
  await db.schema.createIndex("mail_outbox_ticket").on("mail_outbox").columns(["ticket_id", "id"]).execute();

  // An admin's version of a template; a kind without a row uses the built-in default.
  await db.schema
    .createTable("mail_templates")
    .addColumn("kind", "text", (col) => col.primaryKey())
    .$call(c.required("text", "subject", "text_body", "html_body"))
    .addColumn("updated_by_id", "integer", c.refersTo("users", "set null"))
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();

  // Automatic answers per address in the current hour: the cap that breaks mail loops.
  await db.schema
    .createTable("mail_auto_reply_counts")
    .addColumn("address", "text", (col) => col.primaryKey())
    .addColumn("window_start", c.instant, (col) => col.notNull())
    .addColumn("count", "integer", (col) => col.notNull())
    .execute();

  // The ticket each monitoring alert (source + fingerprint) is tracked in. The primary key is
  // what makes concurrent identical alerts open one ticket, not two.
  await db.schema
    .createTable("alert_incidents")
    .$call(c.required("text", "source", "fingerprint"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .$call(c.required("text", "last_status", "last_key"))
    .addColumn("occurrences", "integer", (col) => col.notNull())
    .$call(c.required(c.instant, "first_seen_at", "last_seen_at"))
    .addPrimaryKeyConstraint("alert_incidents_pk", ["source", "fingerprint"])
    .execute();
  await db.schema.createIndex("alert_incidents_ticket").on("alert_incidents").column("ticket_id").execute();
}
