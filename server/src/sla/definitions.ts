/**
 * Calendars and policies as the clock uses them: read from their tables, parsed once, and kept
 * in the instance memo (a change through this node is seen at once; other nodes within seconds).
 */
import type { Escalation, Holiday, PauseCategory, PolicyConditions, PolicyTargets, Shift } from "@tessera/contracts";
import type { Executor, Reader } from "../context.ts";
import type { Selectable } from "kysely";
import { BusinessCalendar } from "./calendar.ts";
import type { SlaCalendarsTable, SlaPoliciesTable } from "./tables.ts";

export interface CalendarRecord {
  id: number;
  name: string;
  time_zone: string;
  hours: Shift[];
  holidays: Holiday[];
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

export interface PolicyRecord {
  id: number;
  name: string;
  description: string;
  position: number;
  active: boolean;
  conditions: PolicyConditions;
  calendar_id: number;
  targets: PolicyTargets;
  warn_percent: number;
  pause_on: PauseCategory[];
  escalations: Escalation[];
  created_at: string;
  updated_at: string;
}

export const calendarFromRow = (r: Selectable<SlaCalendarsTable>): CalendarRecord => ({
  id: r.id,
  name: r.name,
  time_zone: r.time_zone,
  hours: JSON.parse(r.hours),
  holidays: JSON.parse(r.holidays),
  is_default: !!r.is_default,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export const policyFromRow = (r: Selectable<SlaPoliciesTable>): PolicyRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  position: r.position,
  active: !!r.active,
  conditions: JSON.parse(r.conditions),
  calendar_id: r.calendar_id,
  targets: JSON.parse(r.targets),
  warn_percent: r.warn_percent,
  pause_on: JSON.parse(r.pause_on),
  escalations: JSON.parse(r.escalations),
  created_at: r.created_at,
  updated_at: r.updated_at,
});

const POLICIES_KEY = "sla_policies";
const calendarKey = (id: number) => `sla_calendar:${id}`;

/** Every policy, in the order they are tried. */
/** Every calendar by name, read afresh (the admin views; intake and sweeps use the cached loaders). */
export const listCalendars = async (db: Executor): Promise<CalendarRecord[]> => (await db.selectFrom("sla_calendars").selectAll().orderBy("name").execute()).map(calendarFromRow);

/** Every policy in the order they are tried, read afresh. */
export const listPolicies = async (db: Executor): Promise<PolicyRecord[]> => (await db.selectFrom("sla_policies").selectAll().orderBy("position").orderBy("id").execute()).map(policyFromRow);

export function loadPolicies(r: Reader): Promise<PolicyRecord[]> {
  return r.memo.get(POLICIES_KEY, async () => (await r.db.selectFrom("sla_policies").selectAll().orderBy("position").orderBy("id").execute()).map(policyFromRow));
}

export interface LoadedCalendar {
  record: CalendarRecord;
  calendar: BusinessCalendar;
}

/** A calendar ready for arithmetic, or undefined when it no longer exists. */
export function loadCalendar(r: Reader, id: number): Promise<LoadedCalendar | undefined> {
  return r.memo.get(calendarKey(id), async () => {
    const row = await r.db.selectFrom("sla_calendars").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    const record = calendarFromRow(row);
    return { record, calendar: new BusinessCalendar(record) };
  });
}

/** Called by every write to policies or calendars. */
export function forgetDefinitions(r: Pick<Reader, "memo">, calendarId?: number) {
  r.memo.forget(POLICIES_KEY);
  if (calendarId !== undefined) r.memo.forget(calendarKey(calendarId));
}
