/**
 * Snooze: an agent puts an open ticket out of "My open tickets" and the unassigned queue until
 * a time. When the time comes (or the requester replies first) it comes back, marked "back from
 * snooze" until an agent acts on it, and whoever snoozed it is told.
 *
 * Whether a ticket is snoozed is decided by the clock in every query (`snoozed_until > now`),
 * so a ticket is back on time even if no sweep has run; the sweep only records the return in
 * the audit trail and notifies. Snoozing does not bump the ticket's version: it changes no field
 * an agent edits, and must not turn a colleague's next edit into a version conflict.
 */
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { AppError, invalid } from "../errors.ts";
import { defineTick, startTicks } from "../jobs/ticks.ts";
import { notify } from "../notifications/service.ts";
import { recordEvents, viaOf } from "./events.ts";
import { lockTicket } from "./service.ts";
import { referenceOf } from "./reference.ts";
import { isActiveCategory, isDoneCategory } from "./statuses.ts";

const MIN_AHEAD_MS = 60_000;
const MAX_AHEAD_MS = 366 * 24 * 3600_000;
/** How often each node looks for snoozes that ran out, and how many it handles per look. */
const SWEEP_MS = 30_000;
const SWEEP_BATCH = 200;

type SnoozeFacts = Pick<TicketRow, "snoozed_until" | "snooze_returned_at">;

export const isSnoozed = (t: SnoozeFacts, nowIso: string) => t.snoozed_until != null && t.snoozed_until > nowIso;
/** Back from snooze: its time passed (or the requester replied) and no agent has acted since. */
export const isBackFromSnooze = (t: SnoozeFacts, nowIso: string) => t.snooze_returned_at != null || (t.snoozed_until != null && t.snoozed_until <= nowIso);

export async function snoozeTicket(tx: AppContext, actor: Actor, ticketId: number, untilInput: string): Promise<void> {
  const t = await lockTicket(tx, ticketId);
  const now = tx.clock.now();
  if (!isActiveCategory(t.status_category)) {
    throw new AppError("conflict", 409, `${referenceOf(t)} is ${t.status_category.replace(/_/g, " ")}; only open tickets can be snoozed.`);
  }
  const until = new Date(untilInput);
  if (until.getTime() < now.getTime() + MIN_AHEAD_MS) throw invalid("until", "must be at least a minute from now");
  if (until.getTime() > now.getTime() + MAX_AHEAD_MS) throw invalid("until", "must be within a year from now");
  const nowIso = now.toISOString();
  const untilIso = until.toISOString();
  await tx.db.updateTable("tickets").set({ snoozed_until: untilIso, snoozed_by_id: actor.id, snooze_returned_at: null }).where("id", "=", t.id).execute();
  await recordEvents(tx.db, t.id, actor, viaOf(actor), nowIso, [{ action: "snoozed", field: "snoozed_until", old: isSnoozed(t, nowIso) ? t.snoozed_until : null, new: untilIso }]);
}

/** Wakes a snoozed ticket now, or clears its "back from snooze" mark. Doing it twice is harmless. */
export async function unsnoozeTicket(tx: AppContext, actor: Actor, ticketId: number): Promise<void> {
  const t = await lockTicket(tx, ticketId);
  if (t.snoozed_until == null && t.snooze_returned_at == null) return;
  const nowIso = tx.clock.now().toISOString();
  await tx.db.updateTable("tickets").set({ snoozed_until: null, snoozed_by_id: null, snooze_returned_at: null }).where("id", "=", t.id).execute();
  if (isSnoozed(t, nowIso)) await recordEvents(tx.db, t.id, actor, viaOf(actor), nowIso, [{ action: "unsnoozed", field: "snoozed_until", old: t.snoozed_until, new: null }]);
}

/**
 * Called by ticket changes and comments (service.ts) in their transaction. A requester's reply
 * ends a snooze at once; an agent acting on a ticket that is back clears the mark; a ticket
 * that is done keeps no snooze.
 */
