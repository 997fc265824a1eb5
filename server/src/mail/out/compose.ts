/**
 * Composing a queued message, once, before its first delivery attempt: the rendered parts, a
 * signed Message-ID of its own, and In-Reply-To / References to the ticket's thread. The
 * Message-ID is registered in mail_thread_ids in the same transaction that stores it on the
 * outbox row, so a reply to the message always finds its ticket, and every retry sends the
 * very same message (receivers dedupe by Message-ID).
 */
import { sql } from "kysely";
import type { AppContext, Executor } from "../../context.ts";
import { makeMessageId } from "../message-id.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { answerToken } from "../../tickets/answers.ts";
import type { MailKind, MailOutboxTable } from "./tables.ts";
import { DEFAULT_TEMPLATES, loadTemplate } from "./templates.ts";
import { AGENT_KINDS, expectedResponseOf, formatSize, mailText, renderMail, ticketLinks, type MailView } from "./render.ts";

type Ctx = Pick<AppContext, "config" | "log" | "secret" | "clock" | "memo">;

export interface ViewInput {
  kind: MailKind;
  ticketId: number;
  recipient: { name: string; email: string };
  actorId: number | null;
  commentId: number | null;
}

/** Thrown when a message must not go out after all; the row is suppressed with this reason. */
export class NotSendable extends Error {}

/** What a template sees for this message, and which attachments are copied into it. */
export async function buildView(ctx: Ctx, db: Executor, input: ViewInput): Promise<{ view: MailView; reference: string; attachmentIds: number[] }> {
  const t = await db.selectFrom("tickets").selectAll().where("id", "=", input.ticketId).executeTakeFirstOrThrow();
  const [status, requester, actor] = await Promise.all([
    db.selectFrom("statuses").select(["label", "requester_label"]).where("key", "=", t.status).executeTakeFirst(),
    db.selectFrom("users").select(["name", "email"]).where("id", "=", t.requester_id).executeTakeFirstOrThrow(),
    input.actorId == null ? undefined : db.selectFrom("users").select("name").where("id", "=", input.actorId).executeTakeFirst(),
  ]);
  const forAgent = AGENT_KINDS.includes(input.kind);
  const reference = referenceOf(t);
  // Only the requester's own resolution notice answers without a sign-in; CCs get the portal.
  const ownNotice = input.kind === "resolved" && input.recipient.email.toLowerCase() === requester.email.toLowerCase();
  const links = ticketLinks(ctx.config.publicUrl, reference, ownNotice ? answerToken(ctx.secret, t) : undefined);

  let comment: MailView["comment"] = null;
  const attached: MailView["attachments"] = [];
  const linked: MailView["linked_attachments"] = [];
  const attachmentIds: number[] = [];
  if (input.commentId != null) {
    const c = await db.selectFrom("comments").select(["body", "internal", "ticket_id"]).where("id", "=", input.commentId).executeTakeFirst();
    if (!c) throw new NotSendable("the message it reports no longer exists");
    // Belt and braces: internal notes reach agents only, in any form.
    if (c.internal && !forAgent) throw new NotSendable("an internal note is never mailed to requesters");
    comment = { text: mailText(c.body), html: c.body };
    if (input.kind === "reply") {
      const files = await db.selectFrom("attachments").select(["id", "filename", "size"]).where("comment_id", "=", input.commentId).orderBy("id").execute();
      let total = 0;
      for (const f of files) {
        if (total + f.size <= ctx.config.mailOut.attachmentsMaxBytes) {
          total += f.size;
          attachmentIds.push(f.id);
          attached.push({ filename: f.filename, size: formatSize(f.size) });
        } else {
          linked.push({ filename: f.filename, size: formatSize(f.size), url: `${ctx.config.publicUrl}/api/attachments/${f.id}/download` });
        }
      }
    }
  } else if (input.kind === "reply" || input.kind === "mention") {
    throw new NotSendable("the message it reports no longer exists");
  }

  const view: MailView = {
    desk: { name: ctx.config.mailOut.from.name, url: ctx.config.publicUrl },
    ticket: {
      reference,
      subject: t.subject,
      status: (forAgent ? status?.label : status?.requester_label) ?? t.status,
      priority: t.priority,
      type: t.type,
      url: forAgent ? links.agent : links.portal,
      description_text: mailText(t.description),
      description_html: t.description,
      resolution_note: t.resolution_note,
      expected_response: input.kind === "acknowledgement" ? await expectedResponseOf(ctx, db, t.id) : null,
    },
    recipient: input.recipient,
    requester: { name: requester.name, email: requester.email },
    actor: { name: actor?.name ?? ctx.config.mailOut.from.name },
    comment,
    links: { confirm: links.confirm, not_fixed: links.notFixed },
    attachments: attached,
    linked_attachments: linked,
  };
  return { view, reference, attachmentIds };
}

