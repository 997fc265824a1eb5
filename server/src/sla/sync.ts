/**
 * syncSla: the one function that moves a ticket's SLA clock. Every path that changes a ticket
 * calls it at the end, inside the same transaction; it looks at the ticket as it is now and
 * brings the clock in line, whatever caused the change:
 *
 * - the status category is appended to the clock log when it changes (start, pause, resume,
 *   stop, reopen all follow from it and the policy's pause rules);
 * - the policy is matched at the start and matched again when a field it is matched on changes
 *   (type, priority, category, organization, channel), or when an admin recomputes;
 * - each target's deadline, warning instant and use are recomputed by replaying the log in the
 *   calendar, and stored with the ticket's badge columns and the sweep's next check;
 * - a target that is met gets its outcome appended to sla_outcomes, kept forever.
 *
 * Rows are written only when they change.
 */
import type { SlaTargetKind } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import type { Actor } from "../auth/actor.ts";
import type { TicketRow } from "../db/schema.ts";
import { recordEvents, type EventInput } from "../tickets/events.ts";
import { CalendarExhausted } from "./calendar.ts";
import { ClockTimeline, evaluateTarget, segmentsOf, warnMsOf, type LogEntry, type TargetStatus } from "./clock.ts";
import { loadCalendar } from "./definitions.ts";
import { factsOf, hasTargets, matchPolicy, nearestTerms, type Terms } from "./policies.ts";
import { STATE_RANK } from "./badge.ts";
import { sql, type Selectable } from "kysely";
import type { ClockState, SlaClocksTable, SlaTargetsTable } from "./tables.ts";
import { appendClockLog, clockLogOf, clockOf, insertClock, insertTarget, targetsOf, ticketRow, updateClock, updateTicketColumns } from "./sync-queries.ts";

type Tx = AppContext;

export interface SyncOptions {
  actor?: Actor;
  /** How the change came about, for the audit ("web", "api", "sla:Gold"...). */
  via?: string;
  /** Match the policy again from its current definition and replay the clock (admin recompute). */
  recompute?: boolean;
  /**
   * The row of a ticket created in this very transaction: it has no clock, log or targets yet,
   * so none is read.
   */
  created?: TicketRow;
  /** The ticket's row as this transaction last wrote it (RETURNING), so it is not read again. */
  current?: TicketRow;
}

const MINUTE = 60_000;

export const slaVia = (policyName: string) => `sla:${policyName}`;

/** Why a ticket is timed by another priority's targets, for its events (see nearestTerms). */
const borrowed = (terms: Terms) =>
  terms.targets_of
    ? { targets_of: terms.targets_of, reason: `${terms.policy_name} has no targets for ${terms.priority}; the ticket is timed by the targets of ${terms.targets_of}, the nearest priority it has` }
    : {};

interface DesiredTarget {
  kind: SlaTargetKind;
  cycle: number;
  startedAt: number;
  targetMs: number;
  warnMs: number;
  metAt: number | null;
  status: TargetStatus;
}

/** The requester's public messages still waiting for an agent's answer, and the answers: one cycle each. */
async function nextResponseCycles(tx: Tx, t: TicketRow, after: number): Promise<Array<{ startedAt: number; metAt: number | null }>> {
  const rows = await tx.db
    .selectFrom("comments")
    .leftJoin("users", "users.id", "comments.author_id")
    .select(["comments.created_at", "comments.author_id", "users.role"])
    .where("comments.ticket_id", "=", t.id)
    .where("comments.internal", "=", 0)
    .where("comments.original_ticket_id", "is", null)
    .orderBy("comments.id")
    .execute();
  const cycles: Array<{ startedAt: number; metAt: number | null }> = [];
  let open: { startedAt: number; metAt: number | null } | undefined;
  for (const c of rows) {
    const at = Date.parse(c.created_at);
    if (at <= after || c.author_id == null) continue;
    const fromRequester = c.author_id === t.requester_id || c.role === "requester";
    if (fromRequester) open ??= { startedAt: at, metAt: null };
    else if (open) {
      open.metAt = at;
      cycles.push(open);
      open = undefined;
    }
  }
  if (open) cycles.push(open);
  return cycles;
}

