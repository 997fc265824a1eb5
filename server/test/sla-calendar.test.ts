/** Business-time arithmetic: time zones and DST, holidays, overnight shifts, and calendars that run out. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Holiday, Shift, Weekday } from "@tessera/contracts";
import { BusinessCalendar, CalendarDefinitionError, CalendarExhausted, validateCalendar } from "../src/sla/calendar.ts";

const H = 3_600_000;
const MIN = 60_000;
const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function officeHours(zone: string, holidays: Holiday[] = [], start = "09:00", end = "17:00"): BusinessCalendar {
  return new BusinessCalendar({ time_zone: zone, hours: WEEKDAYS.map((day) => ({ day, start, end, overnight: false })), holidays });
}

describe("daylight saving time", () => {
  it("counts the hour that does not exist on the spring-forward night as no time at all", () => {
    // Europe/Paris jumps from 02:00 to 03:00 on Sunday 28 March 2027: a 01:00–04:00 shift lasts two hours.
    const cal = new BusinessCalendar({ time_zone: "Europe/Paris", hours: [{ day: "sun", start: "01:00", end: "04:00", overnight: false }], holidays: [] });
    expect(cal.businessMsBetween(at("2027-03-27T12:00:00Z"), at("2027-03-28T12:00:00Z"))).toBe(2 * H);
    // Starting at 01:00 CET (00:00Z), 90 minutes of work end at 03:30 CEST (01:30Z).
    expect(iso(cal.addBusinessMs(at("2027-03-28T00:00:00Z"), 90 * MIN))).toBe("2027-03-28T01:30:00.000Z");
  });

  it("counts the repeated hour of the fall-back night twice", () => {
    // On Sunday 31 October 2027 Paris goes from 03:00 back to 02:00: 01:00–04:00 lasts four hours.
    const cal = new BusinessCalendar({ time_zone: "Europe/Paris", hours: [{ day: "sun", start: "01:00", end: "04:00", overnight: false }], holidays: [] });
    expect(cal.businessMsBetween(at("2027-10-30T12:00:00Z"), at("2027-10-31T12:00:00Z"))).toBe(4 * H);
  });

  it("keeps office hours at 09:00 local across the change in spring (New York)", () => {
    const cal = officeHours("America/New_York");
    // Friday 12 March 2027, 16:00 EST (21:00Z); two hours: one on Friday, one on Monday 15 March, now EDT.
    const due = cal.addBusinessMs(at("2027-03-12T21:00:00Z"), 2 * H);
    expect(iso(due)).toBe("2027-03-15T14:00:00.000Z"); // 10:00 EDT
    expect(cal.formatLocal(due)).toBe("Mon 15 Mar 2027, 10:00 (America/New_York)");
  });

  it("keeps office hours at 09:00 local across the change in autumn (New York)", () => {
    const cal = officeHours("America/New_York");
    // Friday 5 November 2027, 16:00 EDT (20:00Z); Monday 8 November 10:00 is EST (15:00Z).
    expect(iso(cal.addBusinessMs(at("2027-11-05T20:00:00Z"), 2 * H))).toBe("2027-11-08T15:00:00.000Z");
  });

  it("gives a 24×7 calendar in a DST zone 23 and 25 hour days", () => {
    const cal = new BusinessCalendar({
      time_zone: "Europe/Paris",
      hours: (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as Weekday[]).map((day) => ({ day, start: "00:00", end: "24:00", overnight: false })),
      holidays: [],
    });
    expect(cal.alwaysOpen).toBe(true);
    expect(cal.businessMsBetween(at("2027-03-27T23:00:00Z"), at("2027-03-28T22:00:00Z"))).toBe(23 * H);
  });
});

describe("holidays", () => {
  it("skips a single holiday", () => {
    const cal = officeHours("UTC", [{ name: "Christmas Day", date: "2026-12-25", yearly: false }]);
    // Thursday 24 December 16:00 + 2 h: 1 h on Thursday, Friday is a holiday, 1 h on Monday 28th.
    expect(iso(cal.addBusinessMs(at("2026-12-24T16:00:00Z"), 2 * H))).toBe("2026-12-28T10:00:00.000Z");
  });

  it("skips a range of days, inclusive of its last day", () => {
    const cal = officeHours("UTC", [{ name: "Year-end closure", date: "2026-12-24", end_date: "2026-12-31", yearly: false }]);
    expect(iso(cal.addBusinessMs(at("2026-12-23T16:00:00Z"), 2 * H))).toBe("2027-01-01T10:00:00.000Z");
  });

  it("repeats a yearly holiday every year, also a range over New Year", () => {
    const cal = officeHours("UTC", [{ name: "New Year", date: "2020-12-31", end_date: "2021-01-01", yearly: true }]);
    // Thursday 30 December 2027 16:00 + 2 h: the 31st (Friday) is off, then the weekend: Monday 3 January 2028.
    expect(iso(cal.addBusinessMs(at("2027-12-30T16:00:00Z"), 2 * H))).toBe("2028-01-03T10:00:00.000Z");
    expect(cal.holidayOn("2031-01-01")?.name).toBe("New Year");
    expect(cal.holidayOn("2031-01-02")).toBeUndefined();
  });

  it("takes a holiday in the calendar's own time zone", () => {
    const cal = officeHours("Pacific/Auckland", [{ name: "Waitangi Day", date: "2027-02-05", yearly: false }]);
    // 4 February 16:00 NZDT is 03:00Z; Friday the 5th is off; Monday 8th 10:00 NZDT is 7 Feb 21:00Z.
    expect(iso(cal.addBusinessMs(at("2027-02-04T03:00:00Z"), 2 * H))).toBe("2027-02-07T21:00:00.000Z");
  });
});

describe("overnight shifts", () => {
  const night = new BusinessCalendar({ time_zone: "Europe/London", hours: WEEKDAYS.map((day) => ({ day, start: "22:00", end: "06:00", overnight: true })), holidays: [] });

  it("runs past midnight into the next day", () => {
    // Monday 11 January 2027 23:00 GMT + 3 h = Tuesday 02:00.
    expect(iso(night.addBusinessMs(at("2027-01-11T23:00:00Z"), 3 * H))).toBe("2027-01-12T02:00:00.000Z");
    // Tuesday 05:00 + 2 h: one hour until 06:00, the next from Tuesday 22:00.
    expect(iso(night.addBusinessMs(at("2027-01-12T05:00:00Z"), 2 * H))).toBe("2027-01-12T23:00:00.000Z");
  });

  it("lets Friday's night shift run into Saturday and then waits for Monday night", () => {
    expect(night.businessMsBetween(at("2027-01-15T22:00:00Z"), at("2027-01-18T22:00:00Z"))).toBe(8 * H);
    expect(iso(night.addBusinessMs(at("2027-01-16T05:00:00Z"), 2 * H))).toBe("2027-01-18T23:00:00.000Z");
  });

  it("loses the part of a night shift that falls on a holiday", () => {
    const cal = new BusinessCalendar({ ...night.definition, holidays: [{ name: "Closed", date: "2027-01-13", yearly: false }] });
    // A holiday removes its whole local day: of Tuesday night only 22:00–24:00 counts, of
    // Wednesday night only Thursday's 00:00–06:00.
    expect(cal.businessMsBetween(at("2027-01-12T12:00:00Z"), at("2027-01-14T12:00:00Z"))).toBe(8 * H);
    expect(iso(cal.addBusinessMs(at("2027-01-12T23:00:00Z"), 2 * H))).toBe("2027-01-14T01:00:00.000Z");
  });
});

describe("a calendar with no working time left", () => {
  it("says so clearly instead of searching forever", () => {
    const cal = officeHours("UTC", [{ name: "Closed for good", date: "2027-01-01", end_date: "2031-12-31", yearly: false }]);
    expect(() => cal.addBusinessMs(at("2027-06-01T10:00:00Z"), 60 * MIN)).toThrow(CalendarExhausted);
    expect(() => cal.addBusinessMs(at("2027-06-01T10:00:00Z"), 60 * MIN)).toThrow(/no working time in the 2 years after 2027-06-01/);
    // Counting up to a given instant is still fine: there is simply nothing to count.
    expect(cal.businessMsBetween(at("2027-06-01T10:00:00Z"), at("2030-06-01T10:00:00Z"))).toBe(0);
  });

  it("still finds working time that comes back within two years", () => {
    const cal = officeHours("UTC", [{ name: "Long closure", date: "2027-01-01", end_date: "2028-06-30", yearly: false }]);
    expect(iso(cal.addBusinessMs(at("2027-02-01T10:00:00Z"), 60 * MIN))).toBe("2028-07-03T10:00:00.000Z");
  });
});

describe("checking a calendar", () => {
  const problem = (hours: Shift[], holidays: Holiday[] = [], zone = "UTC") => {
    try {
      validateCalendar({ time_zone: zone, hours, holidays });
      return undefined;
    } catch (err) {
      return err instanceof CalendarDefinitionError ? `${err.field}: ${err.problem}` : String(err);
    }
  };

  it("names an unknown time zone", () => {
    expect(problem([{ day: "mon", start: "09:00", end: "17:00", overnight: false }], [], "Mars/Olympus")).toMatch(/^time_zone: "Mars\/Olympus" is not a time zone/);
  });

  it("names a shift that ends before it starts, and suggests overnight", () => {
    expect(problem([{ day: "mon", start: "17:00", end: "09:00", overnight: false }])).toMatch(/^hours\[0\]\.end: .*set overnight: true/);
    expect(problem([{ day: "mon", start: "09:00", end: "09:00", overnight: false }])).toMatch(/^hours\[0\]\.end/);
    expect(problem([{ day: "mon", start: "09:00", end: "17:00", overnight: true }])).toMatch(/^hours\[0\]\.end: an overnight shift/);
  });

  it("names overlapping shifts, also across midnight and from Sunday into Monday", () => {
    expect(
      problem([
        { day: "mon", start: "09:00", end: "13:00", overnight: false },
        { day: "mon", start: "12:00", end: "17:00", overnight: false },
      ]),
    ).toBe("hours[1]: overlaps hours[0] (mon 09:00–13:00)");
    expect(
      problem([
        { day: "mon", start: "22:00", end: "06:00", overnight: true },
        { day: "tue", start: "05:00", end: "09:00", overnight: false },
      ]),
    ).toMatch(/^hours\[1\]: overlaps hours\[0\]/);
    expect(
      problem([
        { day: "sun", start: "22:00", end: "02:00", overnight: true },
        { day: "mon", start: "01:00", end: "09:00", overnight: false },
      ]),
    ).toMatch(/^hours\[1\]: overlaps hours\[0\] \(sun 22:00–02:00 overnight\)/);
    // Touching is not overlapping.
    expect(
      problem([
        { day: "mon", start: "09:00", end: "12:00", overnight: false },
        { day: "mon", start: "12:00", end: "17:00", overnight: false },
      ]),
    ).toBeUndefined();
  });

  it("names a holiday range that ends before it starts, and wants at least one shift", () => {
    expect(problem([{ day: "mon", start: "09:00", end: "17:00", overnight: false }], [{ name: "x", date: "2027-01-05", end_date: "2027-01-01", yearly: false }])).toMatch(
      /^holidays\[0\]\.end_date: ends/,
    );
    expect(problem([])).toMatch(/^hours: a calendar needs at least one working shift/);
  });
});

// ---- properties ------------------------------------------------------------------------------

const zones = ["UTC", "Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"];
const timeOf = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** Valid calendars: per weekday at most one daytime shift and optionally an overnight one that cannot overlap it. */
const calendarArb = fc
  .record({
    zone: fc.constantFrom(...zones),
    days: fc.array(
      fc.record({
        on: fc.boolean(),
        start: fc.integer({ min: 0, max: 40 }).map((q) => q * 15),
        len: fc.integer({ min: 1, max: 36 }).map((q) => q * 15),
        night: fc.boolean(),
      }),
      { minLength: 7, maxLength: 7 },
    ),
    holidays: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 900 }), len: fc.integer({ min: 0, max: 10 }), yearly: fc.boolean() }), { maxLength: 4 }),
  })
  .filter((c) => c.days.some((d) => d.on))
  .map((c) => {
    const names: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    const hours: Shift[] = [];
    c.days.forEach((d, i) => {
      if (!d.on) return;
      // Daytime shift within 00:00–19:00, night shift 21:00 → 03:00 next day (never overlapping the next day's daytime start ≥ 00:00? it may: keep next day's start ≥ 03:00).
      const start = Math.max(d.start, 180);
      const end = Math.min(start + d.len, 19 * 60);
      if (end > start) hours.push({ day: names[i], start: timeOf(start), end: timeOf(end), overnight: false });
      if (d.night) hours.push({ day: names[i], start: "21:00", end: "03:00", overnight: true });
    });
    const base = Date.parse("2026-06-01T00:00:00Z");
    const holidays: Holiday[] = c.holidays.map((h, i) => {
      const from = new Date(base + h.offset * 86_400_000).toISOString().slice(0, 10);
      const to = new Date(base + (h.offset + h.len) * 86_400_000).toISOString().slice(0, 10);
      return { name: `H${i}`, date: from, end_date: to, yearly: h.yearly };
    });
    return { time_zone: c.zone, hours: hours.length ? hours : [{ day: "wed" as Weekday, start: "09:00", end: "10:00", overnight: false }], holidays };
  });

const instantArb = fc.integer({ min: Date.parse("2026-06-01T00:00:00Z"), max: Date.parse("2029-06-01T00:00:00Z") });

describe("properties of business time", () => {
  it("a deadline is never before its start, and exactly the asked business time lies between them", () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 20_000 }), (def, start, minutes) => {
        const cal = new BusinessCalendar(def);
        const due = cal.addBusinessMs(start, minutes * MIN);
        expect(due).toBeGreaterThanOrEqual(start);
        expect(cal.businessMsBetween(start, due)).toBe(minutes * MIN);
      }),
      { numRuns: 150 },
    );
  });

  it("business time between two instants never decreases as the later one moves on", () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.array(fc.integer({ min: 0, max: 30 * 86_400_000 }), { minLength: 2, maxLength: 8 }), (def, start, offsets) => {
        const cal = new BusinessCalendar(def);
        const sorted = [...offsets].sort((a, b) => a - b);
        let prev = 0;
        for (const o of sorted) {
          const used = cal.businessMsBetween(start, start + o);
          expect(used).toBeGreaterThanOrEqual(prev);
          expect(used).toBeLessThanOrEqual(o);
          prev = used;
        }
      }),
      { numRuns: 100 },
    );
  });
});