/**
 * In-Reply-To and References for a message to one person: the thread as this person saw it
 * (mail they sent in, and mail sent to them), falling back to the whole ticket's thread; the
 * first message and the latest few, as mail clients need to thread.
 */
export async function threadOf(db: Executor, ticketId: number, recipientUserId: number | null): Promise<{ inReplyTo: string | null; references: string[] }> {
  const rows = await db
    .selectFrom("mail_thread_ids as t")
    .leftJoin("mail_outbox as o", "o.message_id", "t.message_id")
    .select(["t.message_id", "t.direction", "o.recipient_user_id"])
    .where("t.ticket_id", "=", ticketId)
    .orderBy("t.created_at")
    .orderBy(sql`coalesce(o.id, 0)`)
    .orderBy("t.message_id")
    .execute();
  const mine = rows.filter((r) => r.direction === "in" || (recipientUserId != null && r.recipient_user_id === recipientUserId));
  const list = (mine.length ? mine : rows).map((r) => r.message_id);
  if (!list.length) return { inReplyTo: null, references: [] };
  return { inReplyTo: list[list.length - 1], references: [...new Set([list[0], ...list.slice(-9)])] };
}

/** Composes one queued row (once: a row that already has its Message-ID is left alone). */
export async function composeMessage(
  ctx: AppContext,
  row: Pick<MailOutboxTable, "kind" | "ticket_id" | "comment_id" | "recipient_user_id" | "actor_id" | "to_name" | "to_address"> & { id: number },
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("mail_outbox").select("message_id").where("id", "=", row.id).executeTakeFirst();
    if (!current || current.message_id) return;
    let built;
    try {
      built = await buildView(ctx, trx, { kind: row.kind, ticketId: row.ticket_id, recipient: { name: row.to_name, email: row.to_address }, actorId: row.actor_id, commentId: row.comment_id });
    } catch (err) {
      if (!(err instanceof NotSendable)) throw err;
      await trx.updateTable("mail_outbox").set({ state: "suppressed", skip_reason: err.message, lease_until: null, claim_token: null, updated_at: now }).where("id", "=", row.id).execute();
      return;
    }
    const template = await loadTemplate(trx, row.kind);
    let rendered;
    try {
      rendered = renderMail(template, built.view, built.reference);
    } catch (err) {
      // A template that passed its checks but fails at render time must not hold mail back.
      ctx.log.warn({ err, kind: row.kind }, "mail template failed to render; using the default");
      rendered = renderMail(DEFAULT_TEMPLATES[row.kind], built.view, built.reference);
    }
    const messageId = makeMessageId(ctx.secret, ctx.config.mailOut.messageIdDomain, { ticketId: row.ticket_id, recipientUserId: row.recipient_user_id ?? 0 });
    const thread = await threadOf(trx, row.ticket_id, row.recipient_user_id);
    await trx
      .updateTable("mail_outbox")
      .set({
        message_id: messageId,
        // A reply comes from its agent, "via" the desk; everything else from the desk.
        from_name: row.kind === "reply" && built.view.actor.name !== ctx.config.mailOut.from.name ? `${built.view.actor.name} (${ctx.config.mailOut.from.name})` : ctx.config.mailOut.from.name,
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
        in_reply_to: thread.inReplyTo,
        thread_references: thread.references.join(" ") || null,
        attachment_ids: JSON.stringify(built.attachmentIds),
        updated_at: now,
      })
      .where("id", "=", row.id)
      .execute();
    await trx.insertInto("mail_thread_ids").values({ message_id: messageId, ticket_id: row.ticket_id, comment_id: row.comment_id, direction: "out", created_at: now }).execute();
  });
}
