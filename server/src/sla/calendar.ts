/**
 * Business-time arithmetic: which instants of the real world are working time under a calendar
 * (a time zone, weekly shifts, holidays), how much working time lies between two instants, and
 * which instant comes after a given amount of it. Pure: no database, no clock.
 *
 * Luxon does the calendar work because wall-clock time in a real time zone is a solved problem
 * we must not solve again: it reads the IANA database Node ships (Intl), knows every DST rule and
 * historical offset, and turns "Tuesday 09:00 in Europe/Paris" into an instant correctly on the
 * days the clocks change (a 09:00 that falls in a spring-forward gap moves forward, a repeated
 * hour in autumn is worked once per occurrence). Everything else here is plain integer
 * milliseconds in UTC.
 */
import { DateTime, IANAZone } from "luxon";
import type { Holiday, Shift, Weekday } from "@tessera/contracts";

export const WEEKDAY_INDEX: Record<Weekday, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };
const WEEKDAY_NAMES = Object.keys(WEEKDAY_INDEX) as Weekday[];
const MINUTES_PER_WEEK = 7 * 1440;

/** How far ahead a search for working time looks before it gives up (two years of days). */
export const SEARCH_HORIZON_DAYS = 731;

export interface CalendarDefinition {
  time_zone: string;
  hours: Shift[];
  holidays: Holiday[];
}

/** A stretch of working time, [start, end) in UTC milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** The calendar has no working time where some was needed: a person must fix the calendar. */
export class CalendarExhausted extends Error {
  constructor(readonly fromMs: number) {
    super(`The calendar has no working time in the ${Math.round(SEARCH_HORIZON_DAYS / 365)} years after ${new Date(fromMs).toISOString()}: add working hours or remove holidays.`);
  }
}

/** A problem with a calendar definition, named by the field to fix. */
export class CalendarDefinitionError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Checks a definition and throws CalendarDefinitionError naming the first problem: an unknown
 * time zone, a shift whose end is not after its start (unless it is marked overnight), shifts
 * that overlap (also across midnight and from Sunday into Monday), a holiday range that ends
 * before it starts.
 */
export function validateCalendar(def: CalendarDefinition): void {
  if (!isValidTimeZone(def.time_zone)) {
    throw new CalendarDefinitionError("time_zone", `"${def.time_zone}" is not a time zone Tessera knows; use an IANA name such as Europe/Paris or America/New_York`);
  }
  if (!def.hours.length) throw new CalendarDefinitionError("hours", "a calendar needs at least one working shift");
  // Each shift as minutes of the week, Monday 00:00 = 0; an overnight shift may run past the week's end and wraps.
  const spans: Array<{ from: number; to: number; i: number }> = [];
  def.hours.forEach((s, i) => {
    const start = minutesOf(s.start);
    const end = minutesOf(s.end);
    if (s.start === "24:00") throw new CalendarDefinitionError(`hours[${i}].start`, "a shift cannot start at 24:00; start it at 00:00 the next day");
    if (!s.overnight && end <= start) {
      throw new CalendarDefinitionError(`hours[${i}].end`, `the shift ends (${s.end}) before it starts (${s.start}); set overnight: true for a shift that ends the next day`);
    }
    if (s.overnight && (end > start || s.end === "24:00")) {
      throw new CalendarDefinitionError(`hours[${i}].end`, `an overnight shift ends the next day, earlier than it started (${s.start}); ${s.start}–${s.end} fits in one day, so leave overnight off`);
    }
    const from = WEEKDAY_INDEX[s.day] * 1440 + start;
    const to = WEEKDAY_INDEX[s.day] * 1440 + end + (s.overnight ? 1440 : 0);
    if (to <= MINUTES_PER_WEEK) spans.push({ from, to, i });
    else {
      spans.push({ from, to: MINUTES_PER_WEEK, i });
      spans.push({ from: 0, to: to - MINUTES_PER_WEEK, i });
    }
  });
  spans.sort((a, b) => a.from - b.from || a.to - b.to);
  for (let k = 1; k < spans.length; k++) {
    const a = spans[k - 1];
    const b = spans[k];
    if (b.from < a.to) {
      const [first, second] = a.i < b.i ? [a.i, b.i] : [b.i, a.i];
      const f = def.hours[first];
      throw new CalendarDefinitionError(`hours[${second}]`, `overlaps hours[${first}] (${f.day} ${f.start}–${f.end}${f.overnight ? " overnight" : ""})`);
    }
  }
  def.holidays.forEach((h, i) => {
    if (h.end_date && h.end_date < h.date) throw new CalendarDefinitionError(`holidays[${i}].end_date`, `ends (${h.end_date}) before it starts (${h.date})`);
    if (!DateTime.fromISO(h.date, { zone: "UTC" }).isValid) throw new CalendarDefinitionError(`holidays[${i}].date`, `${h.date} is not a date`);
    if (h.end_date && !DateTime.fromISO(h.end_date, { zone: "UTC" }).isValid) throw new CalendarDefinitionError(`holidays[${i}].end_date`, `${h.end_date} is not a date`);
    if (h.yearly && h.end_date && DateTime.fromISO(h.end_date).diff(DateTime.fromISO(h.date), "days").days >= 365) {
      throw new CalendarDefinitionError(`holidays[${i}].end_date`, "a yearly holiday must be shorter than a year");
    }
  });
}

