// Comments on tickets, and the requester confirming or rejecting a resolution.
import type { CommentCreateInput, StatusCategory } from "@tessera/contracts";
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import { type Actor, isStaff } from "../auth/actor.ts";
import { claimAttachments } from "../attachments/service.ts";
import type { CommentRow, TicketPatch, TicketRow } from "../db/schema.ts";
import { prepared } from "../db/prepared.ts";
import { AppError, forbidden, invalid } from "../errors.ts";
import { notify } from "../notifications/service.ts";
import { htmlToText, toStoredHtml } from "../text/rich-text.ts";
import { trimEndWhere } from "../text/trim-end.ts";
import { type EventInput, recordEvents, viaOf } from "./events.ts";
import { defaultStatusOf, isFinalCategory, loadStatuses } from "./statuses.ts";
import { settleSnooze } from "./snooze.ts";
import { slaClock } from "../events/reactions.ts";
import { discardDraft } from "../drafts/service.ts";
import { type ArrivalOptions, indexText, lockTicket, reopen } from "./service.ts";
import { referenceOf } from "./reference.ts";

type Tx = AppContext;

const insertComment = prepared<{ ticket_id: number; author_id: number; body: string; internal: 0 | 1; created_at: string }, CommentRow>((db, p) =>
  db.insertInto("comments").values({ ticket_id: p.ticket_id, author_id: p.author_id, body: p.body, internal: p.internal, original_ticket_id: null, created_at: p.created_at }).returningAll(),
);

/** Agents mentioned in a comment (`html`, read as `text`): `<span data-mention-id="7">` from the editor, or @email in text. */
async function findMentions(tx: Tx, html: string, text: string): Promise<number[]> {
  const ids = [...html.matchAll(/data-mention-id="(\d{1,9})"/g)].map((m) => Number(m[1]));
  const emails = [...text.matchAll(/(?:^|\s)@([^\s@<>]+@[^\s@<>]+\.[a-z]{2,})/gi)].map((m) => trimEndWhere(m[1].toLowerCase(), /[.,;:!?)]/));
  if (!ids.length && !emails.length) return [];
  const rows = await tx.db
    .selectFrom("users")
    .select("id")
    .where("role", "!=", "requester")
    .where("active", "=", 1)
    .where((eb) => eb.or([...(ids.length ? [eb("id", "in", ids)] : []), ...(emails.length ? [eb("email", "in", emails)] : [])]))
    .execute();
  return rows.map((r) => r.id);
}

