/**
 * The outbox worker: delivers queued mail over SMTP, every few seconds and whenever mail is
 * queued in this process.
 *
 * Claiming is safe with any number of nodes: a row is taken by a conditional UPDATE (FOR UPDATE
 * SKIP LOCKED on PostgreSQL) that sets `sending` with a lease; a node that dies mid-send leaves
 * a lease that lapses, and the row is taken again. Failures: an unreachable mail server leaves
 * the messages waiting without using up attempts; a 4xx answer is retried with exponential
 * backoff; a 5xx answer, or too many attempts, marks the message `failed` for an admin to see
 * and retry. With no mail server configured, mail waits in the outbox.
 *
 * Why the outbox keeps its own table rather than becoming a kind of job (jobs/queue.ts): its
 * rows are what the Outgoing mail admin page lists and retries (state, recipient, subject,
 * sent_at), a mail server that is down must not use up attempts, and a message is composed at
 * first claim in queue order. So its claim loop is a periodic tick (jobs/ticks.ts) on every
 * node, its claims keep nodes apart, and its retries use the queue's backoff rule.
 */
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.ts";
import type { ExpressionBuilder } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { MailOutboxTable } from "./tables.ts";
import type { Selectable } from "kysely";
import { composeMessage } from "./compose.ts";
import { classifyFailure, messageOf, openTransport, type MailTransport } from "./transport.ts";
import { AppError, notFound } from "../../errors.ts";
import { backoffMs as queueBackoffMs } from "../../jobs/queue.ts";
import { defineTick, startTicks } from "../../jobs/ticks.ts";

type OutboxRow = Selectable<MailOutboxTable>;

/** A claim lasts this long; sends time out well before (transport.ts). */
export const LEASE_MS = 5 * 60_000;
/** After a 4xx answer, the n-th retry waits 30 s · 2^(n-1), at most two hours. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 2 * 3_600_000;
/** Attempts answered by the mail server before a message is marked failed (about ten hours). */
export const MAX_ATTEMPTS = 10;
/** While the mail server is unreachable, it is tried again after this long. */
export const SERVER_RETRY_MS = 15_000;
const BATCH = 50;
/** Messages sent at once in a pass, each over its own pooled SMTP connection. */
const SEND_CONCURRENCY = 4;

/** No jitter: a message's retry times are as the admin page says (mail is few per receiver). */
export const backoffMs = (attempts: number) => queueBackoffMs(attempts, { baseMs: BACKOFF_BASE_MS, maxMs: BACKOFF_MAX_MS });

const isoPlus = (now: Date, ms: number) => new Date(now.getTime() + ms).toISOString();

function due(now: string) {
  return (eb: ExpressionBuilder<Database, "mail_outbox">) =>
    eb.or([eb.and([eb("state", "=", "queued"), eb("next_attempt_at", "<=", now)]), eb.and([eb("state", "=", "sending"), eb("lease_until", "<", now)])]);
}

/** Takes up to `limit` due rows for this worker; another worker never gets the same ones. */
async function claimDue(ctx: AppContext, token: string, limit: number): Promise<OutboxRow[]> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const claim = { state: "sending" as const, lease_until: isoPlus(now, LEASE_MS), claim_token: token, updated_at: nowIso };
  if (ctx.dialect === "postgres") {
    return ctx.db
      .updateTable("mail_outbox")
      .set(claim)
      .where("id", "in", ctx.db.selectFrom("mail_outbox").select("id").where(due(nowIso)).orderBy("id").limit(limit).forUpdate().skipLocked())
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => a.id - b.id));
  }
  const candidates = await ctx.db.selectFrom("mail_outbox").select("id").where(due(nowIso)).orderBy("id").limit(limit).execute();
  const claimed: OutboxRow[] = [];
  for (const { id } of candidates) {
    // The same condition again: a row another worker took in the meantime is no longer due.
    const row = await ctx.db.updateTable("mail_outbox").set(claim).where("id", "=", id).where(due(nowIso)).returningAll().executeTakeFirst();
    if (row) claimed.push(row);
  }
  return claimed;
}

export interface PassResult {
  /** False when no mail server is configured: nothing was tried. */
  configured: boolean;
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  suppressed: number;
  /** The mail server could not be reached; the rest waits. */
  serverError: string | null;
}

/**
 * One delivery pass: claims due messages, composes those not yet composed (one by one, in the
 * order they were queued, so each message's References include the ones before it), then sends
 * them over a few SMTP connections at once. startOutbox runs it in a loop; tests call it directly.
 */
