/** Reads for inbound mail's HTTP views: failed mail, held messages and copies, and a ticket's received mail. */
import type { Actor } from "../../auth/actor.ts";
import { sql, type SelectQueryBuilder } from "kysely";
import type { Executor } from "../../context.ts";
import type { Database } from "../../db/schema.ts";
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

// What a held row shows of its ticket (beside its ticket_id): enough for the reference and the subject.
const TICKET_COLUMNS = ["tickets.number", "tickets.type", "tickets.subject as ticket_subject"] as const;

const heldQuery = (db: Executor) =>
  db
    .selectFrom("mail_held")
    .innerJoin("mail_messages", "mail_messages.id", "mail_held.mail_message_id")
    .innerJoin("tickets", "tickets.id", "mail_held.ticket_id")
    .selectAll("mail_held")
    .select(["mail_messages.from_address", "mail_messages.subject", "mail_messages.full_html", "mail_messages.id as message_row_id", "mail_messages.loop_reason", ...TICKET_COLUMNS]);
export type HeldRow = Awaited<ReturnType<ReturnType<typeof heldQuery>["executeTakeFirstOrThrow"]>>;

type Decision = "held" | "decided" | "all";

/** Rows of `table`, newest first, at most 500: waiting, decided, or all. */
function byDecision<T extends "mail_held" | "mail_held_copies", O>(q: SelectQueryBuilder<Database, T | "mail_messages" | "tickets", O>, table: T, status: Decision) {
  const statusOf = sql.ref<string>(`${table}.status`);
  return q
    .$if(status === "held", (q) => q.where(statusOf, "=", "held"))
    .$if(status === "decided", (q) => q.where(statusOf, "!=", "held"))
    .orderBy(sql.ref(`${table}.id`), "desc")
    .limit(500)
    .execute();
}

/** Held messages on tickets the actor can see, newest first, at most 500: waiting, decided, or all. */
export const listHeld = (db: Executor, actor: Actor, status: Decision) => byDecision(heldQuery(db).where(visibleTo(actor)), "mail_held", status);

export const heldById = (db: Executor, id: number) => heldQuery(db).where("mail_held.id", "=", id).executeTakeFirstOrThrow();

const heldCopiesQuery = (db: Executor) =>
  db
    .selectFrom("mail_held_copies")
    .innerJoin("mail_messages", "mail_messages.id", "mail_held_copies.mail_message_id")
    .innerJoin("tickets", "tickets.id", "mail_held_copies.ticket_id")
    .selectAll("mail_held_copies")
    .select(["mail_messages.subject", "mail_messages.id as message_row_id", ...TICKET_COLUMNS]);
export type HeldCopiesRow = Awaited<ReturnType<ReturnType<typeof heldCopiesQuery>["executeTakeFirstOrThrow"]>>;

/** Held copies on tickets the actor can see, newest first, at most 500: waiting, decided, or all. */
export const listHeldCopies = (db: Executor, actor: Actor, status: Decision) => byDecision(heldCopiesQuery(db).where(visibleTo(actor)), "mail_held_copies", status);

/** One ticket's held copies, every status, oldest first. */
export const ticketHeldCopies = (db: Executor, ticketId: number) => heldCopiesQuery(db).where("mail_held_copies.ticket_id", "=", ticketId).orderBy("mail_held_copies.id").execute();

export const heldCopiesById = (db: Executor, id: number) => heldCopiesQuery(db).where("mail_held_copies.id", "=", id).executeTakeFirstOrThrow();

/** The messages received on a ticket, oldest first. */
export const ticketMessages = (db: Executor, ticketId: number) => db.selectFrom("mail_messages").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();

/** Where a received message's original is, and the ticket that decides who may read it. */
export const messageOriginal = (db: Executor, id: number) => db.selectFrom("mail_messages").select(["id", "ticket_id", "raw_sha256"]).where("id", "=", id).executeTakeFirst();
