/**
 * What people decide about mail Tessera would not decide alone: held messages (accepted as a
 * reply or a new ticket, or rejected by an agent who can see the ticket) and failed mail
 * (re-processed or discarded by an admin).
 */
import type { Actor } from "../../auth/actor.ts";
import type { AppContext } from "../../context.ts";
import { AppError, conflict, notFound } from "../../errors.ts";
import { recordEvents } from "../../tickets/events.ts";
import { onVisibleTicket } from "../../tickets/policy.ts";
import { lockTicket } from "../../tickets/service.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { isFinalCategory } from "../../tickets/statuses.ts";
import { findOrCreatePerson } from "../../people/create.ts";
import { ingestMessage, parserFor, replyFromMail, ticketFromMail } from "./ingest.ts";
import { mailboxById } from "./mailboxes.ts";
import { PoisonError } from "./parse.ts";
import { readRaw, storeParts } from "./store.ts";

async function rawOf(ctx: AppContext, sha256: string) {
  const raw = await readRaw(ctx, sha256);
  if (!raw) throw new AppError("not_found", 404, "The original of this message is missing from storage; the error has been logged for an administrator.");
  return raw;
}

/** A held message the actor may decide on: its ticket must be one they can see. */
export async function findHeld(ctx: AppContext, actor: Actor, id: number) {
  const held = await ctx.db.selectFrom("mail_held").selectAll().where("id", "=", id).executeTakeFirst();
  return onVisibleTicket(ctx.db, actor, held, "The held message");
}

export async function rejectHeld(ctx: AppContext, actor: Actor, id: number) {
  const held = await findHeld(ctx, actor, id);
  if (held.status !== "held") throw conflict("This message was already decided on.");
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const done = await trx.updateTable("mail_held").set({ status: "rejected", decided_by_id: actor.id, decided_at: now }).where("id", "=", id).where("status", "=", "held").executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw conflict("This message was already decided on.");
    await recordEvents(trx, held.ticket_id, actor, "email", now, [{ action: "mail_held_rejected", new: { held_id: id } }]);
  });
  await ctx.durable();
}

/**
 * Accepts a held message. As a reply: the sender becomes a watcher (a party from now on) and
 * the message a public reply. As a ticket: it opens a new ticket of the sender's own.
 */
