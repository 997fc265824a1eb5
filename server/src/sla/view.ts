/**
 * A ticket's SLA as people read it: the agent's panel (policy, targets with deadlines, state,
 * business time used and paused time, outcomes) and the requester's expected times. Read-only:
 * figures are replayed for this instant from the stored log; nothing is written.
 */
import type { RequesterSla, SlaOutcome, SlaTarget, SlaTargetKind, StatusCategory, TicketSla } from "@tessera/contracts";
import type { AppContext, Reader } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { slaBadges } from "./badge.ts";
import { CalendarExhausted } from "./calendar.ts";
import { ClockTimeline, evaluateTarget, segmentsOf, type LogEntry, type TargetStatus } from "./clock.ts";
import { type LoadedCalendar, loadCalendar } from "./definitions.ts";
import type { Terms } from "./policies.ts";

type ReadCtx = Reader & Pick<AppContext, "clock">;

const KIND_ORDER: Record<string, number> = { first_response: 0, next_response: 1, resolution: 2 };
const sec = (ms: number) => Math.trunc(ms / 1000);

export async function loadClock(r: Reader, ticketId: number) {
  const [clock, logRows, targets, outcomes] = await Promise.all([
    r.db.selectFrom("sla_clocks").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst(),
    r.db.selectFrom("sla_clock_log").select(["at", "reason"]).where("ticket_id", "=", ticketId).orderBy("id").execute(),
    r.db.selectFrom("sla_targets").selectAll().where("ticket_id", "=", ticketId).execute(),
    r.db.selectFrom("sla_outcomes").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute(),
  ]);
  const terms: Terms | undefined = clock?.policy_id || clock?.policy_name ? JSON.parse(clock.terms) : undefined;
  const calendar: LoadedCalendar | undefined = clock?.calendar_id ? await loadCalendar(r, clock.calendar_id) : undefined;
  const log: LogEntry[] = logRows.map((l) => ({ at: Date.parse(l.at), category: l.reason ?? "open" }));
  const timeline = calendar && terms && log.length ? new ClockTimeline(calendar.calendar, segmentsOf(log, terms.pause_on)) : undefined;
  targets.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.cycle - b.cycle);
  return { clock, terms, calendar, log, timeline, targets, outcomes };
}
export type LoadedClock = Awaited<ReturnType<typeof loadClock>>;

type TargetRow = LoadedClock["targets"][number];

/** A target's standing now, replayed; falls back to what is stored if the calendar has run out. */
export function liveTarget(c: LoadedClock, row: TargetRow, nowMs: number): TargetStatus {
  const stored: TargetStatus = {
    state: row.met_at ? (row.used_ms <= row.target_ms ? "met" : "breached") : row.breached_at ? "breached" : "running",
    usedMs: row.used_ms,
    dueAt: row.due_at ? Date.parse(row.due_at) : null,
    warnAt: row.warn_at ? Date.parse(row.warn_at) : null,
  };
  if (!c.timeline) return stored;
  try {
    const s = evaluateTarget(c.timeline, { startedAt: Date.parse(row.started_at), targetMs: row.target_ms, warnMs: row.warn_ms, metAt: row.met_at ? Date.parse(row.met_at) : null }, nowMs);
    // A breach already fired stays a breach.
    return row.breached_at && s.state !== "met" ? { ...s, state: "breached" } : s;
  } catch (err) {
    if (err instanceof CalendarExhausted) return stored;
    throw err;
  }
}

function outcomeOf(c: LoadedClock, row: TargetRow): SlaOutcome | null {
  if (!row.met_at) return null;
  const o = [...c.outcomes].reverse().find((x) => x.kind === row.kind && x.cycle === row.cycle);
  if (!o) return null;
  return { result: o.met ? "met" : "breached", by_business_seconds: sec(Math.abs(o.margin_ms)), used_business_seconds: sec(o.used_ms), recorded_at: o.recorded_at };
}