/** Working minutes in a week (holidays aside). */
export function weeklyMinutes(hours: Shift[]): number {
  return hours.reduce((sum, s) => sum + minutesOf(s.end) - minutesOf(s.start) + (s.overnight ? 1440 : 0), 0);
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

/** A calendar ready for arithmetic. Build one per definition and reuse it: it caches days. */
export class BusinessCalendar {
  readonly zone: string;
  /** Shifts by weekday (0 = Monday), as minutes from that day's midnight; `end` may pass 1440. */
  private readonly shifts: Array<Array<{ start: number; end: number }>>;
  private readonly holidays: Holiday[];
  /** Every minute of every day is working time and there are no holidays: instants are business time. */
  readonly alwaysOpen: boolean;
  private readonly dayCache = new Map<string, Interval[]>();

  constructor(readonly definition: CalendarDefinition) {
    validateCalendar(definition);
    this.zone = definition.time_zone;
    this.shifts = WEEKDAY_NAMES.map(() => []);
    for (const s of definition.hours) {
      this.shifts[WEEKDAY_INDEX[s.day]].push({ start: minutesOf(s.start), end: minutesOf(s.end) + (s.overnight ? 1440 : 0) });
    }
    for (const list of this.shifts) list.sort((a, b) => a.start - b.start);
    this.holidays = definition.holidays;
    this.alwaysOpen = !this.holidays.length && weeklyMinutes(definition.hours) >= MINUTES_PER_WEEK;
  }

  /** The holiday that covers a local date ("2026-12-25"), if any. */
  holidayOn(isoDate: string): Holiday | undefined {
    const md = isoDate.slice(5);
    return this.holidays.find((h) => {
      const end = h.end_date ?? h.date;
      if (!h.yearly) return isoDate >= h.date && isoDate <= end;
      const from = h.date.slice(5);
      const to = end.slice(5);
      // A yearly range may run over New Year (12-24 to 01-02).
      return from <= to ? md >= from && md <= to : md >= from || md <= to;
    });
  }

  /** Whether a local weekday has any shift starting on it. */
  worksOn(weekday: number): boolean {
    return this.shifts[weekday].length > 0;
  }

  private localDayOf(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone }).startOf("day");
  }

  private instantOf(d: LocalDay, minutes: number): number {
    const extraDays = Math.floor(minutes / 1440);
    const m = minutes % 1440;
    let base = DateTime.fromObject({ year: d.year, month: d.month, day: d.day }, { zone: this.zone });
    if (extraDays) base = base.plus({ days: extraDays });
    return base.set({ hour: Math.floor(m / 60), minute: m % 60 }).toMillis();
  }

  /** Working time of the shifts that start on one local day, holidays removed, in order. */
  private intervalsOfDay(date: DateTime): Interval[] {
    const key = date.toISODate()!;
    const hit = this.dayCache.get(key);
    if (hit) return hit;
    const d = { year: date.year, month: date.month, day: date.day };
    const out: Interval[] = [];
    for (const s of this.shifts[date.weekday - 1]) {
      let pieces: Interval[] = [{ start: this.instantOf(d, s.start), end: this.instantOf(d, s.end) }];
      // A holiday removes its whole local day, whichever shift the time belongs to.
      for (let offset = 0; offset * 1440 < s.end; offset++) {
        const day = offset ? date.plus({ days: offset }) : date;
        if (!this.holidayOn(day.toISODate()!)) continue;
        const hFrom = day.toMillis();
        const hTo = day.plus({ days: 1 }).toMillis();
        pieces = pieces.flatMap((p) => {
          if (p.end <= hFrom || p.start >= hTo) return [p];
          const kept: Interval[] = [];
          if (p.start < hFrom) kept.push({ start: p.start, end: hFrom });
          if (p.end > hTo) kept.push({ start: hTo, end: p.end });
          return kept;
        });
      }
      for (const p of pieces) if (p.end > p.start) out.push(p);
    }
    out.sort((a, b) => a.start - b.start);
    if (this.dayCache.size > 5000) this.dayCache.clear();
    this.dayCache.set(key, out);
    return out;
  }

  /**
   * Working intervals from `fromMs` on, in order, adjacent ones merged, the first clipped to
   * start at `fromMs`. Throws CalendarExhausted after SEARCH_HORIZON_DAYS without any, unless
   * `untilMs` is given: then it simply ends once past it.
   */
  *intervalsFrom(fromMs: number, untilMs = Number.POSITIVE_INFINITY): Generator<Interval> {
    if (this.alwaysOpen) {
      yield { start: fromMs, end: Number.POSITIVE_INFINITY };
      return;
    }
    // Start a day early: last night's overnight shift may still be running.
    let day = this.localDayOf(fromMs).minus({ days: 1 });
    let pending: Interval | undefined;
    let idleDays = 0;
    for (;;) {
      if (day.toMillis() >= untilMs) {
        if (pending) yield pending;
        return;
      }
      const list = this.intervalsOfDay(day);
      let found = false;
      for (const iv of list) {
        if (iv.end <= fromMs) continue;
        const piece = { start: Math.max(iv.start, fromMs), end: iv.end };
        found = true;
        if (pending && piece.start <= pending.end) pending.end = Math.max(pending.end, piece.end);
        else {
          if (pending) yield pending;
          pending = piece;
        }
      }
      idleDays = found ? 0 : idleDays + 1;
      if (idleDays > SEARCH_HORIZON_DAYS && untilMs === Number.POSITIVE_INFINITY) {
        if (pending) {
          yield pending;
          pending = undefined;
        }
        throw new CalendarExhausted(fromMs);
      }
      // Everything of later days starts after this day's midnight; a pending interval that ends
      // before the next day begins cannot grow any more.
      const next = day.plus({ days: 1 });
      if (pending && pending.end < next.toMillis()) {
        yield pending;
        pending = undefined;
      }
      day = next;
    }
  }

  /** Business milliseconds in [fromMs, toMs). */
  businessMsBetween(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    if (this.alwaysOpen) return toMs - fromMs;
    let sum = 0;
    for (const iv of this.intervalsFrom(fromMs, toMs)) {
      if (iv.start >= toMs) break;
      sum += Math.min(iv.end, toMs) - iv.start;
    }
    return sum;
  }

  /** The instant at which `ms` of business time has passed since `fromMs` (`fromMs` itself for 0). */
  addBusinessMs(fromMs: number, ms: number): number {
    if (ms <= 0) return fromMs;
    if (this.alwaysOpen) return fromMs + ms;
    let left = ms;
    for (const iv of this.intervalsFrom(fromMs)) {
      const len = iv.end - iv.start;
      if (left <= len) return iv.start + left;
      left -= len;
    }
    throw new CalendarExhausted(fromMs); // unreachable: intervalsFrom never ends without throwing
  }

  /** Local midnights strictly inside (fromMs, toMs), for cutting a stretch into days. */
  midnightsBetween(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    let day = this.localDayOf(fromMs).plus({ days: 1 });
    while (day.toMillis() < toMs && out.length < 5000) {
      out.push(day.toMillis());
      day = day.plus({ days: 1 });
    }
    return out;
  }

  /** The local date ("2026-12-25") and weekday (0 = Monday) of an instant. */
  localDate(ms: number): { date: string; weekday: number } {
    const d = DateTime.fromMillis(ms, { zone: this.zone });
    return { date: d.toISODate()!, weekday: d.weekday - 1 };
  }

  /** An instant on this calendar's wall clock, e.g. "Tue 1 Dec 2026, 11:00 (Europe/Paris)". */
  formatLocal(ms: number): string {
    return `${DateTime.fromMillis(ms, { zone: this.zone }).setLocale("en-GB").toFormat("ccc d LLL yyyy, HH:mm")} (${this.zone})`;
  }
}

/** A span of time in words: "2 h 30 min", "45 min", "3 days 4 h". */
export function formatDuration(ms: number, opts: { days?: boolean } = {}): string {
  const negative = ms < 0;
  let minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes === 0 && Math.abs(ms) > 0) return `${negative ? "-" : ""}under a minute`;
  const parts: string[] = [];
  if (opts.days && minutes >= 1440) {
    const d = Math.floor(minutes / 1440);
    parts.push(`${d} day${d === 1 ? "" : "s"}`);
    minutes %= 1440;
  }
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h) parts.push(`${h} h`);
  if (m || !parts.length) parts.push(`${m} min`);
  return `${negative ? "-" : ""}${parts.join(" ")}`;
}
