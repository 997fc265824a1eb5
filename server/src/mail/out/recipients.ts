/**
 * Who may get mail from Tessera at all, and how many automatic answers one address gets.
 * Both rules exist to keep Tessera out of mail loops (RFC 3834): system mailboxes never answer
 * usefully, and a cap per address stops two robots from answering each other forever.
 */
import { sql } from "kysely";
import type { Executor, Reader } from "../../context.ts";
import { prepared } from "../../db/prepared.ts";
import { getSetting, putSetting } from "../../settings/store.ts";

// Mailboxes that are robots or bounce handlers: mailer-daemon, postmaster, noreply, bounces+VERP ...
const SYSTEM_LOCAL_PART = /^(?:mailer-daemon|mail-daemon|mailerdaemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|auto[-_.]?reply|autoresponder)(?:[-+_.=].*)?$/i;
const PLAIN_ADDRESS = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/;

/** Why no mail may go to this address, or null when it may. */
export function undeliverableReason(address: string): string | null {
  if (!PLAIN_ADDRESS.test(address)) return "not a valid mail address";
  const local = address.slice(0, address.lastIndexOf("@"));
  if (SYSTEM_LOCAL_PART.test(local)) return "a system address (mailer-daemon, postmaster, noreply …) never gets mail from Tessera";
  return null;
}

const AUTO_REPLY_SETTING = "mail.auto_reply_per_hour";
/** Default cap of acknowledgements per address and hour. */
export const DEFAULT_AUTO_REPLY_PER_HOUR = 10;

/** The cap as stored now (for a change that records what it was before). */
export async function readAutoReplyLimit(db: Executor): Promise<number> {
  return (await getSetting<number>(db, AUTO_REPLY_SETTING)) ?? DEFAULT_AUTO_REPLY_PER_HOUR;
}

/** The cap, cached for a few seconds (memo.ts): every acknowledgement reads it. */
export function autoReplyLimit(r: Reader): Promise<number> {
  return r.memo.get(AUTO_REPLY_SETTING, () => readAutoReplyLimit(r.db));
}

/** Changes the cap; call forgetAutoReplyLimit once committed, so this node sees it at once. */
export async function setAutoReplyLimit(db: Executor, perHour: number, now: string): Promise<void> {
  await putSetting(db, AUTO_REPLY_SETTING, perHour, now);
}

export function forgetAutoReplyLimit(r: Pick<Reader, "memo">): void {
  r.memo.forget(AUTO_REPLY_SETTING);
}

const takeSlot = prepared<{ address: string; now: string; cutoff: string }, { count: number }>((db, p) =>
  db
    .insertInto("mail_auto_reply_counts")
    .values({ address: p.address, window_start: p.now, count: 1 })
    .onConflict((oc) =>
      oc.column("address").doUpdateSet({
        count: sql<number>`case when mail_auto_reply_counts.window_start <= ${p.cutoff} then 1 else mail_auto_reply_counts.count + 1 end`,
        window_start: sql<string>`case when mail_auto_reply_counts.window_start <= ${p.cutoff} then ${p.now} else mail_auto_reply_counts.window_start end`,
      }),
    )
    .returning("count"),
);

/**
 * Counts one automatic answer to `address` in its current one-hour window (a new window starts
 * when the last began an hour ago or more); true while the count is within `perHour`. One
 * upsert, so concurrent transactions count correctly on both engines.
 */
export async function takeAutoReplySlot(db: Executor, address: string, now: string, perHour: number): Promise<boolean> {
  const cutoff = new Date(Date.parse(now) - 3_600_000).toISOString();
  const row = await takeSlot.first(db, { address, now, cutoff });
  if (!row) throw new Error("the auto-reply count upsert returned no row");
  return row.count <= perHour;
}