export async function agentSla(r: ReadCtx, t: TicketRow): Promise<TicketSla> {
  const now = r.clock.now();
  const nowMs = now.getTime();
  const c = await loadClock(r, t.id);
  const badge = (await slaBadges(r, [t], now)).get(t.id)!;
  const targets: SlaTarget[] = c.targets.map((row) => {
    const s = liveTarget(c, row, nowMs);
    return {
      kind: row.kind as SlaTargetKind,
      cycle: row.cycle,
      target_minutes: Math.round(row.target_ms / 60_000),
      state: s.state,
      started_at: row.started_at,
      due_at: s.dueAt === null ? null : new Date(s.dueAt).toISOString(),
      warn_at: s.warnAt === null ? null : new Date(s.warnAt).toISOString(),
      met_at: row.met_at,
      warned_at: row.warned_at,
      breached_at: row.breached_at,
      used_business_seconds: sec(s.usedMs),
      remaining_business_seconds: sec(row.target_ms - s.usedMs),
      outcome: outcomeOf(c, row),
    };
  });
  const state = c.clock && c.terms ? c.clock.state : "none";
  const paused = c.timeline ? c.timeline.pausedAt(nowMs) : { wall: 0, business: 0 };
  // A pause that has only just begun has no paused time yet, but it is a pause all the same.
  const segments = c.timeline?.segments.filter((s) => s.from <= nowMs) ?? [];
  const pauses = segments.filter((s, i) => s.state === "paused" && segments[i - 1]?.state !== "paused").length;
  return {
    audience: "agent",
    ticket_id: t.id,
    policy: c.clock?.policy_name ? { id: c.clock.policy_id, name: c.clock.policy_name } : null,
    calendar: c.calendar ? { id: c.calendar.record.id, name: c.calendar.record.name, time_zone: c.calendar.record.time_zone } : null,
    priority: (c.terms?.priority ?? t.priority) as TicketSla["priority"],
    clock: {
      state,
      since: state === "none" ? null : (c.clock?.since ?? null),
      pause_reason: state === "paused" || state === "stopped" ? ((c.clock?.reason ?? null) as StatusCategory | null) : null,
      used_business_seconds: sec(c.timeline ? c.timeline.usedAt(nowMs) : 0),
      paused_seconds: sec(paused.wall),
      paused_business_seconds: sec(paused.business),
      pauses,
    },
    badge,
    targets,
    outcomes: c.outcomes.map((o) => ({
      kind: o.kind as SlaTargetKind,
      cycle: o.cycle,
      policy_name: o.policy_name,
      priority: o.priority as TicketSla["priority"],
      target_minutes: Math.round(o.target_ms / 60_000),
      result: o.met ? "met" : "breached",
      by_business_seconds: sec(Math.abs(o.margin_ms)),
      used_business_seconds: sec(o.used_ms),
      recorded_at: o.recorded_at,
    })),
  };
}

/**
 * What the requester is promised: when to expect the first answer and the resolution. While the
 * clock is paused (waiting for them) there is no expected time; nothing internal is shown.
 */
export async function requesterSla(r: ReadCtx, t: TicketRow): Promise<RequesterSla> {
  const c = await loadClock(r, t.id);
  const nowMs = r.clock.now().getTime();
  const expect = (kind: SlaTargetKind) => {
    const row = c.targets.find((x) => x.kind === kind && x.cycle === 1);
    if (!row) return null;
    if (row.met_at) return { expected_at: null, done_at: row.met_at };
    const s = liveTarget(c, row, nowMs);
    const running = c.clock?.state === "running";
    return { expected_at: running && s.dueAt !== null ? new Date(s.dueAt).toISOString() : null, done_at: null };
  };
  return { audience: "requester", ticket_id: t.id, first_response: expect("first_response"), resolution: expect("resolution") };
}

/** For acknowledgements (mail, portal): the expected first answer and resolution of a ticket. */
export async function requesterExpectations(r: ReadCtx, ticketId: number) {
  const t = await r.db.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow();
  const s = await requesterSla(r, t);
  return { first_response_at: s.first_response?.expected_at ?? null, resolution_at: s.resolution?.expected_at ?? null };
}
