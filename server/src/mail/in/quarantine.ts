/**
 * Failed mail: a message that could not be taken in is kept raw in mail_failed, where admins
 * see it, download it, re-process it or discard it. Nothing that reached Tessera is dropped.
 */
import type { AppContext } from "../../context.ts";
import type { FailedReason, MailSource } from "./tables.ts";
import { insertRaw, keepRaw } from "./store.ts";
import type { RawMessage } from "./spool.ts";
import libmime from "libmime";
import { headerValues, headOf } from "./authentication.ts";

export interface FailedFacts {
  reason: FailedReason;
  error: string;
  from?: string | null;
  subject?: string | null;
}

/** Stores the raw message and records it as failed (or, when re-processing, updates its row). */
export async function recordFailed(ctx: AppContext, raw: RawMessage, source: { kind: MailSource; mailboxId?: number | null; failedId?: number }, facts: FailedFacts): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const error = facts.error.slice(0, 1000);
  if (source.failedId) {
    await ctx.db
      .updateTable("mail_failed")
      .set((eb) => ({ reason: facts.reason, error, attempts: eb("attempts", "+", 1), updated_at: now }))
      .where("id", "=", source.failedId)
      .execute();
    await ctx.durable();
    return source.failedId;
  }
  const kept = await keepRaw(ctx, raw);
  const row = await ctx.db.transaction().execute(async (trx) => {
    await insertRaw(trx, kept, now);
    return trx
      .insertInto("mail_failed")
      .values({
        mailbox_id: source.mailboxId ?? null,
        source: source.kind,
        raw_sha256: kept.sha256,
        raw_size: kept.size,
        reason: facts.reason,
        error,
        from_address: facts.from?.slice(0, 254) ?? null,
        subject: facts.subject?.slice(0, 300) ?? null,
        attempts: 1,
        status: "open",
        resolved_by_id: null,
        resolved_at: null,
        ticket_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
  });
  await ctx.durable();
  ctx.log.warn({ event: "mail_failed", failed_id: row.id, reason: facts.reason, source: source.kind }, "inbound mail kept as failed");
  return row.id;
}

/**
 * From and Subject read straight from the header section, for a message the parser gave up on,
 * so the failed-mail list still says whose message it is and what about.
 */
export async function headerFactsOf(raw: RawMessage): Promise<Pick<FailedFacts, "from" | "subject">> {
  const head = await headOf(Buffer.isBuffer(raw) ? raw : { path: raw.path });
  const from = headerValues(head, "from")[0];
  const subject = headerValues(head, "subject")[0];
  const address = from && (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(from)?.[0]);
  return { from: address ?? null, subject: subject === undefined ? null : decodeWords(subject) };
}

function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
