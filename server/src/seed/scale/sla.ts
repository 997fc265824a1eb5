/**
 * A seeded ticket's SLA rows, computed as the SLA clock (sla/sync.ts) would have left them had
 * the ticket lived through its history with the seed's policy: the clock log, the clock, each
 * target with its warning and breach as the sweep marked them when they fell due, the outcome of
 * each target met, their events, and the badge columns on the ticket as of the seed's "now".
 * Warnings and breaches still ahead are left for the sweep, exactly as for a live ticket.
 */
import type { SlaTargetKind } from "@tessera/contracts";
import { ClockTimeline, evaluateTarget, segmentsOf, warnMsOf, type LogEntry } from "../../sla/clock.ts";
import { factsOf, termsOf, type MatchFacts, type Terms } from "../../sla/policies.ts";
import { slaVia, ticketColumnsOf, type LiveTarget, type TicketSlaColumns } from "../../sla/sync.ts";
import type { Desk } from "./desk.ts";
import { SLA_CLOCKS, SLA_CLOCK_LOG, SLA_OUTCOMES, SLA_TARGETS, type Batch } from "./tables.ts";

export interface SlaIds {
  clockLog: number;
  outcome: number;
}

/** An event for the ticket's timeline: when, who, via, action, field, old, new. */
export type PendingEvent = [at: number, actor: number | null, via: string, action: string, field: string | null, old: unknown, next: unknown];

export interface SlaHistory {
  ticketId: number;
  facts: MatchFacts;
  /** Each status category the ticket entered, in order. */
  log: LogEntry[];
  firstResponseAt: number | null;
  /** Only for a ticket resolved or closed now (a cancelled ticket's resolution is not owed). */
  resolvedAt: number | null;
}

const MINUTE = 60_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const termsCache = new WeakMap<Desk, Map<string, Terms>>();
function termsFor(desk: Desk, priority: string): Terms {
  let byPriority = termsCache.get(desk);
  if (!byPriority) termsCache.set(desk, (byPriority = new Map()));
  let t = byPriority.get(priority);
  if (!t) byPriority.set(priority, (t = termsOf(desk.policy, priority)));
  return t;
}

/** The policy the clock applied when the ticket was created, as its first SLA event says. */
export function policyAppliedEvent(desk: Desk, priority: string): unknown {
  const terms = termsFor(desk, priority);
  return { id: terms.policy_id, name: terms.policy_name, priority: terms.priority, targets: terms.targets };
}

export function writeSla(desk: Desk, h: SlaHistory, ids: SlaIds, batch: Batch, events: PendingEvent[]): TicketSlaColumns {
  const terms = termsFor(desk, h.facts.priority);
  const now = desk.now;
  const via = slaVia(terms.policy_name);
  const logRows = batch.get(SLA_CLOCK_LOG.name)!;
  h.log.forEach((e, i) => logRows.push(ids.clockLog++, h.ticketId, iso(e.at), i === 0 ? "start" : "status", e.category));

  const timeline = new ClockTimeline(desk.calendar, segmentsOf(h.log, terms.pause_on));
  const started = h.log[0].at;
  const live: LiveTarget[] = [];
  const want = (kind: SlaTargetKind, metAt: number | null) => {
    const minutes = terms.targets[kind];
    if (minutes == null) return;
    const targetMs = minutes * MINUTE;
    const warnMs = warnMsOf(targetMs, terms.warn_percent);
    const s = evaluateTarget(timeline, { startedAt: started, targetMs, warnMs, metAt }, now);
    const before = (at: number | null): at is number => at !== null && at <= now && (metAt === null || at < metAt);
    const warnedAt = before(s.warnAt) ? s.warnAt : null;
    const breachedAt = before(s.dueAt) ? s.dueAt : null;
    const fired = { kind, cycle: 1, due_at: iso(s.dueAt), target_minutes: minutes };
    if (warnedAt !== null) events.push([warnedAt, null, via, "sla_warning", kind, null, fired]);
    if (breachedAt !== null) events.push([breachedAt, null, via, "sla_breached", kind, null, fired]);
    batch.get(SLA_TARGETS.name)!.push(h.ticketId, kind, 1, iso(started), targetMs, warnMs, iso(s.dueAt), iso(s.warnAt), iso(metAt), s.usedMs, iso(warnedAt), iso(breachedAt));
    if (metAt !== null) {
      const met = s.usedMs <= targetMs;
      batch
        .get(SLA_OUTCOMES.name)!
        .push(ids.outcome++, h.ticketId, kind, 1, terms.policy_id, terms.policy_name, terms.priority, targetMs, s.usedMs, met ? 1 : 0, targetMs - s.usedMs, iso(started), iso(metAt), iso(metAt));
      events.push([
        metAt,
        null,
        via,
        "sla_outcome",
        kind,
        null,
        {
          kind,
          cycle: 1,
          result: met ? "met" : "breached",
          target_minutes: minutes,
          used_business_seconds: Math.round(s.usedMs / 1000),
          by_business_seconds: Math.round(Math.abs(targetMs - s.usedMs) / 1000),
        },
      ]);
    }
    live.push({ kind, state: s.state, targetMs, usedMs: s.usedMs, dueAt: s.dueAt, warnAt: s.warnAt, metAt, warnedAt, breachedAt });
  };
  // Resolving answers the requester too: a first response still owed is met by the resolution.
  want("first_response", h.firstResponseAt ?? h.resolvedAt);
  want("resolution", h.resolvedAt);

  const seg = timeline.current!;
  const paused = timeline.pausedAt(seg.from);
  const lastChange = h.log[h.log.length - 1].at;
  batch
    .get(SLA_CLOCKS.name)!
    .push(
      h.ticketId,
      terms.policy_id,
      terms.policy_name,
      terms.calendar_id,
      terms.priority,
      JSON.stringify(factsOf(h.facts)),
      JSON.stringify(terms),
      seg.state,
      iso(seg.from),
      seg.category,
      timeline.usedAt(seg.from),
      paused.wall,
      paused.business,
      iso(lastChange),
    );
  return ticketColumnsOf(live, seg.state, now);
}
