/** Reads for inbound mail's HTTP views: failed mail, held messages and copies, and a ticket's received mail. */
import type { Actor } from "../../auth/actor.ts";
import type { Executor } from "../../context.ts";
import { visibleTo } from "../../tickets/policy.ts";

/** Failed mail, newest first, at most 500: the open ones, or every status. */
export function listFailedMail(db: Executor, status: "open" | "reprocessed" | "discarded" | "all") {
  return db
    .selectFrom("mail_failed")
    .selectAll()
    .$if(status !== "all", (q) => q.where("status", "=", status as Exclude<typeof status, "all">))
    .orderBy("id", "desc")
    .limit(500)
    .execute();
}

const heldQuery = (db: Executor) =>
  db
    .selectFrom("mail_held")
    .innerJoin("mail_messages", "mail_messages.id", "mail_held.mail_message_id")
    .innerJoin("tickets", "tickets.id", "mail_held.ticket_id")
    .select([
      "mail_held.id",
      "mail_held.reason",
      "mail_held.status",
      "mail_held.created_at",
      "mail_held.decided_at",
      "mail_held.result_ticket_id",
      "mail_messages.from_address",
      "mail_messages.subject",
      "mail_messages.full_html",
      "mail_messages.id as message_row_id",
      "mail_messages.loop_reason",
      "tickets.id as ticket_id",
      "tickets.number",
      "tickets.type",
      "tickets.subject as ticket_subject",
    ]);
export type HeldRow = Awaited<ReturnType<ReturnType<typeof heldQuery>["executeTakeFirstOrThrow"]>>;

/** Held messages on tickets the actor can see, newest first, at most 500: waiting, decided, or all. */
export function listHeld(db: Executor, actor: Actor, status: "held" | "decided" | "all") {
  return heldQuery(db)
    .where(visibleTo(actor))
    .$if(status === "held", (q) => q.where("mail_held.status", "=", "held"))
    .$if(status === "decided", (q) => q.where("mail_held.status", "!=", "held"))
    .orderBy("mail_held.id", "desc")
    .limit(500)
    .execute();
}

export const heldById = (db: Executor, id: number) => heldQuery(db).where("mail_held.id", "=", id).executeTakeFirstOrThrow();

const heldCopiesQuery = (db: Executor) =>
  db
    .selectFrom("mail_held_copies")
    .innerJoin("mail_messages", "mail_messages.id", "mail_held_copies.mail_message_id")
    .innerJoin("tickets", "tickets.id", "mail_held_copies.ticket_id")
    .select([
      "mail_held_copies.id",
      "mail_held_copies.from_address",
      "mail_held_copies.addresses",
      "mail_held_copies.reason",
      "mail_held_copies.status",
      "mail_held_copies.created_at",
      "mail_held_copies.decided_at",
      "mail_messages.subject",
      "mail_messages.id as message_row_id",
      "tickets.id as ticket_id",
      "tickets.number",
      "tickets.type",
      "tickets.subject as ticket_subject",
    ]);
export type HeldCopiesRow = Awaited<ReturnType<ReturnType<typeof heldCopiesQuery>["executeTakeFirstOrThrow"]>>;

/** Held copies on tickets the actor can see, newest first, at most 500: waiting, decided, or all. */
export function listHeldCopies(db: Executor, actor: Actor, status: "held" | "decided" | "all") {
  return heldCopiesQuery(db)
    .where(visibleTo(actor))
    .$if(status === "held", (q) => q.where("mail_held_copies.status", "=", "held"))
    .$if(status === "decided", (q) => q.where("mail_held_copies.status", "!=", "held"))
    .orderBy("mail_held_copies.id", "desc")
    .limit(500)
    .execute();
}

/** One ticket's held copies, every status, oldest first. */
export const ticketHeldCopies = (db: Executor, ticketId: number) => heldCopiesQuery(db).where("mail_held_copies.ticket_id", "=", ticketId).orderBy("mail_held_copies.id").execute();

export const heldCopiesById = (db: Executor, id: number) => heldCopiesQuery(db).where("mail_held_copies.id", "=", id).executeTakeFirstOrThrow();

/** The messages received on a ticket, oldest first. */
export const ticketMessages = (db: Executor, ticketId: number) => db.selectFrom("mail_messages").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();

/** Where a received message's original is, and the ticket that decides who may read it. */
export const messageOriginal = (db: Executor, id: number) => db.selectFrom("mail_messages").select(["id", "ticket_id", "raw_sha256"]).where("id", "=", id).executeTakeFirst();
