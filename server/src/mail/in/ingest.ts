/**
 * The one way a message comes in, whatever brought it (SMTP listener, IMAP poller, MTA pipe,
 * an admin re-processing failed mail): parse it under a time limit, recognise it (duplicate,
 * bounce, reply, new request), and store the outcome in one transaction together with the raw
 * original. It resolves only once that transaction is durable, so callers acknowledge (SMTP
 * 250, IMAP flag or move, exit code 0) only what is stored.
 */
import path from "node:path";
import type { AppContext } from "../../context.ts";
import type { Config } from "../../config.ts";
import type { Actor } from "../../auth/actor.ts";
import type { TicketRow, UserRow } from "../../db/schema.ts";
import { isUniqueViolation } from "../../db/dialect.ts";
import { recordEvents } from "../../tickets/events.ts";
import { addLink } from "../../tickets/links.ts";
import { addComment } from "../../tickets/comments.ts";
import type { ArrivalOptions } from "../../tickets/service.ts";
import { insertMessage, messagesById, messagesFromSince, rememberThreadId, settleMessage, userByEmail } from "./intake-queries.ts";
import { createTicket } from "../../tickets/create.ts";
import { isFinalCategory } from "../../tickets/statuses.ts";
import { parseOwnMessageId } from "../message-id.ts";
import { detectAckLoop, bodyHashOf } from "./ack-loops.ts";
import { dmarcPassed, headOf } from "./authentication.ts";
import { displayBody } from "./body.ts";
import { addWatchers, copiedAddresses, holdCopies } from "./copies.ts";
import { holdMessage } from "./held.ts";
import { findOrCreatePerson } from "../../people/create.ts";
import { isAutoReply, judgeLoop, readBounce, type BounceFacts } from "./loops.ts";
import { mailboxById, mailboxFor, ourAddresses, senderAllowed, type MailboxRow } from "./mailboxes.ts";
import { ParserPool, PoisonError, type ParsedMail } from "./parse.ts";
import { headerFactsOf, recordFailed } from "./quarantine.ts";
import { fingerprintOf, generatedMessageId, normalizeMessageId } from "./raw.ts";
import { rawSize, type RawMessage } from "./spool.ts";
import { discardParts, insertPartRows, insertRaw, keepRaw, storeParts, type SkippedPart, type StoredPart } from "./store.ts";
import type { CopiesReason, FailedReason, HeldReason, MailOutcome, MailSource } from "./tables.ts";
import { findThread } from "./thread.ts";
import { copiesMustWait, standingOf, type Standing } from "./trust.ts";

export interface IngestSource {
  kind: MailSource;
  /** The mailbox it was fetched from (IMAP), when known. */
  mailboxId?: number | null;
  /** Envelope recipients (SMTP RCPT TO): which of our addresses it was sent to. */
  recipients?: string[];
  /** Old mail imported from a mailbox: original dates, and never an automatic answer. */
  importHistory?: boolean;
  /** Re-processing this failed-mail row: a new failure updates it instead of adding another. */
  failedId?: number;
}

export type IngestResult =
  | { outcome: MailOutcome; messageRowId: number; ticketId: number | null; commentId: number | null; duplicate: boolean }
  | { outcome: "failed"; failedId: number; reason: FailedReason; message: string }
  | { outcome: "refused"; reason: FailedReason; message: string };

// ---- the parser pool, one per configuration (one per running instance) --------------------

const pools = new WeakMap<Config, ParserPool>();

export function parserFor(ctx: Pick<AppContext, "config">): ParserPool {
  let pool = pools.get(ctx.config);
  if (!pool) {
    pool = new ParserPool(ctx.config.mail.parsers, ctx.config.mail.parseTimeoutMs, { tmpDir: path.join(ctx.config.attachmentsDir, "tmp"), maxAttachmentBytes: ctx.config.attachmentMaxBytes });
    pools.set(ctx.config, pool);
  }
  return pool;
}

export async function closeParser(ctx: Pick<AppContext, "config">) {
  const pool = pools.get(ctx.config);
  pools.delete(ctx.config);
  await pool?.close();
}

// ---- entry point --------------------------------------------------------------------------