const resolvedAtOf = (t: TicketRow) => (t.resolved_at && (t.status_category === "resolved" || t.status_category === "closed") ? Date.parse(t.resolved_at) : null);

export interface TicketSlaColumns {
  sla_state: string;
  sla_kind: string | null;
  sla_due_at: string | null;
  sla_warn_at: string | null;
  sla_remaining_ms: number | null;
  sla_sort: string;
  sla_next_check_at: string | null;
}

export const NO_SLA: TicketSlaColumns = { sla_state: "none", sla_kind: null, sla_due_at: null, sla_warn_at: null, sla_remaining_ms: null, sla_sort: "5", sla_next_check_at: null };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A live target as the badge and the sweep see it. */
export interface LiveTarget {
  kind: string;
  state: string;
  targetMs: number;
  usedMs: number;
  dueAt: number | null;
  warnAt: number | null;
  metAt: number | null;
  warnedAt: number | null;
  breachedAt: number | null;
}

/**
 * The ticket's badge columns from its targets: the target due next (a breached one first), the
 * state at `now`, and the next instant the sweep must look (an unfired warning or breach).
 */
export function ticketColumnsOf(targets: LiveTarget[], clockState: ClockState, now: number): TicketSlaColumns {
  if (!targets.length) return NO_SLA;
  // A stopped clock (resolved, closed, cancelled) owes nothing more.
  const open = clockState === "stopped" ? [] : targets.filter((t) => t.metAt === null && t.state !== "stopped");
  if (!open.length) {
    // Done: breached if any target was, met if every one was; a ticket cancelled before its
    // targets were met has neither.
    if (targets.some((t) => t.state === "breached")) return { ...NO_SLA, sla_state: "breached", sla_sort: `${STATE_RANK.met}` };
    if (targets.every((t) => t.metAt !== null)) return { ...NO_SLA, sla_state: "met", sla_sort: `${STATE_RANK.met}` };
    return NO_SLA;
  }
  const byDue = [...open].sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || a.targetMs - a.usedMs - (b.targetMs - b.usedMs));
  const next = byDue[0];
  const breached = open.some((t) => t.state === "breached" || t.breachedAt !== null || (t.dueAt !== null && t.dueAt <= now));
  const atRisk = open.some((t) => t.warnedAt !== null || (t.warnAt !== null && t.warnAt <= now));
  const state = breached ? "breached" : clockState === "paused" ? "paused" : atRisk ? "at_risk" : "on_track";
  let check: number | null = null;
  for (const t of open) {
    if (t.warnAt !== null && t.warnedAt === null) check = Math.min(check ?? Infinity, t.warnAt);
    if (t.dueAt !== null && t.breachedAt === null) check = Math.min(check ?? Infinity, t.dueAt);
  }
  const remaining = next.targetMs - next.usedMs;
  const sortKey = next.dueAt !== null && state !== "paused" ? new Date(next.dueAt).toISOString() : String(Math.max(0, remaining)).padStart(15, "0");
  return {
    sla_state: state,
    sla_kind: next.kind,
    sla_due_at: state === "paused" ? null : iso(next.dueAt),
    sla_warn_at: state === "paused" ? null : iso(next.warnAt),
    sla_remaining_ms: remaining,
    sla_sort: `${STATE_RANK[state as keyof typeof STATE_RANK]}${sortKey}`,
    sla_next_check_at: iso(check),
  };
}

const columnsOfRow = (t: TicketRow): TicketSlaColumns => ({
  sla_state: t.sla_state,
  sla_kind: t.sla_kind,
  sla_due_at: t.sla_due_at,
  sla_warn_at: t.sla_warn_at,
  sla_remaining_ms: t.sla_remaining_ms,
  sla_sort: t.sla_sort,
  sla_next_check_at: t.sla_next_check_at,
});