export async function settleSnooze(tx: AppContext, actor: Actor, t: TicketRow, opts: { fromRequester: boolean; categoryAfter: string; now: string }) {
  if (t.snoozed_until == null && t.snooze_returned_at == null) return;
  if (isDoneCategory(opts.categoryAfter)) {
    await tx.db.updateTable("tickets").set({ snoozed_until: null, snoozed_by_id: null, snooze_returned_at: null }).where("id", "=", t.id).execute();
    return;
  }
  if (opts.fromRequester) {
    if (t.snoozed_until == null) return;
    await tx.db.updateTable("tickets").set({ snoozed_until: null, snooze_returned_at: opts.now }).where("id", "=", t.id).execute();
    await recordEvents(tx.db, t.id, actor, "requester_reply", opts.now, [{ action: "snooze_ended", field: "snoozed_until", old: t.snoozed_until, new: { by: "requester_reply" } }]);
    // The assignee hears of the reply itself; whoever snoozed it, if someone else, hears why it is back.
    if (t.snoozed_by_id && t.snoozed_by_id !== t.assignee_id) {
      await notify(tx.db, { userIds: [t.snoozed_by_id], ticketId: t.id, kind: "snooze_ended", actorId: actor.id, summary: `${referenceOf(t)} ${t.subject} (the requester replied)`, now: opts.now });
    }
    return;
  }
  if (isBackFromSnooze(t, opts.now)) {
    await tx.db.updateTable("tickets").set({ snoozed_until: null, snoozed_by_id: null, snooze_returned_at: null }).where("id", "=", t.id).execute();
  }
}

/**
 * Records the return of every ticket whose snooze ran out: an event, and a notification to who
 * snoozed it and its assignee. Each return is claimed by a conditional update, so several nodes
 * sweeping at once record it once. Returns how many came back.
 */
export async function returnSnoozedTickets(ctx: AppContext): Promise<number> {
  const nowIso = ctx.clock.now().toISOString();
  const due = await ctx.db.selectFrom("tickets").select(["id", "snoozed_until"]).where("snoozed_until", "<=", nowIso).orderBy("snoozed_until").limit(SWEEP_BATCH).execute();
  let returned = 0;
  for (const d of due) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable("tickets")
        .set({ snoozed_until: null, snooze_returned_at: d.snoozed_until })
        .where("id", "=", d.id)
        .where("snoozed_until", "=", d.snoozed_until)
        .returningAll()
        .executeTakeFirst();
      if (!claimed) return false;
      if (isDoneCategory(claimed.status_category)) {
        await trx.updateTable("tickets").set({ snoozed_by_id: null, snooze_returned_at: null }).where("id", "=", d.id).execute();
        return false;
      }
      await recordEvents(trx, d.id, undefined, "snooze", nowIso, [{ action: "snooze_ended", field: "snoozed_until", old: d.snoozed_until, new: { by: "time" } }]);
      const who = [claimed.snoozed_by_id, claimed.assignee_id].filter((x): x is number => x != null);
      await notify(trx, { userIds: who, ticketId: d.id, kind: "snooze_ended", actorId: null, summary: `${referenceOf(claimed)} ${claimed.subject}`, now: nowIso });
      return true;
    });
    if (done) returned++;
  }
  return returned;
}

/**
 * The periodic look for snoozes that ran out. Each return is claimed by its own conditional
 * update, so the node lock the scheduler takes only saves the other nodes the work.
 */
export const snoozeReturnTick = defineTick({ name: "snooze-return", everyMs: SWEEP_MS, run: (ctx) => returnSnoozedTickets(ctx) });

/** Starts the snooze tick alone on this node; resolves to a stopper. */
export async function startSnoozeSweeper(ctx: AppContext): Promise<() => Promise<void>> {
  const scheduler = startTicks(ctx, [snoozeReturnTick]);
  return () => scheduler.stop();
}
