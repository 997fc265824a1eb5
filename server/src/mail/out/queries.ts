/** Reads for the outgoing-mail admin views: the outbox pages, its state, and what a template preview renders with. */
import type { OutboxListQuery } from "@tessera/contracts";
import type { Executor } from "../../context.ts";

const outboxRows = (db: Executor) => db.selectFrom("mail_outbox").innerJoin("tickets", "tickets.id", "mail_outbox.ticket_id").selectAll("mail_outbox").select(["tickets.number", "tickets.type"]);

/** Outbox rows with their ticket's number and type, newest first, `limit + 1` of them so the caller can tell whether a next page exists. */
export function listOutbox(db: Executor, q: OutboxListQuery) {
  return outboxRows(db)
    .$if(q.state !== undefined, (b) => b.where("mail_outbox.state", "=", q.state!))
    .$if(q.ticket_id !== undefined, (b) => b.where("mail_outbox.ticket_id", "=", q.ticket_id!))
    .$if(q.cursor !== undefined, (b) => b.where("mail_outbox.id", "<", Number(q.cursor)))
    .orderBy("mail_outbox.id", "desc")
    .limit(q.limit + 1)
    .execute();
}

export const outboxItem = (db: Executor, id: number) => outboxRows(db).where("mail_outbox.id", "=", id).executeTakeFirstOrThrow();

/** How the outbox stands: messages per state, the oldest one waiting, the last delivery and the latest error still pending. */
export async function outboxState(db: Executor) {
  const counts = await db
    .selectFrom("mail_outbox")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("state")
    .execute();
  const oldest = await db.selectFrom("mail_outbox").select("created_at").where("state", "in", ["queued", "sending"]).orderBy("id").limit(1).executeTakeFirst();
  const last = await db
    .selectFrom("mail_outbox")
    .select((eb) => eb.fn.max("sent_at").as("at"))
    .executeTakeFirst();
  const error = await db
    .selectFrom("mail_outbox")
    .select(["id", "last_error", "updated_at"])
    .where("last_error", "is not", null)
    .where("state", "in", ["queued", "sending", "failed"])
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return { counts, oldest, last, error };
}

/** The newest comment on a ticket, public ones only unless `internalToo`: it stands in for "the" reply or mention in a preview. */
export const newestComment = (db: Executor, ticketId: number, internalToo: boolean) =>
  db
    .selectFrom("comments")
    .select("id")
    .where("ticket_id", "=", ticketId)
    .$if(!internalToo, (b) => b.where("internal", "=", 0))
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();

export const recipientOf = (db: Executor, userId: number) => db.selectFrom("users").select(["name", "email"]).where("id", "=", userId).executeTakeFirstOrThrow();
