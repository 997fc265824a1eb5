/**
 * "Explain this SLA": the clock's life as stretches (counting, outside business hours, holidays,
 * paused and why, stopped) and how each deadline follows from it, each with a sentence an agent
 * can read to a requester. Built from the same replay that computed the stored deadlines.
 */
import type { SlaExplain, SlaTargetKind, SlaTimelineEntry } from "@tessera/contracts";
import type { AppContext, Reader } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { type BusinessCalendar, formatDuration } from "./calendar.ts";
import { liveTarget, loadClock } from "./view.ts";

type ReadCtx = Reader & Pick<AppContext, "clock">;

/** The newest stretches are kept when a long-lived ticket has more than this many. */
const MAX_ENTRIES = 500;

const KIND_WORDS: Record<SlaTargetKind, string> = { first_response: "First response", next_response: "Next response", resolution: "Resolution" };
const WHY: Record<string, string> = {
  awaiting_requester: "waiting for the requester",
  awaiting_third_party: "waiting for a third party",
  awaiting_approval: "waiting for an approval",
  resolved: "resolved",
  closed: "closed",
  cancelled: "cancelled",
};
const SLA_ACTIONS = ["sla_policy_changed", "sla_terms_changed", "sla_recomputed", "sla_warning", "sla_breached", "sla_escalated", "sla_outcome"];

const sec = (ms: number) => Math.trunc(ms / 1000);
/** A sentence may start with a duration ("under a minute of business time used so far"). */
const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const biz = (ms: number) => `${formatDuration(ms)} of business time`;
const wall = (ms: number) => formatDuration(ms, { days: true });

type Entry = Omit<SlaTimelineEntry, "from" | "to" | "sentence"> & { from: number; to: number; open: boolean };

/** Non-working time between two instants, cut at local midnights into holidays and plain closed hours. */
function gapsBetween(cal: BusinessCalendar, from: number, to: number): Entry[] {
  const cuts = [from, ...cal.midnightsBetween(from, to), to];
  const out: Entry[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const { date, weekday } = cal.localDate(cuts[i]);
    const holiday = cal.holidayOn(date);
    const kind = holiday && cal.worksOn(weekday) ? "holiday" : "outside_hours";
    const reason = kind === "holiday" ? holiday!.name : null;
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.reason === reason) last.to = cuts[i + 1];
    else out.push({ kind, from: cuts[i], to: cuts[i + 1], reason, business_seconds: 0, open: false });
  }
  return out;
}

function sentenceOf(cal: BusinessCalendar, e: Entry): string {
  const from = cal.formatLocal(e.from);
  const until = e.open ? "until now" : `to ${cal.formatLocal(e.to)}`;
  switch (e.kind) {
    case "counting":
      return `Counting from ${from} ${until}: ${biz(e.business_seconds * 1000)}.`;
    case "outside_hours":
      return `Outside business hours from ${from} ${until}: not counted.`;
    case "holiday":
      return `Holiday (${e.reason}) from ${from} ${until}: not counted.`;
    case "paused":
      return `Paused from ${from} ${until} (${wall(e.to - e.from)}) while ${WHY[e.reason ?? ""] ?? e.reason}: not counted.`;
    case "stopped":
      return `Stopped at ${from}: the ticket was ${WHY[e.reason ?? ""] ?? e.reason}.`;
    default:
      return `Not started before ${from}.`;
  }
}