export async function acceptHeld(ctx: AppContext, actor: Actor, id: number, as: "reply" | "ticket") {
  const held = await findHeld(ctx, actor, id);
  if (held.status !== "held") throw conflict("This message was already decided on.");
  const msg = await ctx.db.selectFrom("mail_messages").selectAll().where("id", "=", held.mail_message_id).executeTakeFirstOrThrow();
  const raw = await rawOf(ctx, msg.raw_sha256);
  const mail = await parserFor(ctx)
    .parse(raw)
    .catch((err) => {
      if (err instanceof PoisonError) throw new AppError("conflict", 409, `The message cannot be read any more (${err.message}).`);
      throw err;
    });
  const parts = await storeParts(ctx, mail.attachments);
  const mailbox = msg.mailbox_id ? await mailboxById(ctx.db, msg.mailbox_id) : undefined;
  const now = ctx.clock.now().toISOString();
  const arrival = { via: "email", channel: "email" as const, noAutoReply: !!msg.no_auto_reply };
  const result = await ctx.db.transaction().execute(async (trx) => {
    const tx: AppContext = { ...ctx, db: trx };
    const claimed = await trx
      .updateTable("mail_held")
      .set({ status: as === "reply" ? "accepted_reply" : "accepted_ticket", decided_by_id: actor.id, decided_at: now })
      .where("id", "=", id)
      .where("status", "=", "held")
      .executeTakeFirst();
    if (!Number(claimed.numUpdatedRows)) throw conflict("This message was already decided on.");
    const sender = await findOrCreatePerson(tx, { email: mail.from!.address, name: mail.from!.name });
    let ticketId: number;
    let commentId: number | null = null;
    let r: { remoteImages: boolean; fullHtml: string };
    if (as === "reply") {
      const ticket = await lockTicket(tx, held.ticket_id);
      if (isFinalCategory(ticket.status_category)) throw conflict(`${referenceOf(ticket)} is closed and takes no more replies; accept the message as a new ticket instead.`);
      if (sender.id !== ticket.requester_id) {
        await trx
          .insertInto("ticket_watchers")
          .values({ ticket_id: ticket.id, user_id: sender.id })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const reply = await replyFromMail(tx, mail, sender, ticket, parts, arrival);
      ticketId = ticket.id;
      commentId = reply.commentId;
      r = reply;
    } else {
      const created = await ticketFromMail(tx, mail, sender, parts, arrival, {
        requesterId: sender.id,
        teamId: mailbox?.team_id,
        categoryId: mailbox?.category_id,
        type: mailbox?.ticket_type,
        watchers: [],
      });
      ticketId = created.ticket.id;
      r = created;
    }
    await trx.updateTable("mail_held").set({ result_ticket_id: ticketId }).where("id", "=", id).execute();
    await trx
      .updateTable("mail_messages")
      .set({ outcome: as === "reply" ? "reply" : "ticket", ticket_id: ticketId, comment_id: commentId, from_user_id: sender.id, remote_images: r.remoteImages ? 1 : 0, full_html: r.fullHtml })
      .where("id", "=", msg.id)
      .execute();
    await trx
      .insertInto("mail_thread_ids")
      .values({ message_id: msg.message_id, ticket_id: ticketId, comment_id: commentId, direction: "in", created_at: now })
      .onConflict((oc) => oc.column("message_id").doNothing())
      .execute();
    await recordEvents(trx, held.ticket_id, actor, "email", now, [{ action: "mail_held_accepted", new: { held_id: id, as, ticket_id: ticketId, comment_id: commentId } }]);
    return { ticketId, commentId };
  });
  await ctx.durable();
  return result;
}

// ---- failed mail --------------------------------------------------------------------------

export async function findFailed(ctx: AppContext, id: number) {
  const row = await ctx.db.selectFrom("mail_failed").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The failed message");
  return row;
}

/** Runs a failed message through the ingest path again (after a fix, or a changed mailbox setting). */
export async function reprocessFailed(ctx: AppContext, actor: Actor, id: number) {
  const row = await findFailed(ctx, id);
  if (row.status !== "open") throw conflict(`This message was already ${row.status}.`);
  if (row.reason === "too_large" && row.source === "imap") {
    throw conflict(
      "Only the headers of this message were kept; the message itself is still in the IMAP folder. Raise TESSERA_MAIL_MAX_BYTES and copy it back into the folder (it then arrives as new mail), or forward it in smaller parts.",
    );
  }
  const raw = await rawOf(ctx, row.raw_sha256);
  const result = await ingestMessage(ctx, raw, { kind: "reprocess", mailboxId: row.mailbox_id, failedId: row.id });
  if (result.outcome !== "failed" && result.outcome !== "refused") {
    await ctx.db
      .updateTable("mail_failed")
      .set({ status: "reprocessed", resolved_by_id: actor.id, resolved_at: ctx.clock.now().toISOString(), ticket_id: result.ticketId, updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", id)
      .execute();
    await ctx.durable();
  }
  ctx.log.info({ event: "mail_reprocessed", actor: actor.id, failed_id: id, outcome: result.outcome }, "failed mail re-processed");
  return { outcome: result.outcome, ticketId: "ticketId" in result ? result.ticketId : null };
}

export async function discardFailed(ctx: AppContext, actor: Actor, id: number) {
  const row = await findFailed(ctx, id);
  if (row.status !== "open") throw conflict(`This message was already ${row.status}.`);
  const now = ctx.clock.now().toISOString();
  await ctx.db.updateTable("mail_failed").set({ status: "discarded", resolved_by_id: actor.id, resolved_at: now, updated_at: now }).where("id", "=", id).execute();
  await ctx.durable();
  ctx.log.info({ event: "mail_discarded", actor: actor.id, failed_id: id }, "failed mail discarded");
}
