/**
 * The periodic SLA sweep: fires warnings and breaches whose instant has come, runs their
 * escalations, and closes resolved tickets nobody answered. Each tick is one indexed query on
 * the deadlines stored on tickets (`sla_next_check_at`), however many tickets are open.
 *
 * Exactly once: each warning and breach is claimed by a conditional UPDATE (`... where
 * warned_at is null`) in the same transaction as its audit event, notifications and
 * escalations, with the ticket row locked first. Two nodes (or two ticks) racing on one ticket
 * therefore do the work once; a crash before commit leaves it to the next tick. On PostgreSQL a
 * tick is also taken by one node at a time (an advisory lock), so the others do not even try.
 * It runs once at start, so a deadline that passed while Tessera was down fires then.
 */
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import { lockTicket, referenceOf } from "../tickets/service.ts";
import { recordEvents } from "../tickets/events.ts";
import { defaultStatusOf, loadStatuses } from "../tickets/statuses.ts";
import { loadPolicies } from "./definitions.ts";
import { escalate, notifySla, type Level } from "./escalate.ts";
import { refreshSlaColumns, slaVia, syncSla } from "./sync.ts";
import { autoCloseDays } from "./settings.ts";
import type { SlaTargetKind } from "@tessera/contracts";

/** Any constant both nodes agree on: the key of the advisory lock a sweep tick holds on PostgreSQL. */
export const SWEEP_LOCK_KEY = 0x51a5_eeb;
/** Tickets handled per query; a tick continues with the next batch until nothing is due. */
const BATCH = 200;
/** A tick stops after this long and leaves the rest to the next one. */
const TICK_BUDGET_MS = 20_000;
/** A ticket whose sweep failed is tried again after this long, so one bad row cannot stall the rest. */
const RETRY_AFTER_MS = 5 * 60_000;

export interface SweepStats {
  /** Tickets looked at because something was due. */
  tickets: number;
  warnings: number;
  breaches: number;
  autoClosed: number;
  failed: number;
  /** True when another node held this tick (PostgreSQL). */
  skipped: boolean;
}

const zero = (): SweepStats => ({ tickets: 0, warnings: 0, breaches: 0, autoClosed: 0, failed: 0, skipped: false });

/** One transaction per ticket: claim what is due, fire it, escalate, refresh the badge. */
async function sweepTicket(ctx: AppContext, ticketId: number, stats: SweepStats): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const tx: AppContext = { ...ctx, db: trx };
    const nowMs = tx.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const t = await lockTicket(tx, ticketId);
    if (!t.sla_next_check_at || Date.parse(t.sla_next_check_at) > nowMs) return; // done by someone else meanwhile
    const clock = await trx.selectFrom("sla_clocks").select(["policy_id", "policy_name"]).where("ticket_id", "=", t.id).executeTakeFirst();
    const policy = (await loadPolicies(tx)).find((p) => p.id === clock?.policy_id);
    const via = slaVia(clock?.policy_name ?? policy?.name ?? "?");
    const targets = await trx.selectFrom("sla_targets").selectAll().where("ticket_id", "=", t.id).where("met_at", "is", null).orderBy("due_at").execute();
    let ticketChanged = false;
    let fired = false;
    for (const target of targets) {
      const kind = target.kind as SlaTargetKind;
      const key = (q: ReturnType<typeof trx.updateTable<"sla_targets">>) => q.where("ticket_id", "=", t.id).where("kind", "=", target.kind).where("cycle", "=", target.cycle);
      const fire = async (level: Level) => {
        const column = level === "warning" ? "warned_at" : "breached_at";
        const claimed = await key(trx.updateTable("sla_targets").set({ [column]: now })).where(column, "is", null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return;
        fired = true;
        if (level === "warning") stats.warnings++;
        else stats.breaches++;
        const remaining = Math.max(0, target.target_ms - target.warn_ms);
        await recordEvents(trx, t.id, undefined, via, now, [
          { action: level === "warning" ? "sla_warning" : "sla_breached", field: kind, new: { kind, cycle: target.cycle, due_at: target.due_at, target_minutes: target.target_ms / 60_000 } },
        ]);
        const current = ticketChanged ? await trx.selectFrom("tickets").selectAll().where("id", "=", t.id).executeTakeFirstOrThrow() : t;
        if (await escalate(tx, current, policy, level, { kind, cycle: target.cycle, due_at: target.due_at, remaining_ms: remaining }, now)) ticketChanged = true;
      };
      if (target.warn_at && !target.warned_at && Date.parse(target.warn_at) <= nowMs) await fire("warning");
      if (target.due_at && !target.breached_at && Date.parse(target.due_at) <= nowMs) await fire("breach");
    }
    // A raised priority or a new team may bring other targets or another policy: the full sync.
    if (ticketChanged) await syncSla(tx, t.id, { via });
    else await refreshSlaColumns(tx, t.id);
    if (!fired && !ticketChanged) tx.log.debug({ ticket: t.id }, "SLA sweep found nothing left to fire");
  });
}

