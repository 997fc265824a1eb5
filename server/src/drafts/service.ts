/**
 * Saving and discarding reply drafts. A draft belongs to one agent on one ticket; each save bumps
 * its version, and a save based on a version other than the stored one is refused, so a stale
 * tab or a second device cannot silently overwrite newer text.
 */
import type { ReplyDraft, ReplyDraftInput } from "@tessera/contracts";
import type { AppContext, Executor } from "../context.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { conflict } from "../errors.ts";
import type { ReplyDraftsTable } from "./tables.ts";
import { findDraft } from "./queries.ts";

export function presentDraft(row: ReplyDraftsTable): ReplyDraft {
  return { ticket_id: row.ticket_id, mode: row.mode, body: row.body, mentions: JSON.parse(row.mentions), updated_at: row.updated_at, version: row.version };
}

const staleDraft = (current: ReplyDraftsTable | undefined) =>
  conflict("This draft was changed elsewhere (another tab or device) since you loaded it. Load it again, then save.", { current: current ? presentDraft(current) : null });

/**
 * Stores the agent's draft on the ticket, or deletes it when the body is blank. Answers the
 * stored draft, or null when there is none any more. Call inside a transaction.
 */
export async function saveDraft(tx: AppContext, userId: number, ticketId: number, input: ReplyDraftInput): Promise<ReplyDraft | null> {
  const existing = await findDraft(tx.db, ticketId, userId);
  if (input.version !== undefined && input.version !== (existing?.version ?? 0)) throw staleDraft(existing);
  if (!input.body.trim()) {
    await discardDraft(tx.db, ticketId, userId);
    return null;
  }
  const values = { mode: input.mode, body: input.body, mentions: JSON.stringify(input.mentions), updated_at: tx.clock.now().toISOString() };
  if (existing) {
    // The version in the WHERE makes a concurrent save of the same version lose cleanly.
    const row = await tx.db
      .updateTable("reply_drafts")
      .set({ ...values, version: existing.version + 1 })
      .where("ticket_id", "=", ticketId)
      .where("user_id", "=", userId)
      .where("version", "=", existing.version)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw staleDraft(await findDraft(tx.db, ticketId, userId));
    return presentDraft(row);
  }
  try {
    const row = await tx.db
      .insertInto("reply_drafts")
      .values({ ticket_id: ticketId, user_id: userId, ...values, version: 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
    return presentDraft(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw staleDraft(undefined);
    throw err;
  }
}

/** Removes the agent's draft on the ticket (nothing happens when there is none). */
export async function discardDraft(db: Executor, ticketId: number, userId: number): Promise<void> {
  await db.deleteFrom("reply_drafts").where("ticket_id", "=", ticketId).where("user_id", "=", userId).execute();
}