const COLUMN_NAMES = Object.keys(NO_SLA) as Array<keyof TicketSlaColumns>;
const differs = (t: TicketRow, cols: TicketSlaColumns) => COLUMN_NAMES.some((k) => (t as unknown as Record<string, unknown>)[k] !== cols[k]);

async function writeTicketColumns(tx: Tx, t: TicketRow, cols: TicketSlaColumns) {
  if (differs(t, cols)) await updateTicketColumns.run(tx.db, { ticket_id: t.id, ...cols });
}

/**
 * The badge columns of many tickets in one UPDATE ... FROM (VALUES ...): the sweep refreshes a
 * whole batch with one statement instead of one per ticket.
 */
export async function writeManyTicketColumns(tx: Tx, rows: Array<{ ticket: TicketRow; columns: TicketSlaColumns }>) {
  const changed = rows.filter((r) => differs(r.ticket, r.columns));
  if (!changed.length) return;
  if (changed.length === 1) return writeTicketColumns(tx, changed[0].ticket, changed[0].columns);
  const pg = tx.dialect === "postgres";
  const values = sql.join(
    changed.map(({ ticket, columns: c }) => sql`(${ticket.id}, ${c.sla_state}, ${c.sla_kind}, ${c.sla_due_at}, ${c.sla_warn_at}, ${c.sla_remaining_ms}, ${c.sla_sort}, ${c.sla_next_check_at})`),
  );
  // SQLite names the columns of VALUES column1, column2...; PostgreSQL takes names, and casts for the typed ones.
  const v = (i: number, name: string, cast = "") => (pg ? sql.raw(`v.${name}${cast}`) : sql.raw(`v.column${i}`));
  await sql`update tickets set
      sla_state = ${v(2, "sla_state")}, sla_kind = ${v(3, "sla_kind")}, sla_due_at = ${v(4, "sla_due_at", "::timestamptz")},
      sla_warn_at = ${v(5, "sla_warn_at", "::timestamptz")}, sla_remaining_ms = ${v(6, "sla_remaining_ms", "::bigint")}, sla_sort = ${v(7, "sla_sort")},
      sla_next_check_at = ${v(8, "sla_next_check_at", "::timestamptz")}
    from (values ${values}) as ${pg ? sql.raw("v(id, sla_state, sla_kind, sla_due_at, sla_warn_at, sla_remaining_ms, sla_sort, sla_next_check_at)") : sql.raw("v")}
    where tickets.id = ${v(1, "id", "::int")}`.execute(tx.db);
}

/**
 * Brings the ticket's SLA clock, targets and badge in line with the ticket as it is now, and
 * returns the ticket's SLA columns (for a caller holding a ticket row read before).
 */
