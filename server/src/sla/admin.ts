/**
 * Calendars and policies as an admin edits them: validation with messages naming the field to
 * fix, uniqueness, what may not be deleted while in use, and the order policies are tried in.
 * Every write forgets the memoised definitions so the next ticket change sees it.
 */
import type { Calendar, CalendarInput, CalendarUpdateInput, Policy, PolicyInput, PolicyUpdateInput } from "@tessera/contracts";
import { PolicyInput as PolicyInputSchema } from "@tessera/contracts";
import type { AppContext, Executor } from "../context.ts";
import { unlessTaken } from "../db/dialect.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { BusinessCalendar, CalendarDefinitionError, CalendarExhausted, validateCalendar, weeklyMinutes } from "./calendar.ts";
import { type CalendarRecord, type PolicyRecord, calendarFromRow, forgetDefinitions, policyFromRow } from "./definitions.ts";

type Tx = AppContext;
const OPEN_CLOCK_STATES = ["running", "paused"] as const;

// ---- calendars ------------------------------------------------------------------------------

/** Throws a 400 naming the field when the definition is wrong or leaves no working time ahead. */
export function checkCalendar(def: Pick<CalendarInput, "time_zone" | "hours" | "holidays">, now: Date, prefix = "") {
  try {
    validateCalendar(def);
    // Holidays may cover every working day for years: such a calendar could never give a deadline.
    new BusinessCalendar(def).addBusinessMs(now.getTime(), 60_000);
  } catch (err) {
    if (err instanceof CalendarDefinitionError) throw invalid(`${prefix}${err.field}`, err.problem);
    if (err instanceof CalendarExhausted) throw invalid(`${prefix}holidays`, "the holidays leave no working time in the next two years");
    throw err;
  }
}

async function calendarPolicies(db: Executor, calendarIds: number[]) {
  if (!calendarIds.length) return [];
  return db.selectFrom("sla_policies").select(["id", "name", "calendar_id"]).where("calendar_id", "in", calendarIds).orderBy("position").execute();
}

export async function presentCalendars(db: Executor, records: CalendarRecord[]): Promise<Calendar[]> {
  const uses = await calendarPolicies(
    db,
    records.map((r) => r.id),
  );
  return records.map((r) => ({
    ...r,
    weekly_business_minutes: weeklyMinutes(r.hours),
    policies: uses.filter((u) => u.calendar_id === r.id).map((u) => ({ id: u.id, name: u.name })),
  }));
}

export async function getCalendar(db: Executor, id: number): Promise<CalendarRecord> {
  const row = await db.selectFrom("sla_calendars").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The calendar");
  return calendarFromRow(row);
}

/** How many open (running or paused) clocks a calendar or a policy still times. */
async function openClocks(db: Executor, column: "calendar_id" | "policy_id", id: number): Promise<number> {
  const open = await db
    .selectFrom("sla_clocks")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(column, "=", id)
    .where("state", "in", [...OPEN_CLOCK_STATES])
    .executeTakeFirstOrThrow();
  return Number(open.n);
}

const nameTaken = (what: string, name: string) => conflict(`A ${what} named "${name}" already exists; choose another name.`, [{ field: "name", message: "is already taken" }]);

