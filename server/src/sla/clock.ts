/**
 * The SLA clock as pure arithmetic. A ticket's clock log records each status category it entered
 * and when; a policy says which categories pause the clock; a calendar says which time counts.
 * Replaying the log gives the business time used at any instant, and from that every deadline:
 * the instant at which a target's share of business time will have been used.
 *
 * Nothing here reads the database or the clock: sync.ts feeds it rows, the explain view and the
 * tests feed it the same way, so what is stored, shown and tested is one computation.
 */
import type { SlaTargetState } from "@tessera/contracts";
import type { BusinessCalendar } from "./calendar.ts";

export interface LogEntry {
  at: number;
  /** The status category the ticket entered at `at`. */
  category: string;
}

export type SegmentState = "running" | "paused" | "stopped";

/** A stretch of the clock in one state; `to` is null for the current one. */
export interface Segment {
  from: number;
  to: number | null;
  state: SegmentState;
  /** The status category behind the state. */
  category: string;
}

const DONE = new Set(["resolved", "closed", "cancelled"]);

export function stateOfCategory(category: string, pauseOn: readonly string[]): SegmentState {
  if (DONE.has(category)) return "stopped";
  if (pauseOn.includes(category)) return "paused";
  return "running";
}

/**
 * Segments of a log under a policy's pause rules. Entries that do not change the state are
 * joined into the segment before them (a pause keeps its own reason); a stretch left at the
 * instant it was entered counts for nothing and is dropped.
 */
export function segmentsOf(log: readonly LogEntry[], pauseOn: readonly string[]): Segment[] {
  const out: Segment[] = [];
  const same = (s: Segment, state: SegmentState, category: string) => s.state === state && (state !== "paused" || s.category === category);
  for (const e of log) {
    const state = stateOfCategory(e.category, pauseOn);
    const last = out[out.length - 1];
    if (last) {
      if (e.at < last.from) throw new Error("clock log out of order");
      if (same(last, state, e.category)) continue;
      last.to = e.at;
      if (last.to === last.from) out.pop();
    }
    const prev = out[out.length - 1];
    if (prev && same(prev, state, e.category)) prev.to = null;
    else out.push({ from: e.at, to: null, state, category: e.category });
  }
  return out;
}

/** A replayed clock: business time used up to any instant, and the instant a given use is reached. */
export class ClockTimeline {
  /** Business time used at the start of each segment. */
  private readonly usedAtStart: number[] = [];
  private readonly pausedAtStart: number[] = [];
  private readonly pausedBusinessAtStart: number[] = [];

  constructor(
    readonly calendar: BusinessCalendar,
    readonly segments: readonly Segment[],
  ) {
    let used = 0;
    let paused = 0;
    let pausedBusiness = 0;
    for (const s of segments) {
      this.usedAtStart.push(used);
      this.pausedAtStart.push(paused);
      this.pausedBusinessAtStart.push(pausedBusiness);
      if (s.to === null) break;
      if (s.state === "running") used += calendar.businessMsBetween(s.from, s.to);
      if (s.state === "paused") {
        paused += s.to - s.from;
        pausedBusiness += calendar.businessMsBetween(s.from, s.to);
      }
    }
  }

  get started(): boolean {
    return this.segments.length > 0;
  }

  get current(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** Index of the segment holding instant t (the last one starting at or before t), or -1. */
  private indexAt(t: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid].from <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Business time counted from the start up to instant t. */
  usedAt(t: number): number {
    const i = this.indexAt(t);
    if (i < 0) return 0;
    const s = this.segments[i];
    const end = s.to === null ? t : Math.min(s.to, t);
    return this.usedAtStart[i] + (s.state === "running" ? this.calendar.businessMsBetween(s.from, end) : 0);
  }

  /** Wall-clock time spent paused up to t, and the business time within it. */
  pausedAt(t: number): { wall: number; business: number } {
    const i = this.indexAt(t);
    if (i < 0) return { wall: 0, business: 0 };
    const s = this.segments[i];
    const end = s.to === null ? t : Math.min(s.to, t);
    if (s.state !== "paused") return { wall: this.pausedAtStart[i], business: this.pausedBusinessAtStart[i] };
    return { wall: this.pausedAtStart[i] + Math.max(0, end - s.from), business: this.pausedBusinessAtStart[i] + this.calendar.businessMsBetween(s.from, end) };
  }

  /**
   * The instant at which the business time used reaches `used`: in the past, in the future if
   * the clock is running now, or null when it is paused or stopped before reaching it.
   */
  instantWhenUsed(used: number): number | null {
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (s.state !== "running") continue;
      const left = used - this.usedAtStart[i];
      if (left < 0) continue;
      if (s.to === null) return this.calendar.addBusinessMs(s.from, left);
      const span = this.calendar.businessMsBetween(s.from, s.to);
      if (left <= span) return this.calendar.addBusinessMs(s.from, left);
    }
    return null;
  }
}

export interface TargetSpec {
  startedAt: number;
  targetMs: number;
  warnMs: number;
  /** When the target was met, if it was. */
  metAt: number | null;
}

export interface TargetStatus {
  state: SlaTargetState;
  /** Business time used by this target up to its end or `now`. */
  usedMs: number;
  dueAt: number | null;
  warnAt: number | null;
}

/** Where one target stands at `now`. */
export function evaluateTarget(tl: ClockTimeline, spec: TargetSpec, now: number): TargetStatus {
  const base = tl.usedAt(spec.startedAt);
  const end = spec.metAt ?? now;
  const usedMs = Math.max(0, tl.usedAt(end) - base);
  const dueAt = tl.instantWhenUsed(base + spec.targetMs);
  const warnAt = tl.instantWhenUsed(base + spec.warnMs);
  let state: SlaTargetState;
  if (spec.metAt !== null) state = usedMs <= spec.targetMs ? "met" : "breached";
  else if (usedMs >= spec.targetMs && dueAt !== null && dueAt <= now) state = "breached";
  else {
    const seg = tl.current;
    state = !seg || seg.state === "running" ? "running" : seg.state === "paused" ? "paused" : "stopped";
  }
  return { state, usedMs, dueAt, warnAt };
}

/** The warning threshold of a target: the policy's share of it, in whole milliseconds. */
export const warnMsOf = (targetMs: number, warnPercent: number) => Math.floor((targetMs * warnPercent) / 100);
