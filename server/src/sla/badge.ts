/**
 * The countdown badge of a list row: read from the SLA columns stored on the ticket, made exact
 * for this instant (a deadline passed since the last sweep already shows as breached), with the
 * business time left counted in the ticket's calendar.
 */
import type { SlaBadge, SlaBadgeState, SlaListFilter, SlaTargetKind } from "@tessera/contracts";
import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Reader } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { loadCalendar } from "./definitions.ts";
import { openTickets } from "../tickets/open.ts";

/** The ticket columns a badge is made from. */
export const SLA_BADGE_COLUMNS = ["sla_state", "sla_kind", "sla_due_at", "sla_warn_at", "sla_remaining_ms", "sla_sort"] as const;

export interface BadgeColumns {
  id: number;
  sla_state: string;
  sla_kind: string | null;
  sla_due_at: string | null;
  sla_warn_at: string | null;
  sla_remaining_ms: number | null;
}

/** Rank of each state in `sort=sla`: breached first, then at risk, then on track. */
export const STATE_RANK: Record<SlaBadgeState, number> = { breached: 0, at_risk: 1, on_track: 2, paused: 3, met: 4, none: 5 };

/** The state at `nowMs` of a ticket whose clock is running toward `due` (warning at `warn`). */
export function runningState(stored: string, dueMs: number | null, warnMs: number | null, nowMs: number): SlaBadgeState {
  if (stored === "breached" || (dueMs !== null && dueMs <= nowMs)) return "breached";
  if (stored === "at_risk" || (warnMs !== null && warnMs <= nowMs)) return "at_risk";
  return "on_track";
}

export function liveState(row: Pick<BadgeColumns, "sla_state" | "sla_due_at" | "sla_warn_at">, nowMs: number): SlaBadgeState {
  const stored = row.sla_state as SlaBadgeState;
  if (stored === "paused" || stored === "met" || stored === "none") return stored;
  return runningState(stored, row.sla_due_at ? Date.parse(row.sla_due_at) : null, row.sla_warn_at ? Date.parse(row.sla_warn_at) : null, nowMs);
}

/** Badges for a page of rows, with one query for the calendars of the running clocks. */
export async function slaBadges(r: Reader, rows: BadgeColumns[], now: Date): Promise<Map<number, SlaBadge>> {
  const nowMs = now.getTime();
  const out = new Map<number, SlaBadge>();
  const running = rows.filter((row) => row.sla_due_at && !["paused", "met", "none"].includes(row.sla_state));
  const calendars = running.length
    ? new Map(
        (
          await r.db
            .selectFrom("sla_clocks")
            .select(["ticket_id", "calendar_id"])
            .where(
              "ticket_id",
              "in",
              running.map((x) => x.id),
            )
            .execute()
        ).map((c) => [c.ticket_id, c.calendar_id]),
      )
    : new Map<number, number | null>();
  for (const row of rows) {
    const state = liveState(row, nowMs);
    let remaining = row.sla_remaining_ms;
    if (row.sla_due_at && state !== "paused" && state !== "met" && state !== "none") {
      const due = Date.parse(row.sla_due_at);
      const calId = calendars.get(row.id);
      const loaded = calId != null ? await loadCalendar(r, calId) : undefined;
      const cal = loaded?.calendar;
      remaining = cal ? (due >= nowMs ? cal.businessMsBetween(nowMs, due) : -cal.businessMsBetween(due, nowMs)) : due - nowMs;
    }
    out.set(row.id, {
      state,
      kind: (row.sla_kind as SlaTargetKind | null) ?? null,
      due_at: state === "paused" ? null : row.sla_due_at,
      remaining_business_seconds: remaining == null ? null : Math.trunc(remaining / 1000),
    });
  }
  return out;
}

type TicketsEb = ExpressionBuilder<Database, "tickets">;

/**
 * The list filter `sla=`: each badge state as of `nowIso` (stored state corrected by the stored
 * deadlines, as liveState does), or `breaching_soon`: open tickets at risk or breached.
 */
export function slaListCondition(filters: SlaListFilter[], nowIso: string) {
  return (eb: TicketsEb): Expression<SqlBool> => {
    const dueNotPassed = eb.or([eb("tickets.sla_due_at", "is", null), eb("tickets.sla_due_at", ">", nowIso)]);
    const counting = eb("tickets.sla_state", "in", ["on_track", "at_risk"]);
    const breached = eb.or([eb("tickets.sla_state", "=", "breached"), eb.and([counting, eb("tickets.sla_due_at", "<=", nowIso)])]);
    const atRisk = eb.or([eb.and([eb("tickets.sla_state", "=", "at_risk"), dueNotPassed]), eb.and([eb("tickets.sla_state", "=", "on_track"), eb("tickets.sla_warn_at", "<=", nowIso), dueNotPassed])]);
    const onTrack = eb.and([eb("tickets.sla_state", "=", "on_track"), eb.or([eb("tickets.sla_warn_at", "is", null), eb("tickets.sla_warn_at", ">", nowIso)]), dueNotPassed]);
    const ors: Expression<SqlBool>[] = [];
    for (const f of new Set(filters)) {
      if (f === "breached") ors.push(breached);
      else if (f === "at_risk") ors.push(atRisk);
      else if (f === "on_track") ors.push(onTrack);
      else if (f === "breaching_soon") ors.push(eb.and([openTickets(), eb.or([breached, atRisk])]));
      else ors.push(eb("tickets.sla_state", "=", f));
    }
    return eb.or(ors);
  };
}