export async function explainSla(r: ReadCtx, t: TicketRow): Promise<SlaExplain> {
  const nowMs = r.clock.now().getTime();
  const c = await loadClock(r, t.id);
  const events = await r.db
    .selectFrom("ticket_events")
    .select(["action", "via", "created_at", "old_value", "new_value"])
    .where("ticket_id", "=", t.id)
    .where("action", "in", SLA_ACTIONS)
    .orderBy("id")
    .execute();
  const calRef = c.calendar ? { id: c.calendar.record.id, name: c.calendar.record.name, time_zone: c.calendar.record.time_zone } : null;
  const policy = c.clock?.policy_name ? { id: c.clock.policy_id, name: c.clock.policy_name } : null;
  const changes = events.map((e) => ({ at: e.created_at, action: e.action, via: e.via, sentence: changeSentence(e.action, e.old_value, e.new_value) }));
  if (!c.timeline || !c.calendar || !c.terms) {
    return { ticket_id: t.id, policy: null, calendar: null, summary: "No SLA policy applies to this ticket, so it has no deadlines.", timeline: [], truncated: false, deadlines: [], changes };
  }
  const cal = c.calendar.calendar;
  const tl = c.timeline;

  const entries: Entry[] = [];
  for (const seg of tl.segments) {
    const end = seg.to ?? nowMs;
    const open = seg.to === null;
    if (seg.state === "paused") entries.push({ kind: "paused", from: seg.from, to: end, reason: seg.category, business_seconds: 0, open });
    else if (seg.state === "stopped") entries.push({ kind: "stopped", from: seg.from, to: end, reason: seg.category, business_seconds: 0, open });
    else {
      let cursor = seg.from;
      for (const iv of cal.intervalsFrom(seg.from, end)) {
        if (iv.start >= end) break;
        const to = Math.min(iv.end, end);
        if (iv.start > cursor) entries.push(...gapsBetween(cal, cursor, iv.start));
        entries.push({ kind: "counting", from: iv.start, to, reason: null, business_seconds: sec(to - iv.start), open: open && to === end });
        cursor = to;
      }
      if (cursor < end) entries.push(...gapsBetween(cal, cursor, end).map((g) => ({ ...g, open: open && g.to === end })));
    }
  }
  const truncated = entries.length > MAX_ENTRIES;
  const kept = truncated ? entries.slice(-MAX_ENTRIES) : entries;
  const timeline: SlaTimelineEntry[] = kept.map((e) => ({
    kind: e.kind,
    from: new Date(e.from).toISOString(),
    to: e.open ? null : new Date(e.to).toISOString(),
    reason: e.reason,
    business_seconds: e.business_seconds,
    sentence: sentenceOf(cal, e),
  }));

  const deadlines = c.targets.map((row) => {
    const s = liveTarget(c, row, nowMs);
    const started = Date.parse(row.started_at);
    const end = row.met_at ? Date.parse(row.met_at) : nowMs;
    const pausedMs = tl.pausedAt(end).wall - tl.pausedAt(started).wall;
    const kind = row.kind as SlaTargetKind;
    const head = `${KIND_WORDS[kind]}${kind === "next_response" ? ` (message ${row.cycle})` : ""}: ${biz(row.target_ms)} from ${cal.formatLocal(started)}, counted only in the business hours of "${c.calendar!.record.name}"`;
    const pausedWords = pausedMs > 0 ? `; the clock was paused for ${wall(pausedMs)}, which does not count` : "";
    let tail: string;
    if (row.met_at) {
      const margin = row.target_ms - s.usedMs;
      tail =
        margin >= 0
          ? `. Met at ${cal.formatLocal(end)} after ${biz(s.usedMs)}, ${formatDuration(margin)} within the target.`
          : `. Met at ${cal.formatLocal(end)} after ${biz(s.usedMs)}, ${formatDuration(-margin)} late.`;
    } else if (s.state === "breached") {
      tail = `. It was due at ${s.dueAt ? cal.formatLocal(s.dueAt) : "an earlier time"}; ${biz(s.usedMs - row.target_ms)} overdue so far.`;
    } else if (s.state === "paused") {
      tail = `. ${upper(biz(s.usedMs))} used so far; ${formatDuration(row.target_ms - s.usedMs)} will remain when the clock resumes, so there is no due time while it is paused.`;
    } else if (s.state === "stopped") {
      tail = `. The ticket was ${WHY[c.clock?.reason ?? ""] ?? "stopped"} before this was met; ${biz(s.usedMs)} had been used.`;
    } else {
      tail = `. ${upper(biz(s.usedMs))} used so far, ${formatDuration(row.target_ms - s.usedMs)} left: due at ${s.dueAt ? cal.formatLocal(s.dueAt) : "(no working time left in the calendar)"}.`;
    }
    return {
      kind,
      cycle: row.cycle,
      target_minutes: Math.round(row.target_ms / 60_000),
      started_at: row.started_at,
      due_at: s.dueAt === null ? null : new Date(s.dueAt).toISOString(),
      state: s.state,
      used_business_seconds: sec(s.usedMs),
      paused_seconds: sec(pausedMs),
      sentence: `${head}${pausedWords}${tail}`,
    };
  });

  const cur = tl.current;
  const state = !cur
    ? "has not started"
    : cur.state === "running"
      ? "is running"
      : cur.state === "paused"
        ? `is paused (${WHY[cur.category] ?? cur.category})`
        : `has stopped (${WHY[cur.category] ?? cur.category})`;
  const paused = tl.pausedAt(nowMs);
  const summary =
    `This ticket is timed by the policy "${c.terms.policy_name}" for ${c.terms.priority}, in the calendar "${c.calendar.record.name}" (${c.calendar.record.time_zone}). ` +
    `The clock ${state}; ${biz(tl.usedAt(nowMs))} used` +
    pauseWords(cur?.state === "paused", paused.wall);
  return { ticket_id: t.id, policy, calendar: calRef, summary, timeline, truncated, deadlines, changes };
}

/** The pause history for the summary; a pause that began this very moment is still a pause. */
function pauseWords(pausedNow: boolean, pausedMs: number): string {
  if (pausedNow) return pausedMs ? `, paused for ${wall(pausedMs)} so far.` : ", paused from this moment.";
  return pausedMs ? `, paused for ${wall(pausedMs)} in all.` : ", never paused.";
}

function changeSentence(action: string, oldRaw: string | null, newRaw: string | null): string {
  const o = oldRaw ? JSON.parse(oldRaw) : null;
  const n = newRaw ? JSON.parse(newRaw) : null;
  const kind = (k: string) => (KIND_WORDS[k as SlaTargetKind] ?? k).toLowerCase();
  switch (action) {
    case "sla_policy_changed":
      if (!o && n) return `The policy "${n.name}" applies (${n.priority}).`;
      if (o && !n) return `The policy "${o.name}" no longer applies; no other policy matches.`;
      return `The policy changed from "${o?.name}" to "${n?.name}" (${n?.priority}).`;
    case "sla_terms_changed":
      return `The targets changed with the priority, from ${o?.priority} to ${n?.priority}.`;
    case "sla_recomputed":
      return `An admin recomputed the deadlines${n?.policy ? ` under "${n.policy}"` : ""}.`;
    case "sla_warning":
      return `Warning: the ${kind(n?.kind)} target is nearly used up.`;
    case "sla_breached":
      return `The ${kind(n?.kind)} target was breached${n?.met_late ? " (it was met late)" : ""}.`;
    case "sla_escalated":
      return n?.skipped ? `Escalation "${n.action}" at ${n.level} skipped: ${n.skipped}.` : `Escalation at ${n?.level}: ${String(n?.action).replaceAll("_", " ")}.`;
    case "sla_outcome":
      return `The ${kind(n?.kind)} target was ${n?.result === "met" ? "met" : "missed"} (${formatDuration((n?.by_business_seconds ?? 0) * 1000)} ${n?.result === "met" ? "to spare" : "late"}).`;
    default:
      return action;
  }
}