/**
 * Takes in one raw message. With `refuse`, problems the sender should hear about (too large, no
 * From, an unknown charset, a sender not allowed) come back as "refused" and nothing is stored,
 * for the SMTP listener and the pipe to answer with an error; without it they are kept as failed
 * mail. A message that breaks the parser is always kept (quarantined), never refused: a sender
 * retrying it would only break the parser again. A spooled message (SMTP) is parsed from its
 * file; the caller removes the spool file afterwards.
 */
export async function ingestMessage(ctx: AppContext, raw: RawMessage, source: IngestSource, opts: { refuse?: boolean } = {}): Promise<IngestResult> {
  const refuseOrFail = async (reason: FailedReason, message: string, mail?: ParsedMail): Promise<IngestResult> => {
    if (opts.refuse) return { outcome: "refused", reason, message };
    const failedId = await recordFailed(ctx, raw, source, { reason, error: message, from: mail?.from?.address, subject: mail?.subject });
    return { outcome: "failed", failedId, reason, message };
  };
  const max = ctx.config.mail.maxBytes;
  if (rawSize(raw) > max) return refuseOrFail("too_large", `The message is ${rawSize(raw)} bytes; the limit is ${max}.`);
  let mail: ParsedMail;
  try {
    mail = await parserFor(ctx).parse(Buffer.isBuffer(raw) ? raw : { path: raw.path });
  } catch (err) {
    if (!(err instanceof PoisonError)) throw err;
    const failedId = await recordFailed(ctx, raw, source, { reason: err.kind, error: err.message, ...(await headerFactsOf(raw)) });
    return { outcome: "failed", failedId, reason: err.kind, message: err.message };
  }
  try {
    return await ingestParsedMail(ctx, raw, mail, source, refuseOrFail);
  } finally {
    // Attachments the message's outcome did not store (held, duplicate, refused...) leave no file behind.
    await discardParts(mail.attachments);
  }
}

