/** The clock replayed from a ticket's status history: pauses, stops, reopening, and its invariants. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Weekday } from "@tessera/contracts";
import { BusinessCalendar } from "../src/sla/calendar.ts";
import { ClockTimeline, evaluateTarget, segmentsOf, warnMsOf, type LogEntry } from "../src/sla/clock.ts";

const H = 3_600_000;
const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const PAUSE = ["awaiting_requester", "awaiting_third_party"];

const office = new BusinessCalendar({
  time_zone: "Europe/Paris",
  hours: (["mon", "tue", "wed", "thu", "fri"] as Weekday[]).map((day) => ({ day, start: "09:00", end: "17:00", overnight: false })),
  holidays: [],
});
const always = new BusinessCalendar({
  time_zone: "UTC",
  hours: (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as Weekday[]).map((day) => ({ day, start: "00:00", end: "24:00", overnight: false })),
  holidays: [],
});

const timeline = (cal: BusinessCalendar, log: LogEntry[], pauseOn = PAUSE) => new ClockTimeline(cal, segmentsOf(log, pauseOn));

describe("the clock", () => {
  it("pauses over a weekend while waiting for the requester and carries on from where it stopped", () => {
    // Friday 15 January 2027, 16:00 Paris (15:00Z): opened; 16:30 waiting for the requester; Monday 10:00 the requester answers.
    const log: LogEntry[] = [
      { at: at("2027-01-15T15:00:00Z"), category: "new" },
      { at: at("2027-01-15T15:30:00Z"), category: "awaiting_requester" },
      { at: at("2027-01-18T09:00:00Z"), category: "open" },
    ];
    const tl = timeline(office, log);
    const spec = { startedAt: log[0].at, targetMs: 2 * H, warnMs: warnMsOf(2 * H, 75), metAt: null };
    const s = evaluateTarget(tl, spec, at("2027-01-18T09:30:00Z"));
    // 30 minutes on Friday, then 1 h 30 min from Monday 10:00: due Monday 11:30 Paris.
    expect(iso(s.dueAt)).toBe("2027-01-18T10:30:00.000Z");
    expect(s.usedMs).toBe(60 * MIN);
    expect(s.state).toBe("running");
    // Paused from Friday 16:30 to Monday 10:00 Paris: 65 h 30 min of wall time, of which 1 h 30 min
    // was business time (Friday until 17:00, Monday from 09:00).
    expect(tl.pausedAt(at("2027-01-18T12:00:00Z"))).toEqual({ wall: 65.5 * H, business: 90 * MIN });
  });

  it("has no due time while paused, and says how much is left", () => {
    const log: LogEntry[] = [
      { at: at("2027-01-15T15:00:00Z"), category: "new" },
      { at: at("2027-01-15T15:30:00Z"), category: "awaiting_third_party" },
    ];
    const s = evaluateTarget(timeline(office, log), { startedAt: log[0].at, targetMs: 2 * H, warnMs: 90 * MIN, metAt: null }, at("2027-01-20T12:00:00Z"));
    expect(s).toEqual({ state: "paused", usedMs: 30 * MIN, dueAt: null, warnAt: null });
  });

  it("does not pause on a status the policy does not pause on", () => {
    const log: LogEntry[] = [
      { at: at("2027-01-11T09:00:00Z"), category: "new" },
      { at: at("2027-01-11T10:00:00Z"), category: "awaiting_third_party" },
    ];
    const s = evaluateTarget(timeline(always, log, ["awaiting_requester"]), { startedAt: log[0].at, targetMs: 4 * H, warnMs: 3 * H, metAt: null }, at("2027-01-11T11:00:00Z"));
    expect(s.state).toBe("running");
    expect(iso(s.dueAt)).toBe("2027-01-11T13:00:00.000Z");
  });

  it("resumes a resolution target on reopening, with the time used before it was resolved", () => {
    // 24×7: 3 h open, resolved for 2 days, reopened: a 5 h target has 2 h left from the reopening.
    const log: LogEntry[] = [
      { at: at("2027-01-11T08:00:00Z"), category: "new" },
      { at: at("2027-01-11T11:00:00Z"), category: "resolved" },
      { at: at("2027-01-12T11:00:00Z"), category: "closed" },
      { at: at("2027-01-13T11:00:00Z"), category: "open" },
    ];
    const tl = timeline(always, log);
    const s = evaluateTarget(tl, { startedAt: log[0].at, targetMs: 5 * H, warnMs: 4 * H, metAt: null }, at("2027-01-13T12:00:00Z"));
    expect(s.usedMs).toBe(4 * H);
    expect(iso(s.dueAt)).toBe("2027-01-13T13:00:00.000Z");
    expect(iso(s.warnAt)).toBe("2027-01-13T12:00:00.000Z");
    expect(s.state).toBe("running");
    // Resolved and closed are the same stopped stretch.
    expect(tl.segments.map((x) => x.state)).toEqual(["running", "stopped", "running"]);
  });

  it("reports a target met late as breached, and one met in time as met", () => {
    const log: LogEntry[] = [{ at: at("2027-01-11T08:00:00Z"), category: "new" }];
    const tl = timeline(always, log);
    expect(evaluateTarget(tl, { startedAt: log[0].at, targetMs: H, warnMs: 45 * MIN, metAt: at("2027-01-11T09:00:00Z") }, at("2027-01-12T00:00:00Z")).state).toBe("met");
    expect(evaluateTarget(tl, { startedAt: log[0].at, targetMs: H, warnMs: 45 * MIN, metAt: at("2027-01-11T09:00:01Z") }, at("2027-01-12T00:00:00Z")).state).toBe("breached");
    expect(evaluateTarget(tl, { startedAt: log[0].at, targetMs: H, warnMs: 45 * MIN, metAt: null }, at("2027-01-11T09:00:00Z")).state).toBe("breached");
  });

  it("keeps a deadline that passed before a pause, so a breach while paused still counts", () => {
    const log: LogEntry[] = [
      { at: at("2027-01-11T08:00:00Z"), category: "new" },
      { at: at("2027-01-11T10:00:00Z"), category: "awaiting_requester" },
    ];
    const s = evaluateTarget(timeline(always, log), { startedAt: log[0].at, targetMs: H, warnMs: 45 * MIN, metAt: null }, at("2027-01-11T12:00:00Z"));
    expect(s.state).toBe("breached");
    expect(iso(s.dueAt)).toBe("2027-01-11T09:00:00.000Z");
  });
});

// ---- properties ------------------------------------------------------------------------------

const CATEGORIES = ["new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "closed"];
const base = Date.parse("2027-01-04T06:00:00Z");
const logArb = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3 * 86_400_000 }), category: fc.constantFrom(...CATEGORIES) }), { minLength: 1, maxLength: 12 }).map((steps) => {
  let t = base;
  return steps.map((s, i) => {
    t += i === 0 ? 0 : s.gap;
    return { at: t, category: i === 0 ? "new" : s.category };
  });
});
const cals = [
  office,
  always,
  new BusinessCalendar({
    time_zone: "America/New_York",
    hours: [
      { day: "sat", start: "20:00", end: "04:00", overnight: true },
      { day: "wed", start: "08:00", end: "12:00", overnight: false },
    ],
    holidays: [{ name: "x", date: "2027-01-13", yearly: false }],
  }),
];

describe("properties of the clock", () => {
  it("business time used never decreases", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cals), logArb, fc.array(fc.integer({ min: 0, max: 40 * 86_400_000 }), { minLength: 2, maxLength: 10 }), (cal, log, offsets) => {
        const tl = timeline(cal, log);
        let prev = 0;
        for (const o of [...offsets].sort((a, b) => a - b)) {
          const used = tl.usedAt(base + o);
          expect(used).toBeGreaterThanOrEqual(prev);
          prev = used;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a deadline is never before the target's start", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cals), logArb, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 40 * 86_400_000 }), (cal, log, minutes, startOffset) => {
        const tl = timeline(cal, log);
        const startedAt = base + Math.min(startOffset, log[log.length - 1].at - base);
        const s = evaluateTarget(tl, { startedAt, targetMs: minutes * MIN, warnMs: warnMsOf(minutes * MIN, 75), metAt: null }, base + 50 * 86_400_000);
        if (s.dueAt !== null) expect(s.dueAt).toBeGreaterThanOrEqual(startedAt);
        if (s.warnAt !== null) expect(s.warnAt).toBeGreaterThanOrEqual(startedAt);
        if (s.warnAt !== null && s.dueAt !== null) expect(s.warnAt).toBeLessThanOrEqual(s.dueAt);
      }),
      { numRuns: 150 },
    );
  });

  it("pausing and resuming at the same instant changes nothing", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cals), logArb, fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.constantFrom(...PAUSE), fc.integer({ min: 1, max: 5000 }), (cal, log, offset, pause, minutes) => {
        const t = base + offset;
        const i = log.findIndex((e) => e.at > t);
        const cut = i === -1 ? log.length : i;
        const before = log[cut - 1];
        // Pause and come back to the category the ticket was in, at the same instant.
        const withBlip = [...log.slice(0, cut), { at: t, category: pause }, { at: t, category: before.category }, ...log.slice(cut)];
        const plain = timeline(cal, log);
        const blip = timeline(cal, withBlip);
        expect(blip.segments).toEqual(plain.segments);
        const probe = base + 45 * 86_400_000;
        expect(blip.usedAt(probe)).toBe(plain.usedAt(probe));
        const spec = { startedAt: base, targetMs: minutes * MIN, warnMs: warnMsOf(minutes * MIN, 75), metAt: null };
        expect(evaluateTarget(blip, spec, probe)).toEqual(evaluateTarget(plain, spec, probe));
      }),
      { numRuns: 150 },
    );
  });
});
