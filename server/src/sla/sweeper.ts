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
import { lockKeyOf, withNodeLock } from "../jobs/lock.ts";
import { defineTick, startTicks } from "../jobs/ticks.ts";
import { lockTicket } from "../tickets/service.ts";
import { referenceOf } from "../tickets/reference.ts";
import { recordEvents } from "../tickets/events.ts";
import { writeEvents } from "../events/write.ts";
import { defaultStatusOf, loadStatuses } from "../tickets/statuses.ts";
import { loadPolicies } from "./definitions.ts";
import { insertNotifications } from "../notifications/service.ts";
import { actionsFor, changesTicket, escalate, notifySla, planNotices, type Level, type Notice } from "./escalate.ts";
import { columnsFromTargets, slaVia, syncSla, writeManyTicketColumns } from "./sync.ts";
import { autoCloseDays } from "./settings.ts";
import type { SlaTargetKind } from "@tessera/contracts";
import type { Selectable } from "kysely";
import type { SlaTargetsTable } from "./tables.ts";

type SlaTargetRow = Selectable<SlaTargetsTable>;

/** The sweep's tick name; its node lock (jobs/lock.ts) is keyed by it. */
const SLA_SWEEP_TICK = "sla-sweep";
/** The key of the advisory lock a sweep tick holds on PostgreSQL. */
export const SWEEP_LOCK_KEY = lockKeyOf(SLA_SWEEP_TICK);
/** Tickets handled per query; a tick continues with the next batch until nothing is due. */
const BATCH = 200;
/** A tick stops after this long and leaves the rest to the next one. */
const TICK_BUDGET_MS = 20_000;
/** A ticket whose sweep failed is tried again after this long, so one bad row cannot stall the rest. */
const RETRY_AFTER_MS = 5 * 60_000;
/**
 * A warning or breach whose instant is older than one sweep interval plus this is history, not
 * news: it is recorded at its own instant and notifies nobody. An hour still tells agents about
 * what fell due during a restart or a short outage, when they can act on it; it keeps a desk
 * restored from an old backup, or one with imported or seeded history, from stamping weeks-old
 * breaches "just now" and flooding everyone's notifications. The ticket still shows as breached.
 */
export const LATE_MARGIN_MS = 60 * 60_000;

export interface SweepOptions {
  /** false skips the PostgreSQL advisory lock, to prove the per-target claims alone fire everything once. */
  lock?: boolean;
  /**
   * Warnings and breaches due before this instant are history (see LATE_MARGIN_MS). Default: one
   * sweep interval plus LATE_MARGIN_MS before now; the demo seed passes its own end.
   */
  historyBefore?: Date;
}

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

interface Fired {
  warnings: number;
  breaches: number;
}

type EventRow = { ticket_id: number; actor_id: null; via: string; action: string; field: string | null; old_value: null; new_value: string; created_at: string };

/**
 * Fires what is due on a batch of tickets, inside the caller's transaction, with a handful of
 * statements for the whole batch rather than a dozen per ticket:
 *
 * 1. the tickets are locked in id order (PostgreSQL) and those no longer due are left;
 * 2. one conditional UPDATE ... RETURNING claims every due warning, one every due breach: a
 *    claimed row is fired by this transaction and by no other;
 * 3. the audit events and notifications of all of them are inserted together; escalations
 *    that change a ticket (reassign, raise priority) run one by one, in the policy's order,
 *    followed by a full sync of that ticket's clock;
 * 4. each ticket's badge columns are refreshed from its targets.
 */