export async function syncSla(tx: Tx, ticketId: number, opts: SyncOptions = {}): Promise<TicketSlaColumns> {
  const created = opts.created?.id === ticketId ? opts.created : undefined;
  const held = created ?? (opts.current?.id === ticketId ? opts.current : undefined);
  const t = held ?? (await ticketRow.first(tx.db, { ticket_id: ticketId }));
  if (!t) throw new Error(`no ticket has the id ${ticketId}`);
  // A draft is not a request yet: its clock starts when it is submitted.
  if (t.status_category === "draft") return columnsOfRow(t);
  const nowMs = tx.clock.now().getTime();
  const now = new Date(nowMs).toISOString();

  const logRows = created ? [] : await clockLogOf.all(tx.db, { ticket_id: t.id });
  const log: LogEntry[] = logRows.map((r) => ({ at: Date.parse(r.at), category: r.reason ?? "open" }));
  const last = log[log.length - 1];
  if (!last || last.category !== t.status_category) {
    // Never before the previous entry, even if the clock was set back.
    const at = Math.max(nowMs, last?.at ?? nowMs);
    await appendClockLog.run(tx.db, { ticket_id: t.id, at: new Date(at).toISOString(), kind: last ? "status" : "start", reason: t.status_category });
    log.push({ at, category: t.status_category });
  }

  const clock = created ? undefined : await clockOf.first(tx.db, { ticket_id: t.id });
  const facts = JSON.stringify(factsOf(t));
  const events: EventInput[] = [];
  const oldTerms: Terms | undefined = clock ? JSON.parse(clock.terms) : undefined;
  let terms: Terms | undefined = oldTerms && oldTerms.policy_id ? oldTerms : undefined;
  if (!clock || opts.recompute || clock.matched_on !== facts) {
    const match = await matchPolicy(tx, factsOf(t));
    terms = match?.terms;
    const kept = match && oldTerms?.policy_id === match.policy.id && hasTargets(oldTerms) && !hasTargets(terms) ? nearestTerms(match.policy, t.priority) : undefined;
    if (kept) terms = kept;
    if (kept && JSON.stringify(oldTerms) !== JSON.stringify(kept)) {
      events.push({
        action: "sla_terms_changed",
        field: "sla_targets",
        old: { priority: oldTerms!.priority, targets: oldTerms!.targets },
        new: { priority: kept.priority, targets: kept.targets, ...borrowed(kept) },
      });
    }
    const before = oldTerms?.policy_id ? { id: oldTerms.policy_id, name: oldTerms.policy_name } : null;
    const after = terms ? { id: terms.policy_id, name: terms.policy_name } : null;
    if (before?.id !== after?.id) {
      events.push({ action: "sla_policy_changed", field: "sla_policy", old: before, new: after ? { ...after, priority: terms!.priority, targets: terms!.targets, ...borrowed(terms!) } : null });
    } else if (!kept && terms && oldTerms && JSON.stringify(oldTerms) !== JSON.stringify(terms)) {
      events.push({
        action: "sla_terms_changed",
        field: "sla_targets",
        old: { priority: oldTerms.priority, targets: oldTerms.targets },
        new: { priority: terms.priority, targets: terms.targets, ...borrowed(terms) },
      });
    }
  }

  const loaded = hasTargets(terms) ? await loadCalendar(tx, terms.calendar_id) : undefined;
  const existing = created ? [] : await targetsOf.all(tx.db, { ticket_id: t.id });
  const via = opts.via ?? (terms ? slaVia(terms.policy_name) : "sla");

  if (!hasTargets(terms) || !loaded) {
    // No SLA applies (any more): live targets go; met ones and every outcome stay.
    const live = existing.filter((x) => x.met_at === null);
    for (const x of live) await tx.db.deleteFrom("sla_targets").where("ticket_id", "=", t.id).where("kind", "=", x.kind).where("cycle", "=", x.cycle).execute();
    await upsertClock(tx, t.id, clock, {
      policy_id: null,
      policy_name: null,
      calendar_id: null,
      priority: t.priority,
      matched_on: facts,
      terms: JSON.stringify(terms ?? {}),
      state: "none",
      since: null,
      reason: t.status_category,
      used_ms: 0,
      paused_ms: 0,
      paused_business_ms: 0,
      updated_at: now,
    });
    await writeTicketColumns(tx, t, NO_SLA);
    await recordEvents(tx.db, t.id, opts.actor, opts.via ?? "sla", now, events);
    return NO_SLA;
  }

  const calendar = loaded.calendar;
  const timeline = new ClockTimeline(calendar, segmentsOf(log, terms.pause_on));
  const started = log[0].at;
  const firstResponseAt = t.first_response_at ? Date.parse(t.first_response_at) : null;
  const resolvedAt = resolvedAtOf(t);

  const desired: DesiredTarget[] = [];
  let exhausted = false;
  const want = (kind: SlaTargetKind, cycle: number, startedAt: number, metAt: number | null) => {
    const minutes = terms!.targets[kind];
    if (minutes == null) return;
    const targetMs = minutes * MINUTE;
    const warnMs = warnMsOf(targetMs, terms!.warn_percent);
    let status: TargetStatus;
    try {
      status = evaluateTarget(timeline, { startedAt, targetMs, warnMs, metAt }, nowMs);
    } catch (err) {
      if (!(err instanceof CalendarExhausted)) throw err;
      exhausted = true;
      status = { state: "running", usedMs: 0, dueAt: null, warnAt: null };
    }
    desired.push({ kind, cycle, startedAt, targetMs, warnMs, metAt, status });
  };
  // Resolving answers the requester too: a first response still owed is met by the resolution.
  want("first_response", 1, started, firstResponseAt ?? resolvedAt);
  want("resolution", 1, started, resolvedAt);
  if (terms.targets.next_response != null && firstResponseAt !== null) {
    const cycles = await nextResponseCycles(tx, t, firstResponseAt);
    cycles.forEach((c, i) => want("next_response", i + 1, c.startedAt, c.metAt ?? (resolvedAt !== null && resolvedAt >= c.startedAt ? resolvedAt : null)));
  }
  if (exhausted) tx.log.error({ ticket: t.id, calendar: terms.calendar_id }, "SLA calendar has no working time left; deadlines cannot be computed");

  const live: LiveTarget[] = [];
  const policyVia = slaVia(terms.policy_name);
  for (const d of desired) {
    const row = {
      ticket_id: t.id,
      kind: d.kind,
      cycle: d.cycle,
      started_at: new Date(d.startedAt).toISOString(),
      target_ms: d.targetMs,
      warn_ms: d.warnMs,
      due_at: iso(d.status.dueAt),
      warn_at: iso(d.status.warnAt),
      met_at: iso(d.metAt),
      used_ms: d.status.usedMs,
    };
    const old = existing.find((x) => x.kind === d.kind && x.cycle === d.cycle);
    let breachedAt = old?.breached_at ? Date.parse(old.breached_at) : null;
    if (!old) await insertTarget.run(tx.db, { ...row, warned_at: null, breached_at: null });
    else if ((Object.keys(row) as Array<keyof typeof row>).some((k) => old[k] !== row[k])) {
      await tx.db.updateTable("sla_targets").set(row).where("ticket_id", "=", t.id).where("kind", "=", d.kind).where("cycle", "=", d.cycle).execute();
    }
    if (d.metAt !== null && (!old || old.met_at === null)) {
      const met = d.status.usedMs <= d.targetMs;
      await tx.db
        .insertInto("sla_outcomes")
        .values({
          ticket_id: t.id,
          kind: d.kind,
          cycle: d.cycle,
          policy_id: terms.policy_id,
          policy_name: terms.policy_name,
          priority: terms.priority,
          target_ms: d.targetMs,
          used_ms: d.status.usedMs,
          met: met ? 1 : 0,
          margin_ms: d.targetMs - d.status.usedMs,
          started_at: row.started_at,
          ended_at: row.met_at!,
          recorded_at: now,
        })
        .execute();
      await recordEvents(tx.db, t.id, undefined, policyVia, now, [
        {
          action: "sla_outcome",
          field: d.kind,
          new: {
            kind: d.kind,
            cycle: d.cycle,
            result: met ? "met" : "breached",
            target_minutes: d.targetMs / MINUTE,
            used_business_seconds: Math.round(d.status.usedMs / 1000),
            by_business_seconds: Math.round(Math.abs(d.targetMs - d.status.usedMs) / 1000),
          },
        },
      ]);
      // Met too late before the sweep noticed: the breach is still recorded, once.
      if (!met && breachedAt === null) {
        const claimed = await tx.db
          .updateTable("sla_targets")
          .set({ breached_at: now })
          .where("ticket_id", "=", t.id)
          .where("kind", "=", d.kind)
          .where("cycle", "=", d.cycle)
          .where("breached_at", "is", null)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 1) {
          breachedAt = nowMs;
          await recordEvents(tx.db, t.id, undefined, policyVia, now, [{ action: "sla_breached", field: d.kind, new: { kind: d.kind, cycle: d.cycle, due_at: row.due_at, met_late: true } }]);
        }
      }
    }
    live.push({
      kind: d.kind,
      state: d.status.state,
      targetMs: d.targetMs,
      usedMs: d.status.usedMs,
      dueAt: d.status.dueAt,
      warnAt: d.status.warnAt,
      metAt: d.metAt,
      warnedAt: old?.warned_at ? Date.parse(old.warned_at) : null,
      breachedAt,
    });
  }
  // Targets the policy no longer sets (it changed): live ones go, met ones stay as history.
  for (const x of existing) {
    if (x.met_at === null && !desired.some((d) => d.kind === x.kind && d.cycle === x.cycle)) {
      await tx.db.deleteFrom("sla_targets").where("ticket_id", "=", t.id).where("kind", "=", x.kind).where("cycle", "=", x.cycle).execute();
    }
  }

  const seg = timeline.current!;
  const since = seg.from;
  const paused = timeline.pausedAt(since);
  await upsertClock(tx, t.id, clock, {
    policy_id: terms.policy_id,
    policy_name: terms.policy_name,
    calendar_id: terms.calendar_id,
    priority: terms.priority,
    matched_on: facts,
    terms: JSON.stringify(terms),
    state: seg.state,
    since: new Date(since).toISOString(),
    reason: seg.category,
    used_ms: timeline.usedAt(since),
    paused_ms: paused.wall,
    paused_business_ms: paused.business,
    updated_at: now,
  });
  const columns = ticketColumnsOf(live, seg.state, nowMs);
  await writeTicketColumns(tx, t, columns);
  await recordEvents(tx.db, t.id, opts.actor, via, now, events);
  return columns;
}