export async function createCalendar(tx: Tx, input: CalendarInput): Promise<CalendarRecord> {
  checkCalendar(input, tx.clock.now());
  const now = tx.clock.now().toISOString();
  const row = await unlessTaken(
    tx.db
      .insertInto("sla_calendars")
      .values({ name: input.name, time_zone: input.time_zone, hours: JSON.stringify(input.hours), holidays: JSON.stringify(input.holidays), is_default: 0, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => nameTaken("calendar", input.name),
  );
  forgetDefinitions(tx, row.id);
  return calendarFromRow(row);
}

/**
 * Changes a calendar. Deadlines already stored move only when a ticket's clock next changes or
 * an admin recomputes it (POST /api/sla/recompute).
 */
export async function updateCalendar(tx: Tx, id: number, input: CalendarUpdateInput): Promise<CalendarRecord> {
  const current = await getCalendar(tx.db, id);
  const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as CalendarRecord;
  checkCalendar(next, tx.clock.now());
  const row = await unlessTaken(
    tx.db
      .updateTable("sla_calendars")
      .set({ name: next.name, time_zone: next.time_zone, hours: JSON.stringify(next.hours), holidays: JSON.stringify(next.holidays), updated_at: tx.clock.now().toISOString() })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => nameTaken("calendar", next.name),
  );
  forgetDefinitions(tx, id);
  return calendarFromRow(row);
}

export async function deleteCalendar(tx: Tx, id: number): Promise<void> {
  const cal = await getCalendar(tx.db, id);
  if (cal.is_default) throw conflict("The default 24×7 calendar cannot be deleted.");
  const policies = await calendarPolicies(tx.db, [id]);
  if (policies.length) {
    throw conflict(`This calendar is used by ${policies.map((p) => `"${p.name}"`).join(", ")}; give those policies another calendar first.`, {
      policies: policies.map((p) => ({ id: p.id, name: p.name })),
    });
  }
  const open = await openClocks(tx.db, "calendar_id", id);
  if (open) throw conflict(`${open} open ticket(s) are still timed in this calendar; recompute them (POST /api/sla/recompute) or wait until they are resolved.`, { open_tickets: open });
  await tx.db.deleteFrom("sla_calendars").where("id", "=", id).execute();
  forgetDefinitions(tx, id);
}

// ---- policies -------------------------------------------------------------------------------

type PolicyFields = Omit<PolicyRecord, "id" | "position" | "created_at" | "updated_at">;

async function assertIds(db: Executor, table: "categories" | "organizations" | "teams" | "users", ids: number[], field: string, what: string) {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const found = new Set((await db.selectFrom(table).select("id").where("id", "in", unique).execute()).map((r) => r.id));
  const missing = unique.find((id) => !found.has(id));
  if (missing !== undefined) throw invalid(field, `no ${what} has the id ${missing}`);
}

/** Checks every id a policy names: its calendar, categories, organizations, and escalation targets. */
async function checkPolicy(db: Executor, p: PolicyFields) {
  if (!(await db.selectFrom("sla_calendars").select("id").where("id", "=", p.calendar_id).executeTakeFirst())) throw invalid("calendar_id", `no calendar has the id ${p.calendar_id}`);
  await assertIds(db, "categories", p.conditions.category_ids, "conditions.category_ids", "category");
  await assertIds(db, "organizations", p.conditions.organization_ids, "conditions.organization_ids", "organization");
  for (const [i, e] of p.escalations.entries()) {
    for (const [j, a] of e.actions.entries()) {
      if (a.type === "reassign_team") await assertIds(db, "teams", [a.team_id], `escalations[${i}].actions[${j}].team_id`, "team");
      if (a.type === "notify_user") {
        const u = await db.selectFrom("users").select(["role", "active"]).where("id", "=", a.user_id).executeTakeFirst();
        if (!u || !u.active || u.role === "requester") throw invalid(`escalations[${i}].actions[${j}].user_id`, `no active agent has the id ${a.user_id}`);
      }
    }
  }
  if (!Object.values(p.targets).some((t) => t && (t.first_response ?? t.next_response ?? t.resolution) != null)) {
    throw invalid("targets", "set at least one target (first_response, next_response or resolution) for at least one priority");
  }
  for (const [priority, t] of Object.entries(p.targets)) {
    if (t?.first_response != null && t.resolution != null && t.first_response > t.resolution) {
      throw invalid(`targets.${priority}.first_response`, "is longer than the resolution target; a ticket cannot be resolved before it is answered");
    }
  }
}

const policyValues = (p: PolicyFields) => ({
  name: p.name,
  description: p.description,
  active: p.active ? 1 : 0,
  conditions: JSON.stringify(p.conditions),
  calendar_id: p.calendar_id,
  targets: JSON.stringify(p.targets),
  warn_percent: p.warn_percent,
  pause_on: JSON.stringify([...new Set(p.pause_on)]),
  escalations: JSON.stringify(p.escalations),
});

export async function getPolicy(db: Executor, id: number): Promise<PolicyRecord> {
  const row = await db.selectFrom("sla_policies").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The policy");
  return policyFromRow(row);
}

export async function presentPolicies(db: Executor, records: PolicyRecord[]): Promise<Policy[]> {
  const ids = [...new Set(records.map((r) => r.calendar_id))];
  const cals = ids.length ? await db.selectFrom("sla_calendars").select(["id", "name", "time_zone"]).where("id", "in", ids).execute() : [];
  // Stored positions keep gaps after a delete; callers get the place an admin sees in the list, from 1.
  const order = (await db.selectFrom("sla_policies").select("id").orderBy("position").orderBy("id").execute()).map((p) => p.id);
  return records.map(({ calendar_id, ...r }) => ({
    ...r,
    position: order.indexOf(r.id) + 1,
    calendar: cals.find((c) => c.id === calendar_id) ?? { id: calendar_id, name: "?", time_zone: "UTC" },
  }));
}

export async function createPolicy(tx: Tx, input: PolicyInput): Promise<PolicyRecord> {
  const p = PolicyInputSchema.parse(input) as PolicyFields;
  await checkPolicy(tx.db, p);
  const now = tx.clock.now().toISOString();
  const last = await tx.db
    .selectFrom("sla_policies")
    .select((eb) => eb.fn.max("position").as("p"))
    .executeTakeFirst();
  const row = await unlessTaken(
    tx.db
      .insertInto("sla_policies")
      .values({ ...policyValues(p), position: Number(last?.p ?? 0) + 1, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => nameTaken("policy", p.name),
  );
  forgetDefinitions(tx);
  return policyFromRow(row);
}

/** Changes a policy. Tickets it already times keep their terms until matched again or recomputed. */
export async function updatePolicy(tx: Tx, id: number, input: PolicyUpdateInput): Promise<PolicyRecord> {
  const current = await getPolicy(tx.db, id);
  const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as PolicyRecord;
  await checkPolicy(tx.db, next);
  const row = await unlessTaken(
    tx.db
      .updateTable("sla_policies")
      .set({ ...policyValues(next), updated_at: tx.clock.now().toISOString() })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => nameTaken("policy", next.name),
  );
  forgetDefinitions(tx);
  return policyFromRow(row);
}

export async function deletePolicy(tx: Tx, id: number): Promise<void> {
  const p = await getPolicy(tx.db, id);
  const open = await openClocks(tx.db, "policy_id", id);
  if (open) {
    throw conflict(`${open} open ticket(s) are timed by "${p.name}". Deactivate it (active: false) and recompute them (POST /api/sla/recompute with policy_id), or wait until they are resolved.`, {
      open_tickets: open,
    });
  }
  // Finished tickets keep the policy's name in their clock and outcomes.
  await tx.db.deleteFrom("sla_policies").where("id", "=", id).execute();
  forgetDefinitions(tx);
}

/** Puts policies in the given order; the list must name every policy once. */
export async function reorderPolicies(tx: Tx, ids: number[]): Promise<void> {
  const all = (await tx.db.selectFrom("sla_policies").select("id").execute()).map((r) => r.id);
  const given = new Set(ids);
  if (given.size !== ids.length) throw invalid("ids", "names a policy more than once");
  const unknown = ids.find((id) => !all.includes(id));
  if (unknown !== undefined) throw invalid("ids", `no policy has the id ${unknown}`);
  const missing = all.filter((id) => !given.has(id));
  if (missing.length) throw invalid("ids", `must list every policy; missing: ${missing.join(", ")}`);
  for (const [i, id] of ids.entries())
    await tx.db
      .updateTable("sla_policies")
      .set({ position: i + 1 })
      .where("id", "=", id)
      .execute();
  forgetDefinitions(tx);
}