async function fireDue(tx: AppContext, ids: number[], historyBefore: string): Promise<Fired> {
  const db = tx.db;
  const out: Fired = { warnings: 0, breaches: 0 };
  const nowMs = tx.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const locked = await db
    .selectFrom("tickets")
    .selectAll()
    .where("id", "in", ids)
    .orderBy("id")
    .$if(tx.dialect === "postgres", (q) => q.forUpdate())
    .execute();
  // Done by someone else meanwhile, or changed so that nothing is due any more.
  const tickets = locked.filter((t) => t.sla_next_check_at && Date.parse(t.sla_next_check_at) <= nowMs);
  if (!tickets.length) return out;
  const dueIds = tickets.map((t) => t.id);
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const claim = (column: "warned_at" | "breached_at", deadline: "warn_at" | "due_at") =>
    db
      .updateTable("sla_targets")
      .set({ [column]: now })
      .where("ticket_id", "in", dueIds)
      .where("met_at", "is", null)
      .where(column, "is", null)
      .where(deadline, "<=", now)
      .returningAll()
      .execute();
  // A late one carries its own instant as its claim time, as if the sweep had found it then.
  const backdate = async (column: "warned_at" | "breached_at", deadline: "warn_at" | "due_at", rows: SlaTargetRow[]) => {
    if (!rows.some((r) => r[deadline]! < historyBefore)) return rows;
    await db
      .updateTable("sla_targets")
      .set({ [column]: sql.ref(deadline) })
      .where("ticket_id", "in", dueIds)
      .where(column, "=", now)
      .where(deadline, "<", historyBefore)
      .execute();
    return rows.map((r) => (r[deadline]! < historyBefore ? { ...r, [column]: r[deadline] } : r));
  };
  const warned = await backdate("warned_at", "warn_at", await claim("warned_at", "warn_at"));
  const breached = await backdate("breached_at", "due_at", await claim("breached_at", "due_at"));
  out.warnings = warned.length;
  out.breaches = breached.length;

  const [clocks, policies] = await Promise.all([db.selectFrom("sla_clocks").select(["ticket_id", "policy_id", "policy_name", "state"]).where("ticket_id", "in", dueIds).execute(), loadPolicies(tx)]);
  const clockOf = new Map(clocks.map((c) => [c.ticket_id, c]));
  const fired = [...warned.map((r) => ({ row: r, level: "warning" as Level })), ...breached.map((r) => ({ row: r, level: "breach" as Level }))].sort(
    (a, b) => a.row.ticket_id - b.row.ticket_id || (a.level === b.level ? 0 : a.level === "warning" ? -1 : 1),
  );
  const policyOf = (ticketId: number) => policies.find((p) => p.id === clockOf.get(ticketId)?.policy_id);
  // A ticket with any escalation that changes it has all of its escalations run in order, one by one.
  const oneByOne = new Set(fired.filter((f) => changesTicket(actionsFor(policyOf(f.row.ticket_id), f.level, f.row.kind as SlaTargetKind))).map((f) => f.row.ticket_id));
  const notices: Notice[] = [];
  const events: EventRow[] = [];
  const eventRow = (ticketId: number, via: string, action: string, field: string | null, value: unknown, at = now): EventRow => ({
    ticket_id: ticketId,
    actor_id: null,
    via,
    action,
    field,
    old_value: null,
    new_value: JSON.stringify(value),
    created_at: at,
  });
  const lateAtOf = (row: SlaTargetRow, level: Level) => {
    const at = level === "warning" ? row.warn_at : row.due_at;
    return at && at < historyBefore ? at : undefined;
  };
  for (const { row, level } of fired) {
    const lateAt = lateAtOf(row, level);
    const clock = clockOf.get(row.ticket_id);
    const policy = policies.find((p) => p.id === clock?.policy_id);
    const kind = row.kind as SlaTargetKind;
    const target = { kind, cycle: row.cycle, due_at: row.due_at, remaining_ms: Math.max(0, row.target_ms - row.warn_ms) };
    events.push(
      eventRow(
        row.ticket_id,
        slaVia(clock?.policy_name ?? policy?.name ?? "?"),
        level === "warning" ? "sla_warning" : "sla_breached",
        kind,
        { kind, cycle: row.cycle, due_at: row.due_at, target_minutes: row.target_ms / 60_000, ...(lateAt ? { late: true } : {}) },
        lateAt,
      ),
    );
    if (!oneByOne.has(row.ticket_id)) notices.push({ ticket: byId.get(row.ticket_id)!, policy, level, target, lateAt });
  }
  const plan = await planNotices(tx, notices, now);
  events.push(...plan.events.map((e) => eventRow(e.ticketId, e.via, e.event.action, e.event.field ?? null, e.event.new, e.at)));
  // Ordered by ticket, each fired target before its escalations.
  events.sort((a, b) => a.ticket_id - b.ticket_id);
  await writeEvents(db, events);
  // Through the notifications module, so a ticket someone muted tells them nothing.
  if (plan.notifications.length) await insertNotifications(db, plan.notifications);

  // Escalations that change a ticket, in the policy's order; then its clock is synced in full.
  for (const ticketId of oneByOne) {
    const clock = clockOf.get(ticketId);
    const policy = policies.find((p) => p.id === clock?.policy_id);
    const before = byId.get(ticketId)!.priority;
    for (const { row, level } of fired.filter((f) => f.row.ticket_id === ticketId)) {
      const current = await db.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow();
      const target = { kind: row.kind as SlaTargetKind, cycle: row.cycle, due_at: row.due_at, remaining_ms: Math.max(0, row.target_ms - row.warn_ms) };
      await escalate(tx, current, policy, level, target, now, { lateAt: lateAtOf(row, level), priorityRaised: current.priority !== before });
    }
    await syncSla(tx, ticketId, { via: slaVia(clock?.policy_name ?? policy?.name ?? "?") });
  }

  const rest = dueIds.filter((id) => !oneByOne.has(id));
  if (rest.length) {
    const targets = await db.selectFrom("sla_targets").selectAll().where("ticket_id", "in", rest).execute();
    const rows = rest.flatMap((id) => {
      const clock = clockOf.get(id);
      return clock
        ? [
            {
              ticket: byId.get(id)!,
              columns: columnsFromTargets(
                targets.filter((x) => x.ticket_id === id),
                clock.state,
                nowMs,
              ),
            },
          ]
        : [];
    });
    await writeManyTicketColumns(tx, rows);
  }
  return out;
}