export async function addComment(tx: Tx, actor: Actor, ticket: TicketRow, input: CommentCreateInput, opts: ArrivalOptions = {}) {
  const staff = isStaff(actor);
  const via = opts.via ?? viaOf(actor);
  if (input.internal && !staff) throw forbidden("Only agents can write internal notes.");
  const t = await lockTicket(tx, ticket.id);
  if (isFinalCategory(t.status_category) && !input.internal) {
    throw new AppError("conflict", 409, "This ticket is closed, so it takes no more replies. Open a new request and mention its reference instead.", { reference: referenceOf(t) });
  }
  const now = opts.at ?? tx.clock.now().toISOString();
  const body = toStoredHtml(input.body, input.format);
  // Plain text reads back as it came, whitespace folded (what htmlToText gives of textToHtml), without parsing.
  const text = input.format === "text" ? input.body.replace(/\s+/g, " ").trim() : htmlToText(body);
  if (!text && !/<img/i.test(body)) throw invalid("body", "is empty once unsafe markup is removed");
  const comment = await insertComment.first(tx.db, { ticket_id: t.id, author_id: actor.id, body, internal: input.internal ? 1 : 0, created_at: now });
  if (!comment) throw new Error("the comment insert returned no row");
  await indexText(tx, t.id, comment.id, input.internal, text);
  await claimAttachments(tx.db, actor, input.attachment_ids, { ticketId: t.id, commentId: comment.id });
  // What the author was drafting here has now been posted.
  if (staff) await discardDraft(tx.db, t.id, actor.id);

  const events: EventInput[] = [{ action: input.internal ? "note_added" : "reply_added", new: { comment_id: comment.id, ...(opts.noAutoReply ? { no_auto_reply: true } : {}) } }];
  const mentions = staff ? await findMentions(tx, body, text) : [];
  if (mentions.length) {
    await tx.db
      .insertInto("comment_mentions")
      .values(mentions.map((user_id) => ({ comment_id: comment.id, user_id })))
      .execute();
    events.push({ action: "mentioned", new: { comment_id: comment.id, user_ids: mentions } });
  }

  // What a reply does to the ticket: an agent's first public reply is the first response; a
  // requester's reply brings a waiting or resolved ticket back to the desk.
  const patch: TicketPatch = {};
  let nextCategory: StatusCategory | undefined;
  if (staff && !input.internal && actor.id !== t.requester_id) {
    if (!t.first_response_at) patch.first_response_at = now;
    if (t.status_category === "new") nextCategory = "open";
  } else if (!staff || actor.id === t.requester_id) {
    if (t.status_category === "awaiting_requester" || t.status_category === "resolved") nextCategory = "open";
  }
  if (nextCategory) {
    const to = defaultStatusOf(await loadStatuses(tx), nextCategory);
    patch.status = to.key;
    patch.status_category = to.category;
    events.push({ action: "status_changed", field: "status", old: t.status, new: to.key });
    if (t.status_category === "resolved") reopen(t, patch, events, "reply");
  }
  const statusChanged = patch.status !== undefined;
  const updated = await tx.db
    .updateTable("tickets")
    .set({ ...patch, updated_at: now, ...(statusChanged ? { version: sql`version + 1` } : {}) })
    .where("id", "=", t.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvents(tx.db, t.id, actor, statusChanged && !staff ? "requester_reply" : via, now, events);
  await settleSnooze(tx, actor, t, { fromRequester: !staff || actor.id === t.requester_id, categoryAfter: patch.status_category ?? t.status_category, now });
  const summary = `${referenceOf(t)} ${t.subject}`;
  if (mentions.length) await notify(tx.db, { userIds: mentions, ticketId: t.id, kind: "mention", actorId: actor.id, summary, now });
  if (actor.id === t.requester_id && t.assignee_id) await notify(tx.db, { userIds: [t.assignee_id], ticketId: t.id, kind: "requester_reply", actorId: actor.id, summary, now });
  // The row as updated above is the ticket as it is now, unless settling a snooze wrote it again.
  const settled = t.snoozed_until == null && t.snooze_returned_at == null;
  await slaClock(tx, t.id, { actor, via, current: settled ? updated : undefined });
  return comment;
}

/** The requester confirms the resolution: the ticket closes. Returns the ticket as closed. */
export async function confirmResolution(tx: Tx, actor: Actor, ticket: TicketRow, comment?: string): Promise<TicketRow> {
  const t = await lockTicket(tx, ticket.id);
  if (t.requester_id !== actor.id && !isStaff(actor)) throw forbidden("Only the requester can confirm the resolution.");
  if (t.status_category !== "resolved") throw new AppError("invalid_transition", 422, "Only a resolved ticket can be confirmed.", { status: t.status });
  const now = tx.clock.now().toISOString();
  if (comment?.trim()) {
    const c = await tx.db
      .insertInto("comments")
      .values({ ticket_id: t.id, author_id: actor.id, body: toStoredHtml(comment, "text"), internal: 0, original_ticket_id: null, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await indexText(tx, t.id, c.id, false, comment);
    await recordEvents(tx.db, t.id, actor, viaOf(actor), now, [{ action: "reply_added", new: { comment_id: c.id } }]);
  }
  const closed = defaultStatusOf(await loadStatuses(tx), "closed");
  const row = await tx.db
    .updateTable("tickets")
    .set({ status: closed.key, status_category: closed.category, closed_at: now, updated_at: now, version: sql`version + 1` })
    .where("id", "=", t.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvents(tx.db, t.id, actor, viaOf(actor), now, [{ action: "resolution_confirmed" }, { action: "status_changed", field: "status", old: t.status, new: closed.key }]);
  return { ...row, ...(await slaClock(tx, t.id, { actor, via: viaOf(actor) })) };
}

/** The requester says it is not fixed: their words become a reply, which reopens the ticket. */
export async function reopenTicket(tx: Tx, actor: Actor, ticket: TicketRow, comment: string) {
  if (ticket.status_category !== "resolved") throw new AppError("invalid_transition", 422, "Only a resolved ticket can be reopened; reply to it instead.", { status: ticket.status });
  if (ticket.requester_id !== actor.id && !isStaff(actor)) throw forbidden("Only the requester can reopen this ticket.");
  return addComment(tx, actor, ticket, { body: comment, format: "text", internal: false });
}
