import type { Kysely } from "kysely";
import { columns, isPostgres } from "./columns.ts";

/** Inbound mail: mailboxes, every received message (kept raw), failed and quarantined mail. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  // Every Message-ID Tessera received or sent, and the ticket (and comment) it belongs to:
  // replies are threaded by In-Reply-To / References against this registry.
  await db.schema
    .createTable("mail_thread_ids")
    .addColumn("message_id", "text", (col) => col.primaryKey())
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("comment_id", "integer", c.refersTo("comments", "set null"))
    .addColumn("direction", "text", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("mail_thread_ids_ticket").on("mail_thread_ids").columns(["ticket_id", "created_at"]).execute();

  // An address Tessera receives mail at (over SMTP or the MTA pipe), optionally an IMAP
  // mailbox it polls; where its new tickets go, and who may open them.
  await c
    .id(db.schema.createTable("mailboxes"))
    .addColumn("address", "text", (col) => col.notNull().unique())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("active", "integer", c.flag)
    .addColumn("imap_host", "text")
    .addColumn("imap_port", "integer")
    .addColumn("imap_tls", "integer", c.flag)
    .addColumn("imap_user", "text")
    // AES-GCM sealed with a key derived from the instance secret; never returned by the API.
    .addColumn("imap_password", "text")
    .addColumn("imap_folder", "text", (col) => col.notNull().defaultTo("INBOX"))
    .addColumn("processed_action", "text", (col) => col.notNull().defaultTo("seen"))
    .addColumn("processed_folder", "text")
    .addColumn("history_mode", "text", (col) => col.notNull().defaultTo("new_only"))
    .addColumn("team_id", "integer", c.refersTo("teams", "set null"))
    .addColumn("category_id", "integer", c.refersTo("categories", "set null"))
    .addColumn("ticket_type", "text")
    .addColumn("restrict_senders", "integer", c.flag)
    .addColumn("allowed_senders", "text", (col) => col.notNull().defaultTo("[]"))
    .$call(c.timestamps)
    .execute();

  // Where IMAP polling of a mailbox stands: the folder's UIDVALIDITY and the last UID taken,
  // so nothing is fetched twice, and what the health view shows.
  await db.schema
    .createTable("mailbox_sync")
    .addColumn("mailbox_id", "integer", (col) => col.primaryKey().references("mailboxes.id").onDelete("cascade"))
    .addColumn("uidvalidity", "text")
    .addColumn("last_uid", "integer", (col) => col.notNull().defaultTo(0))
    // In "import old mail" mode: UIDs up to this one were there before the mailbox was connected.
    .addColumn("history_uid", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("last_success_at", c.instant)
    .addColumn("last_error", "text")
    .addColumn("last_error_at", c.instant)
    .addColumn("waiting", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("oldest_waiting_at", c.instant)
    .addColumn("updated_at", c.instant, (col) => col.notNull())
    .execute();

  // Raw originals of up to 256 KiB, by sha256: written in the message's own transaction, so
  // keeping the original costs no extra fsync (larger ones go to the file store).
  await db.schema
    .createTable("mail_raw")
    .addColumn("sha256", "text", (col) => col.primaryKey())
    .addColumn("bytes", isPostgres(db) ? "bytea" : "blob", (col) => col.notNull())
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();

  // Every message taken in, its raw original (mail_raw or the file store), and what became of it.
  await c
    .id(db.schema.createTable("mail_messages"))
    .addColumn("message_id", "text", (col) => col.notNull())
    // sha256 of what makes the message itself (key headers and body, not trace headers):
    // the same message fetched twice has the same fingerprint, whatever route it took.
    .addColumn("fingerprint", "text", (col) => col.notNull())
    .addColumn("mailbox_id", "integer", c.refersTo("mailboxes", "set null"))
    .$call(c.required("text", "source", "raw_sha256"))
    .addColumn("raw_size", "integer", (col) => col.notNull())
    .addColumn("from_address", "text", (col) => col.notNull())
    .addColumn("from_user_id", "integer", c.refersTo("users", "set null"))
    .addColumn("subject", "text", (col) => col.notNull())
    .addColumn("sent_at", c.instant)
    .addColumn("outcome", "text", (col) => col.notNull())
    .addColumn("ticket_id", "integer", c.refersTo("tickets", "set null"))
    .addColumn("comment_id", "integer", c.refersTo("comments", "set null"))
    .addColumn("no_auto_reply", "integer", c.flag)
    .addColumn("loop_reason", "text")
    .addColumn("remote_images", "integer", c.flag)
    // The whole sanitised body, quoted history included: what display stripping hid stays readable.
    .addColumn("full_html", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("mail_messages_identity").on("mail_messages").columns(["message_id", "fingerprint"]).unique().execute();
  await db.schema.createIndex("mail_messages_ticket").on("mail_messages").columns(["ticket_id"]).execute();
  await db.schema.createIndex("mail_messages_from").on("mail_messages").columns(["from_address", "created_at"]).execute();

  // Mail that could not be taken in (unparseable, quarantined, refused after acceptance): kept
  // raw for admins to download, re-process or discard.
  await c
    .id(db.schema.createTable("mail_failed"))
    .addColumn("mailbox_id", "integer", c.refersTo("mailboxes", "set null"))
    .$call(c.required("text", "source", "raw_sha256"))
    .addColumn("raw_size", "integer", (col) => col.notNull())
    .$call(c.required("text", "reason", "error"))
    .addColumn("from_address", "text")
    .addColumn("subject", "text")
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("status", "text", (col) => col.notNull().defaultTo("open"))
    .addColumn("resolved_by_id", "integer", c.refersTo("users", "set null"))
    .addColumn("resolved_at", c.instant)
    .addColumn("ticket_id", "integer", c.refersTo("tickets", "set null"))
    .$call(c.timestamps)
    .execute();
  await db.schema.createIndex("mail_failed_status").on("mail_failed").columns(["status", "id"]).execute();

  // A message that names a ticket but may not reach it on its own (a stranger's reply, or a
  // Message-ID reused with other content): it waits here for an agent to accept or reject it.
  await c
    .id(db.schema.createTable("mail_held"))
    .addColumn("mail_message_id", "integer", c.belongsTo("mail_messages"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("reason", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) => col.notNull().defaultTo("held"))
    .addColumn("decided_by_id", "integer", c.refersTo("users", "set null"))
    .addColumn("decided_at", c.instant)
    .addColumn("result_ticket_id", "integer", c.refersTo("tickets", "set null"))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("mail_held_status").on("mail_held").columns(["status", "id"]).execute();
}