export async function deliverDue(ctx: AppContext, opts: { limit?: number } = {}): Promise<PassResult> {
  const result: PassResult = { configured: !!ctx.config.mailOut.smtp, claimed: 0, sent: 0, retrying: 0, failed: 0, suppressed: 0, serverError: null };
  if (!result.configured) return result;
  const token = randomUUID();
  const rows = await claimDue(ctx, token, opts.limit ?? BATCH);
  result.claimed = rows.length;
  if (!rows.length) return result;
  const mine = (id: number) => ctx.db.updateTable("mail_outbox").where("id", "=", id).where("claim_token", "=", token);

  const failed = async (row: OutboxRow, err: unknown) => {
    const failure = classifyFailure(err);
    const now = ctx.clock.now();
    if (failure.kind === "server") {
      // The server, not this message: it waits, and no attempt is used up.
      result.serverError ??= failure.message;
      await mine(row.id)
        .set({ state: "queued", next_attempt_at: isoPlus(now, SERVER_RETRY_MS), lease_until: null, claim_token: null, last_error: `mail server: ${failure.message}`, updated_at: now.toISOString() })
        .execute();
      return;
    }
    const attempts = row.attempts + 1;
    const giveUp = failure.kind === "permanent" || attempts >= MAX_ATTEMPTS;
    ctx.log.warn({ outbox_id: row.id, attempts, err: failure.message }, giveUp ? "outgoing mail failed" : "outgoing mail will be retried");
    await mine(row.id)
      .set({
        state: giveUp ? "failed" : "queued",
        attempts,
        next_attempt_at: isoPlus(now, giveUp ? 0 : backoffMs(attempts)),
        last_error: failure.message,
        lease_until: null,
        claim_token: null,
        updated_at: now.toISOString(),
      })
      .execute();
    if (giveUp) result.failed++;
    else result.retrying++;
  };

  const ready: OutboxRow[] = [];
  for (const claimed of rows) {
    try {
      if (claimed.message_id) {
        ready.push(claimed);
        continue;
      }
      await composeMessage(ctx, claimed);
      const row = await ctx.db.selectFrom("mail_outbox").selectAll().where("id", "=", claimed.id).executeTakeFirstOrThrow();
      if (row.state === "suppressed") result.suppressed++;
      else ready.push(row);
    } catch (err) {
      await failed(claimed, err);
    }
  }

  let transport: MailTransport;
  try {
    transport = (await openTransport(ctx.config.mailOut, ctx.config.outboundAllow, ctx.config.outboundConnectTimeoutMs))!;
  } catch (err) {
    // The server is not allowed (or its name does not resolve): everything waits, as when it is down.
    for (const row of ready) await failed(row, err);
    return result;
  }
  const queue = [...ready];
  const sender = async () => {
    for (let row = queue.shift(); row && !result.serverError; row = queue.shift()) {
      try {
        const ids: number[] = row.attachment_ids ? JSON.parse(row.attachment_ids) : [];
        const files = ids.length ? await ctx.db.selectFrom("attachments").select(["filename", "content_type", "sha256"]).where("id", "in", ids).orderBy("id").execute() : [];
        await transport.sendMail(messageOf(ctx.config.mailOut, ctx.config.attachmentsDir, row, files));
        const now = ctx.clock.now().toISOString();
        await mine(row.id)
          .set((eb) => ({ state: "sent", attempts: eb("attempts", "+", 1), sent_at: now, lease_until: null, claim_token: null, last_error: null, updated_at: now }))
          .execute();
        result.sent++;
      } catch (err) {
        await failed(row, err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: SEND_CONCURRENCY }, sender));
  } finally {
    transport.close();
  }
  if (result.serverError) {
    ctx.log.warn({ err: result.serverError }, "mail server unreachable; outgoing mail waits");
    // What was not tried waits with the rest, unchanged.
    const later = isoPlus(ctx.clock.now(), SERVER_RETRY_MS);
    for (const row of queue) await mine(row.id).set({ state: "queued", next_attempt_at: later, lease_until: null, claim_token: null, updated_at: ctx.clock.now().toISOString() }).execute();
  }
  return result;
}

/** An admin's retry of a failed message: queued again, attempts from zero. */
export async function retryMessage(ctx: AppContext, id: number): Promise<void> {
  const row = await ctx.db.selectFrom("mail_outbox").select(["id", "state"]).where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The message");
  const now = ctx.clock.now().toISOString();
  const updated = await ctx.db
    .updateTable("mail_outbox")
    .set({ state: "queued", attempts: 0, next_attempt_at: now, updated_at: now })
    .where("id", "=", id)
    .where("state", "=", "failed")
    .executeTakeFirst();
  if (!Number(updated.numUpdatedRows)) {
    throw new AppError("conflict", 409, `Only a failed message can be retried; this one is ${row.state}.`, { state: row.state });
  }
  ctx.background.wakeOutbox();
}

/**
 * Delivery on every node (scope "node": the row claims keep nodes apart), every
 * TESSERA_OUTBOX_POLL_SECONDS and shortly after mail is queued in this process. A full batch is
 * followed at once by the next, until the outbox is drained or the scheduler stops.
 */
export const outboxTick = defineTick({
  name: "mail-outbox",
  everyMs: (ctx) => ctx.config.mailOut.pollMs,
  scope: "node",
  // Mail is queued inside a transaction that commits a moment later; look shortly after.
  wakeOn: (kick, ctx) => ctx.background.onMailQueued(() => kick(100)),
  run: async (ctx, { signal }) => {
    for (;;) {
      const r = await deliverDue(ctx);
      if (r.claimed < BATCH || r.serverError || signal.aborted) return;
    }
  },
});

/** Starts delivering queued outgoing mail alone on this node; resolves to a stopper. */
export async function startOutbox(ctx: AppContext): Promise<() => Promise<void>> {
  if (!ctx.config.mailOut.smtp) ctx.log.info("no mail server configured (TESSERA_SMTP_URL or TESSERA_SMTP_HOST): outgoing mail waits in the outbox");
  const scheduler = startTicks(ctx, [outboxTick]);
  return () => scheduler.stop();
}