/** Resolved tickets the requester did not answer within the configured days close, and the requester is told. */
async function autoClose(ctx: AppContext, stats: SweepStats, deadline: number): Promise<void> {
  const days = await autoCloseDays(ctx);
  if (!days) return;
  const cutoff = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
  const seen = new Set<number>();
  while (performance.now() < deadline) {
    const ids = (
      await ctx.db.selectFrom("tickets").select("id").where("status_category", "=", "resolved").where("resolved_at", "<=", cutoff).orderBy("resolved_at").limit(BATCH).execute()
    )
      .map((r) => r.id)
      .filter((id) => !seen.has(id));
    if (!ids.length) return;
    for (const id of ids) {
      seen.add(id);
      try {
        await ctx.db.transaction().execute(async (trx) => {
          const tx: AppContext = { ...ctx, db: trx };
          const t = await lockTicket(tx, id);
          // Reopened or closed meanwhile: nothing to do.
          if (t.status_category !== "resolved" || !t.resolved_at || t.resolved_at > cutoff) return;
          const now = tx.clock.now().toISOString();
          const closed = defaultStatusOf(await loadStatuses(tx), "closed");
          await trx.updateTable("tickets").set({ status: closed.key, status_category: closed.category, closed_at: now, updated_at: now, version: sql`version + 1` }).where("id", "=", t.id).execute();
          await recordEvents(trx, t.id, undefined, "auto_close", now, [{ action: "status_changed", field: "status", old: t.status, new: closed.key }]);
          await notifySla(trx, {
            userIds: [t.requester_id],
            ticketId: t.id,
            kind: "auto_closed",
            summary: `${referenceOf(t)} ${t.subject}: closed after ${days} day${days === 1 ? "" : "s"} without an answer to its resolution. Reply with a new request if it is not fixed.`,
            now,
          });
          await syncSla(tx, t.id, { via: "auto_close" });
          stats.autoClosed++;
        });
      } catch (err) {
        stats.failed++;
        ctx.log.error({ err, ticket: id }, "auto-close failed");
      }
    }
  }
}

async function sweepWork(ctx: AppContext): Promise<SweepStats> {
  const stats = zero();
  const deadline = performance.now() + TICK_BUDGET_MS;
  const seen = new Set<number>();
  while (performance.now() < deadline) {
    const now = ctx.clock.now().toISOString();
    const due = await ctx.db
      .selectFrom("tickets")
      .select("id")
      .where("sla_next_check_at", "<=", now)
      .orderBy("sla_next_check_at")
      .limit(BATCH)
      .execute();
    const ids = due.map((r) => r.id).filter((id) => !seen.has(id));
    if (!ids.length) break;
    for (const id of ids) {
      seen.add(id);
      stats.tickets++;
      try {
        await sweepTicket(ctx, id, stats);
      } catch (err) {
        stats.failed++;
        ctx.log.error({ err, ticket: id }, "SLA sweep failed for a ticket; trying it again later");
        const later = new Date(ctx.clock.now().getTime() + RETRY_AFTER_MS).toISOString();
        await ctx.db.updateTable("tickets").set({ sla_next_check_at: later }).where("id", "=", id).execute().catch(() => {});
      }
    }
  }
  await autoClose(ctx, stats, deadline);
  return stats;
}

/**
 * One sweep tick. Exported for tests, which drive it with ctx.clock. `lock: false` skips the
 * PostgreSQL advisory lock, to prove the per-target claims alone fire everything once.
 */
export async function sweepOnce(ctx: AppContext, opts: { lock?: boolean } = {}): Promise<SweepStats> {
  if (ctx.dialect !== "postgres" || opts.lock === false) {
    const stats = await sweepWork(ctx);
    // What it reports is committed (SQLite shares commits between transactions; see group-commit.ts).
    await ctx.durable();
    return stats;
  }
  return ctx.db.connection().execute(async (conn) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${SWEEP_LOCK_KEY}) as ok`.execute(conn);
    if (!got.rows[0]?.ok) return { ...zero(), skipped: true };
    try {
      return await sweepWork(ctx);
    } finally {
      await sql`select pg_advisory_unlock(${SWEEP_LOCK_KEY})`.execute(conn);
    }
  });
}

/** Starts the periodic SLA sweep on this node; resolves to a function that stops it. */
export async function startSlaSweeper(ctx: AppContext): Promise<() => Promise<void>> {
  const everyMs = ctx.config.slaSweepSeconds * 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = sweepOnce(ctx)
      .then((s) => {
        if (s.warnings || s.breaches || s.autoClosed || s.failed) ctx.log.info({ sla_sweep: s }, "SLA sweep");
      })
      .catch((err) => ctx.log.error({ err }, "SLA sweep failed"))
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(tick, everyMs);
          timer.unref();
        }
      });
  };
  // At once, not after the first interval: what fell due while Tessera was down fires now.
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
