/**
 * The statements every inbound message runs (ingest.ts), compiled once (db/prepared.ts): at a
 * few hundred messages a second, building them each time cost more than running them.
 */
import type { Selectable } from "kysely";
import { prepared } from "../../db/prepared.ts";
import type { UserRow } from "../../db/schema.ts";
import type { MailMessagesTable } from "./tables.ts";

type MessageRow = Selectable<MailMessagesTable>;

/** Rows already taken in under a Message-ID, oldest first. */
export const messagesById = prepared<{ message_id: string }, Pick<MessageRow, "id" | "fingerprint" | "outcome" | "ticket_id" | "comment_id">>((db, p) =>
  db.selectFrom("mail_messages").select(["id", "fingerprint", "outcome", "ticket_id", "comment_id"]).where("message_id", "=", p.message_id).orderBy("id"),
);

export const userByEmail = prepared<{ email: string }, UserRow>((db, p) => db.selectFrom("users").selectAll().where("email", "=", p.email));

/** How many messages an address sent since `since`. */
export const messagesFromSince = prepared<{ from: string; since: string }, { n: number }>((db, p) =>
  db
    .selectFrom("mail_messages")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("from_address", "=", p.from)
    .where("created_at", ">", p.since),
);

export const insertMessage = prepared<Omit<MessageRow, "id">, { id: number }>((db, p) =>
  db
    .insertInto("mail_messages")
    .values({
      message_id: p.message_id,
      fingerprint: p.fingerprint,
      mailbox_id: p.mailbox_id,
      source: p.source,
      raw_sha256: p.raw_sha256,
      raw_size: p.raw_size,
      from_address: p.from_address,
      from_user_id: p.from_user_id,
      subject: p.subject,
      sent_at: p.sent_at,
      outcome: p.outcome,
      ticket_id: p.ticket_id,
      comment_id: p.comment_id,
      no_auto_reply: p.no_auto_reply,
      loop_reason: p.loop_reason,
      remote_images: p.remote_images,
      full_html: p.full_html,
      body_sha256: p.body_sha256,
      created_at: p.created_at,
    })
    .returning("id"),
);

/** What taking a message in came to, once its plan is applied. */
export const settleMessage = prepared<Pick<MessageRow, "id" | "outcome" | "ticket_id" | "comment_id" | "from_user_id" | "remote_images" | "full_html">>((db, p) =>
  db
    .updateTable("mail_messages")
    .set({ outcome: p.outcome, ticket_id: p.ticket_id, comment_id: p.comment_id, from_user_id: p.from_user_id, remote_images: p.remote_images, full_html: p.full_html })
    .where("id", "=", p.id),
);

/** Remembers a Message-ID as belonging to a ticket (the first claim stays). */
export const rememberThreadId = prepared<{ message_id: string; ticket_id: number; comment_id: number | null; now: string }>((db, p) =>
  db
    .insertInto("mail_thread_ids")
    .values({ message_id: p.message_id, ticket_id: p.ticket_id, comment_id: p.comment_id, direction: "in", created_at: p.now })
    .onConflict((oc) => oc.column("message_id").doNothing()),
);