/** A clock row as written: everything but the ticket it belongs to. */
type ClockValues = Omit<SlaClocksTable, "ticket_id">;

async function upsertClock(tx: Tx, ticketId: number, existing: ClockValues | undefined, values: ClockValues) {
  if (existing) {
    const same = (Object.keys(values) as Array<keyof ClockValues>).every((k) => k === "updated_at" || existing[k] === values[k]);
    if (!same) await updateClock.run(tx.db, { ticket_id: ticketId, ...values });
  } else await insertClock.run(tx.db, { ticket_id: ticketId, ...values });
}

type TargetRow = Selectable<SlaTargetsTable>;

/** The badge columns from stored target rows at `nowMs`, without replaying the clock. */
export function columnsFromTargets(rows: TargetRow[], clockState: ClockState, nowMs: number): TicketSlaColumns {
  const ms = (v: string | null) => (v === null ? null : Date.parse(v));
  const live: LiveTarget[] = rows.map((r) => {
    const dueAt = ms(r.due_at);
    const state =
      r.met_at !== null ? (r.used_ms <= r.target_ms ? "met" : "breached") : r.breached_at !== null || (dueAt !== null && dueAt <= nowMs) ? "breached" : clockState === "paused" ? "paused" : "running";
    return { kind: r.kind, state, targetMs: r.target_ms, usedMs: r.used_ms, dueAt, warnAt: ms(r.warn_at), metAt: ms(r.met_at), warnedAt: ms(r.warned_at), breachedAt: ms(r.breached_at) };
  });
  return ticketColumnsOf(live, clockState, nowMs);
}

/**
 * The badge columns from the stored targets, without replaying the clock: all the sweep needs
 * after it fired a warning or a breach (deadlines do not move when one fires). The sweep passes
 * the rows it already holds.
 */
export async function refreshSlaColumns(tx: Tx, ticketId: number, held?: { ticket: TicketRow; clockState: ClockState; targets: TargetRow[] }): Promise<void> {
  const t = held?.ticket ?? (await tx.db.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow());
  const clockState = held?.clockState ?? (await tx.db.selectFrom("sla_clocks").select("state").where("ticket_id", "=", ticketId).executeTakeFirst())?.state;
  if (!clockState) return;
  const rows = held?.targets ?? (await tx.db.selectFrom("sla_targets").selectAll().where("ticket_id", "=", ticketId).execute());
  await writeTicketColumns(tx, t, columnsFromTargets(rows, clockState, tx.clock.now().getTime()));
}