/** Fires a batch in one transaction: one commit (one fsync) for all of it. */
async function fireInTransaction(ctx: AppContext, ids: number[], historyBefore: string): Promise<Fired> {
  return ctx.db.transaction().execute((trx) => fireDue({ ...ctx, db: trx }, ids, historyBefore));
}

/**
 * A batch in one transaction; if it fails, each of its tickets alone, so that one bad ticket
 * cannot hold back the others. Returns the tickets that failed on their own.
 */
async function sweepBatch(ctx: AppContext, ids: number[], stats: SweepStats, historyBefore: string): Promise<number[]> {
  const add = (f: Fired) => {
    stats.warnings += f.warnings;
    stats.breaches += f.breaches;
  };
  try {
    add(await fireInTransaction(ctx, ids, historyBefore));
    return [];
  } catch (err) {
    if (ids.length === 1) {
      ctx.log.error({ err, ticket: ids[0] }, "SLA sweep failed for a ticket; trying it again later");
      return ids;
    }
    ctx.log.warn({ err }, "SLA sweep batch failed; going through its tickets one by one");
  }
  const failed: number[] = [];
  for (const id of ids) failed.push(...(await sweepBatch(ctx, [id], stats, historyBefore)));
  return failed;
}

/** Resolved tickets the requester did not answer within the configured days close, and the requester is told. */
async function autoClose(ctx: AppContext, stats: SweepStats, deadline: number): Promise<void> {
  const days = await autoCloseDays(ctx);
  if (!days) return;
  const cutoff = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
  const seen = new Set<number>();
  while (performance.now() < deadline) {
    const ids = (await ctx.db.selectFrom("tickets").select("id").where("status_category", "=", "resolved").where("resolved_at", "<=", cutoff).orderBy("resolved_at").limit(BATCH).execute())
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
          await trx
            .updateTable("tickets")
            .set({ status: closed.key, status_category: closed.category, closed_at: now, updated_at: now, version: sql`version + 1` })
            .where("id", "=", t.id)
            .execute();
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

/** The tickets with something due at `now`, soonest first: one range read of the tickets_sla_check index. */
export function dueTickets(ctx: Pick<AppContext, "db">, now: string) {
  return ctx.db.selectFrom("tickets").select("id").where("sla_next_check_at", "<=", now).orderBy("sla_next_check_at").orderBy("id").limit(BATCH);
}

async function sweepWork(ctx: AppContext, opts: SweepOptions): Promise<SweepStats> {
  const stats = zero();
  const deadline = performance.now() + TICK_BUDGET_MS;
  const seen = new Set<number>();
  while (performance.now() < deadline) {
    const now = ctx.clock.now().toISOString();
    const due = await dueTickets(ctx, now).execute();
    const ids = due.map((r) => r.id).filter((id) => !seen.has(id));
    if (!ids.length) break;
    for (const id of ids) seen.add(id);
    stats.tickets += ids.length;
    const historyBefore = (opts.historyBefore ?? new Date(ctx.clock.now().getTime() - ctx.config.slaSweepSeconds * 1000 - LATE_MARGIN_MS)).toISOString();
    const failed = await sweepBatch(ctx, ids, stats, historyBefore);
    if (failed.length) {
      stats.failed += failed.length;
      const later = new Date(ctx.clock.now().getTime() + RETRY_AFTER_MS).toISOString();
      await ctx.db
        .updateTable("tickets")
        .set({ sla_next_check_at: later })
        .where("id", "in", failed)
        .execute()
        .catch(() => {});
    }
  }
  await autoClose(ctx, stats, deadline);
  return stats;
}

/** One sweep tick. Exported for tests, which drive it with ctx.clock, and for the demo seed. */
export async function sweepOnce(ctx: AppContext, opts: SweepOptions = {}): Promise<SweepStats> {
  const work = async () => {
    const stats = await sweepWork(ctx, opts);
    // What it reports is committed (SQLite shares commits between transactions; see group-commit.ts).
    await ctx.durable();
    return stats;
  };
  if (opts.lock === false) return work();
  const done = await withNodeLock(ctx, SLA_SWEEP_TICK, work);
  return done.ran ? done.value : { ...zero(), skipped: true };
}

/**
 * The periodic sweep, run at once on start (what fell due while Tessera was down fires then) and
 * every TESSERA_SLA_SWEEP_SECONDS. The scheduler takes the node lock, so the run skips it.
 */
export const slaSweepTick = defineTick({
  name: SLA_SWEEP_TICK,
  everyMs: (ctx) => ctx.config.slaSweepSeconds * 1000,
  run: async (ctx) => {
    const s = await sweepOnce(ctx, { lock: false });
    if (s.warnings || s.breaches || s.autoClosed || s.failed) ctx.log.info({ sla_sweep: s }, "SLA sweep");
  },
});

/** Starts the periodic SLA sweep alone on this node; resolves to a function that stops it. */
export async function startSlaSweeper(ctx: AppContext): Promise<() => Promise<void>> {
  const scheduler = startTicks(ctx, [slaSweepTick]);
  return () => scheduler.stop();
}