async function ingestParsedMail(
  ctx: AppContext,
  raw: RawMessage,
  mail: ParsedMail,
  source: IngestSource,
  refuseOrFail: (reason: FailedReason, message: string, mail?: ParsedMail) => Promise<IngestResult>,
): Promise<IngestResult> {
  if (!mail.from) return refuseOrFail("no_from", "The message has no sender address (From).", mail);
  if (mail.unknownCharsets.length && /\uFFFD/.test(mail.text + mail.html)) {
    return refuseOrFail("unknown_charset", `The message is written in a character set that cannot be read (${mail.unknownCharsets.join(", ")}).`, mail);
  }
  const fingerprint = Buffer.isBuffer(raw) ? fingerprintOf(raw) : raw.fingerprint;
  const messageId = normalizeMessageId(mail.messageId) ?? generatedMessageId(fingerprint);
  // Two copies racing (or two new people created at once) meet on a unique index; the retry
  // then finds the other copy and answers it as a duplicate.
  for (let attempt = 0; ; attempt++) {
    try {
      return await ingestParsed(ctx, raw, mail, { messageId, fingerprint }, source, refuseOrFail);
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

// ---- deciding what a message is -----------------------------------------------------------

/** copiesWait: why the people the message copies in wait for an agent (null: they join at once). */
type Plan =
  | { kind: "ticket"; copiesWait: CopiesReason | null }
  | { kind: "reply"; ticket: TicketRow; standing: Standing; copiesWait: CopiesReason | null }
  | { kind: "linked"; old: TicketRow; standing: Standing; copiesWait: CopiesReason | null }
  | { kind: "held"; ticketId: number; reason: HeldReason }
  | { kind: "noted"; ticket: TicketRow }
  | { kind: "own"; ticketId: number | null }
  | { kind: "bounce"; facts: BounceFacts };

async function ingestParsed(
  ctx: AppContext,
  raw: RawMessage,
  mail: ParsedMail,
  id: { messageId: string; fingerprint: string },
  source: IngestSource,
  refuseOrFail: (reason: FailedReason, message: string, mail?: ParsedMail) => Promise<IngestResult>,
): Promise<IngestResult> {
  const known = await messagesById.all(ctx.db, { message_id: id.messageId });
  const same = known.find((r) => r.fingerprint === id.fingerprint);
  if (same) return { outcome: same.outcome, messageRowId: same.id, ticketId: same.ticket_id, commentId: same.comment_id, duplicate: true };
  const reused = known.find((r) => r.ticket_id != null);

  const from = mail.from!.address;
  const mailbox = source.mailboxId
    ? await mailboxById(ctx.db, source.mailboxId)
    : await mailboxFor(ctx, [...(source.recipients ?? []), ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address)]);
  const sender = await userByEmail.first(ctx.db, { email: from });
  const loop = judgeLoop(mail);
  // DMARC pass from a trusted receiving server: the sender is who From says.
  const authenticated = ctx.config.mail.trustedAuthservIds.length > 0 && dmarcPassed(await headOf(raw), from, ctx.config.mail.trustedAuthservIds);

  // Our own mail coming back (a notification sent to one of our addresses, or forwarded back
  // whole): taking it in would answer ourselves, the classic mail loop.
  const own = parseOwnMessageId(ctx.secret, id.messageId);
  const ours = await ourAddresses(ctx);
  const fromUs = ours.has(from);

  let plan: Plan;
  if (own || fromUs) plan = { kind: "own", ticketId: own ? ((await ctx.db.selectFrom("tickets").select("id").where("id", "=", own.ticketId).executeTakeFirst())?.id ?? null) : null };
  else if (reused) plan = { kind: "held", ticketId: reused.ticket_id!, reason: "message_id_reused" };
  else if (loop.bounce) plan = { kind: "bounce", facts: readBounce(mail) };
  else {
    const match = await findThread(ctx, mail);
    if (!match) plan = { kind: "ticket", copiesWait: null };
    else {
      const standing = await standingOf(ctx, match.ticket, sender, match);
      const copiesWait = copiesMustWait(match, authenticated);
      // An out-of-office answer to our notification is worth knowing, not a reply: it must not
      // reopen a resolved ticket or start a follow-up of a closed one.
      if (standing.kind !== "stranger" && isAutoReply(mail)) plan = { kind: "noted", ticket: match.ticket };
      else if (standing.kind !== "stranger") {
        plan = isFinalCategory(match.ticket.status_category) ? { kind: "linked", old: match.ticket, standing, copiesWait } : { kind: "reply", ticket: match.ticket, standing, copiesWait };
      }
      // A tag alone is weak evidence (anyone can type it): a stranger's tagged mail is a new
      // request, and the people it copies in wait for an agent like those of a tagged reply.
      else if (match.by === "tag" && standing.reason === "not_a_party") plan = { kind: "ticket", copiesWait: authenticated ? null : "tagged_new_ticket" };
      else plan = { kind: "held", ticketId: match.ticket.id, reason: standing.reason };
    }
  }
  if (plan.kind === "ticket") {
    if (sender && !sender.active) return refuseOrFail("sender_not_allowed", `The account of ${from} is disabled.`, mail);
    if (!senderAllowed(mailbox, from, !!sender)) return refuseOrFail("sender_not_allowed", `${from} may not open tickets through ${mailbox!.address}.`, mail);
  }

  // Files first (fsynced), then the rows that point at them; a small raw original goes into
  // the transaction itself.
  const rawKept = await keepRaw(ctx, raw);
  const now = ctx.clock.now().toISOString();
  const importedAt = source.importHistory && mail.date && mail.date < now ? mail.date : undefined;
  const recent = await messagesFromSince.first(ctx.db, { from, since: new Date(Date.parse(now) - 3_600_000).toISOString() });
  const flooding = Number(recent?.n ?? 0) >= ctx.config.mail.loopLimitPerHour;
  const bodyHash = bodyHashOf(mail);
  // A fresh message that answers our acknowledgement (an autoresponder without RFC 3834 headers)
  // would get another one, and so on: held instead, on the ticket whose acknowledgement it answers.
  const ackLoop = plan.kind === "ticket" && !loop.noAutoReply && !source.importHistory && !flooding ? await detectAckLoop(ctx, mail, from, bodyHash, now) : null;
  if (ackLoop) plan = { kind: "held", ticketId: ackLoop.ticketId, reason: "auto_reply_loop" };
  const parts = plan.kind === "ticket" || plan.kind === "reply" || plan.kind === "linked" ? await storeParts(ctx, mail.attachments) : { stored: [], skipped: [] };
  const noAutoReply = loop.noAutoReply || !!source.importHistory || flooding || plan.kind === "own" || !!ackLoop;
  const loopReason =
    [
      plan.kind === "own" ? "our own mail" : null,
      loop.reason,
      source.importHistory ? "imported old mail" : null,
      flooding ? `loop breaker: more than ${ctx.config.mail.loopLimitPerHour} messages from ${from} in an hour` : null,
      ackLoop?.reason,
    ]
      .filter(Boolean)
      .join("; ") || null;

  const result = await ctx.db.transaction().execute(async (trx) => {
    const tx: AppContext = { ...ctx, db: trx };
    await insertRaw(trx, rawKept, now);
    const row = await insertMessage.first(trx, {
      message_id: id.messageId,
      fingerprint: id.fingerprint,
      mailbox_id: mailbox?.id ?? null,
      source: source.kind,
      raw_sha256: rawKept.sha256,
      raw_size: rawKept.size,
      from_address: from,
      from_user_id: sender?.id ?? null,
      subject: mail.subject.slice(0, 1000),
      sent_at: mail.date,
      outcome: "ignored",
      ticket_id: null,
      comment_id: null,
      no_auto_reply: noAutoReply ? 1 : 0,
      loop_reason: loopReason,
      remote_images: 0,
      full_html: "",
      body_sha256: bodyHash,
      created_at: now,
    });
    if (!row) throw new Error("the mail_messages insert returned no row");
    const arrival: ArrivalOptions = { via: "email", channel: "email", at: importedAt, noAutoReply };
    const done = await applyPlan(tx, plan, mail, { mailbox, sender, parts, arrival, messageRowId: row.id, now, ours });
    await settleMessage.run(trx, {
      id: row.id,
      outcome: done.outcome,
      ticket_id: done.ticketId,
      comment_id: done.commentId,
      from_user_id: done.senderId ?? sender?.id ?? null,
      remote_images: done.remoteImages ? 1 : 0,
      full_html: done.fullHtml,
    });
    if (done.ticketId && (done.outcome === "ticket" || done.outcome === "reply")) {
      await rememberThreadId.run(trx, { message_id: id.messageId, ticket_id: done.ticketId, comment_id: done.commentId, now });
    }
    return { outcome: done.outcome, messageRowId: row.id, ticketId: done.ticketId, commentId: done.commentId, duplicate: false };
  });
  await ctx.durable();
  ctx.log.info({ event: "mail_ingested", source: source.kind, outcome: result.outcome, ticket_id: result.ticketId, mail_message_id: result.messageRowId }, "inbound mail taken in");
  return result;
}

// ---- doing it -----------------------------------------------------------------------------

interface Applied {
  outcome: MailOutcome;
  ticketId: number | null;
  commentId: number | null;
  senderId?: number;
  remoteImages: boolean;
  fullHtml: string;
}

interface PlanContext {
  mailbox: MailboxRow | undefined;
  sender: UserRow | undefined;
  parts: { stored: StoredPart[]; skipped: SkippedPart[] };
  arrival: ArrivalOptions;
  messageRowId: number;
  now: string;
  /** Our own addresses: never made watchers. */
  ours: Set<string>;
}

async function applyPlan(tx: AppContext, plan: Plan, mail: ParsedMail, p: PlanContext): Promise<Applied> {
  switch (plan.kind) {
    case "bounce": {
      const ticketId = await ticketOfBounce(tx, plan.facts);
      if (ticketId) {
        await recordEvents(tx.db, ticketId, undefined, "email", p.now, [
          {
            action: "mail_bounced",
            new: { mail_message_id: p.messageRowId, message_id: plan.facts.originalMessageId, recipient: plan.facts.recipient, status: plan.facts.status, diagnostic: plan.facts.diagnostic },
          },
        ]);
      }
      return { outcome: "bounce", ticketId, commentId: null, remoteImages: false, fullHtml: displayBody(mail, () => undefined, false).fullHtml };
    }
    case "own":
      return { outcome: "ignored", ticketId: plan.ticketId, commentId: null, remoteImages: false, fullHtml: displayBody(mail, () => undefined, false).fullHtml };
    case "noted": {
      await recordEvents(tx.db, plan.ticket.id, undefined, "email", p.now, [
        { action: "mail_auto_reply", new: { mail_message_id: p.messageRowId, from: mail.from!.address, subject: mail.subject.slice(0, 300) } },
      ]);
      const body = displayBody(mail, () => undefined, false);
      return { outcome: "ignored", ticketId: plan.ticket.id, commentId: null, remoteImages: body.remoteImages, fullHtml: body.fullHtml };
    }
    case "held": {
      await holdMessage(tx, p.messageRowId, plan.ticketId, mail.from!, plan.reason, p.now);
      // Shown to the agent who decides; its attachments come with it only once accepted.
      const body = displayBody(mail, () => undefined, false);
      return { outcome: "held", ticketId: plan.ticketId, commentId: null, remoteImages: body.remoteImages, fullHtml: body.fullHtml };
    }
    case "reply": {
      const author = p.sender!;
      const r = await replyFromMail(tx, mail, author, plan.ticket, p.parts, p.arrival);
      // A party copies people in: they join the ticket as watchers and get its public replies,
      // or, when the party is not proven, wait for an agent.
      await takeCopies(tx, plan.ticket, mail, author, plan.copiesWait, p);
      return { outcome: "reply", ticketId: plan.ticket.id, commentId: r.commentId, senderId: author.id, remoteImages: r.remoteImages, fullHtml: r.fullHtml };
    }
    case "linked": {
      // A closed ticket takes no more replies: its party's mail starts a follow-up linked to it.
      const author = p.sender!;
      const requesterId = plan.standing.kind === "agent" ? plan.old.requester_id : author.id;
      const r = await ticketFromMail(tx, mail, author, p.parts, p.arrival, {
        requesterId,
        teamId: plan.old.team_id,
        categoryId: plan.old.category_id,
        type: plan.old.type,
        watchers: await copiesOnNewTicket(tx, mail, author, plan.copiesWait, p),
      });
      await holdNewTicketCopies(tx, r.ticket, mail, author, plan.copiesWait, p);
      await addLink(tx, actorOf(author), r.ticket, "related", plan.old);
      return { outcome: "ticket", ticketId: r.ticket.id, commentId: null, senderId: author.id, remoteImages: r.remoteImages, fullHtml: r.fullHtml };
    }
    case "ticket": {
      const author = p.sender ?? (await findOrCreatePerson(tx, { email: mail.from!.address, name: mail.from!.name }));
      const watchers = await copiesOnNewTicket(tx, mail, author, plan.copiesWait, p);
      const r = await ticketFromMail(tx, mail, author, p.parts, p.arrival, {
        requesterId: author.id,
        teamId: p.mailbox?.team_id ?? undefined,
        categoryId: p.mailbox?.category_id ?? undefined,
        type: p.mailbox?.ticket_type ?? undefined,
        watchers,
      });
      await holdNewTicketCopies(tx, r.ticket, mail, author, plan.copiesWait, p);
      return { outcome: "ticket", ticketId: r.ticket.id, commentId: null, senderId: author.id, remoteImages: r.remoteImages, fullHtml: r.fullHtml };
    }
  }
}

/** The ticket a bounce concerns: the bounced message's Message-ID is one we sent (or received). */
async function ticketOfBounce(tx: AppContext, facts: BounceFacts): Promise<number | null> {
  const id = normalizeMessageId(facts.originalMessageId);
  if (!id) return null;
  const own = parseOwnMessageId(tx.secret, id);
  if (own) {
    const t = await tx.db.selectFrom("tickets").select("id").where("id", "=", own.ticketId).executeTakeFirst();
    if (t) return t.id;
  }
  const row = await tx.db.selectFrom("mail_thread_ids").select("ticket_id").where("message_id", "=", id).executeTakeFirst();
  return row?.ticket_id ?? null;
}

/**
 * The people a message copies in: watchers at once (recorded as a change of watchers by its
 * author), or held for an agent's decision when `wait` says why they may not join on the
 * sender's word.
 */
async function takeCopies(tx: AppContext, ticket: TicketRow, mail: ParsedMail, author: UserRow, wait: CopiesReason | null, p: PlanContext) {
  const copied = copiedAddresses(mail, author, p.ours);
  if (!copied.length) return;
  if (wait) await holdCopies(tx, { ticket, messageRowId: p.messageRowId, from: author.email, addresses: copied, reason: wait, now: p.now });
  else await addWatchers(tx, ticket, copied, actorOf(author), p.now);
}

/** A new ticket's watchers from the people its message copies in: none while they must wait for an agent. */
async function copiesOnNewTicket(tx: AppContext, mail: ParsedMail, author: UserRow, wait: CopiesReason | null, p: PlanContext): Promise<number[]> {
  if (wait) return [];
  const ids: number[] = [];
  for (const a of copiedAddresses(mail, author, p.ours)) ids.push((await findOrCreatePerson(tx, { email: a.address, name: a.name })).id);
  return ids;
}

async function holdNewTicketCopies(tx: AppContext, ticket: TicketRow, mail: ParsedMail, author: UserRow, wait: CopiesReason | null, p: PlanContext) {
  const copied = copiedAddresses(mail, author, p.ours);
  if (wait && copied.length) await holdCopies(tx, { ticket, messageRowId: p.messageRowId, from: author.email, addresses: copied, reason: wait, now: p.now });
}

export function actorOf(u: UserRow): Actor {
  return { id: u.id, role: u.role, email: u.email, name: u.name, organization_id: u.organization_id, team_ids: [], auth: "session" };
}

/** Attachment rows for the stored parts, and the HTML with cid: images pointing at them. */
async function bodyWithParts(tx: AppContext, mail: ParsedMail, author: UserRow, parts: PlanContext["parts"], reply: boolean) {
  const rows = await insertPartRows(tx.db, parts.stored, author.id, tx.clock.now().toISOString());
  const byCid = new Map(rows.filter((r) => r.cid).map((r) => [r.cid!.toLowerCase(), r.id]));
  const body = displayBody(
    mail,
    (cid) => {
      const id = byCid.get(cid.toLowerCase());
      return id ? `/api/attachments/${id}/download` : undefined;
    },
    reply,
  );
  let html = body.html;
  if (parts.skipped.length) {
    const names = parts.skipped.map((s) => `${s.filename} (${Math.round(s.size / 1048576)} MiB)`).join(", ");
    html += `<p><em>Not attached, over the attachment size limit (still in the original message): ${names.replace(/[<>&"]/g, "")}</em></p>`;
  }
  // Plain-text mail is stored from its text (the same HTML results), sparing a sanitiser pass.
  const stored = body.text !== undefined && !parts.skipped.length ? { body: body.text, format: "text" as const } : { body: html, format: "html" as const };
  return { stored, fullHtml: body.fullHtml, remoteImages: body.remoteImages, attachmentIds: rows.map((r) => r.id) };
}

export async function ticketFromMail(
  tx: AppContext,
  mail: ParsedMail,
  author: UserRow,
  parts: PlanContext["parts"],
  arrival: ArrivalOptions,
  where: { requesterId: number; teamId?: number | null; categoryId?: number | null; type?: string | null; watchers: number[] },
) {
  const body = await bodyWithParts(tx, mail, author, parts, false);
  const subject =
    mail.subject
      .replace(/[\p{Cc}]/gu, " ")
      .trim()
      .slice(0, 300) || "(no subject)";
  const ticket = await createTicket(
    tx,
    actorOf(author),
    {
      subject,
      description: body.stored.body,
      format: body.stored.format,
      ...(where.requesterId !== author.id ? { requester_id: where.requesterId } : {}),
      ...(where.teamId != null ? { team_id: where.teamId } : {}),
      ...(where.categoryId != null ? { category_id: where.categoryId } : {}),
      ...(where.type ? { type: where.type as "incident" } : {}),
      attachment_ids: body.attachmentIds,
    },
    { ...arrival, trusted: true, watcherIds: where.watchers },
  );
  return { ticket, remoteImages: body.remoteImages, fullHtml: body.fullHtml };
}

export async function replyFromMail(tx: AppContext, mail: ParsedMail, author: UserRow, ticket: TicketRow, parts: PlanContext["parts"], arrival: ArrivalOptions) {
  const body = await bodyWithParts(tx, mail, author, parts, true);
  const comment = await addComment(tx, actorOf(author), ticket, { body: body.stored.body, format: body.stored.format, internal: false, attachment_ids: body.attachmentIds }, arrival);
  return { commentId: comment.id, remoteImages: body.remoteImages, fullHtml: body.fullHtml };
}
