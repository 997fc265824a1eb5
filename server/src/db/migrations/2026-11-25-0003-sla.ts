import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** SLAs: business-hour calendars, policies, each ticket's clock and the outcome of every target. */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.instant;
  // Durations are business milliseconds: ten years of them do not fit a 32-bit integer.
  const ms = "bigint" as const;

  await c
    .id(db.schema.createTable("sla_calendars"))
    .addColumn("name", "text", (col) => col.notNull().unique())
    .$call(c.required("text", "time_zone", "hours"))
    .addColumn("holidays", "text", (col) => col.notNull().defaultTo("[]"))
    .addColumn("is_default", "integer", c.flag)
    .$call(c.timestamps)
    .execute();

  await c
    .id(db.schema.createTable("sla_policies"))
    .addColumn("name", "text", (col) => col.notNull().unique())
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("position", "integer", (col) => col.notNull())
    .addColumn("active", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("conditions", "text", (col) => col.notNull())
    .addColumn("calendar_id", "integer", (col) => col.notNull().references("sla_calendars.id"))
    .addColumn("targets", "text", (col) => col.notNull())
    .addColumn("warn_percent", "integer", (col) => col.notNull().defaultTo(75))
    .addColumn("pause_on", "text", (col) => col.notNull())
    .addColumn("escalations", "text", (col) => col.notNull().defaultTo("[]"))
    .$call(c.timestamps)
    .execute();
  await db.schema.createIndex("sla_policies_position").on("sla_policies").columns(["position", "id"]).execute();

  // Each ticket's clock as of its last change: enough to know where it stands without replaying
  // its log. `matched_on` is what the policy was chosen by, to notice when that changes; `terms`
  // are the policy's targets and rules as they were when chosen, so that editing a policy changes
  // a ticket's deadlines only when it is recomputed.
  await db.schema
    .createTable("sla_clocks")
    .addColumn("ticket_id", "integer", (col) => col.primaryKey().references("tickets.id").onDelete("cascade"))
    .addColumn("policy_id", "integer", c.refersTo("sla_policies", "set null"))
    .addColumn("policy_name", "text")
    .addColumn("calendar_id", "integer", c.refersTo("sla_calendars", "set null"))
    .$call(c.required("text", "priority", "matched_on", "terms", "state"))
    .addColumn("since", ts)
    .addColumn("reason", "text")
    .addColumn("used_ms", ms, (col) => col.notNull().defaultTo(0))
    .addColumn("paused_ms", ms, (col) => col.notNull().defaultTo(0))
    .addColumn("paused_business_ms", ms, (col) => col.notNull().defaultTo(0))
    .addColumn("updated_at", ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("sla_clocks_policy").on("sla_clocks").columns(["policy_id", "state"]).execute();
  await db.schema.createIndex("sla_clocks_calendar").on("sla_clocks").columns(["calendar_id", "state"]).execute();

  // The clock's life, append-only: each status category the ticket entered, and when. Replaying it under
  // a calendar gives the business time used at any instant; "explain" and "recompute" read it.
  await c
    .id(db.schema.createTable("sla_clock_log"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("at", ts, (col) => col.notNull())
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("reason", "text")
    .execute();
  await db.schema.createIndex("sla_clock_log_ticket").on("sla_clock_log").columns(["ticket_id", "id"]).execute();

  // One row per target of a ticket (next response: one per requester message awaiting an
  // answer). warned_at and breached_at are claimed once by a conditional UPDATE and never cleared.
  await db.schema
    .createTable("sla_targets")
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("cycle", "integer", (col) => col.notNull())
    .addColumn("started_at", ts, (col) => col.notNull())
    .$call(c.required(ms, "target_ms", "warn_ms"))
    .addColumn("due_at", ts)
    .addColumn("warn_at", ts)
    .addColumn("met_at", ts)
    .addColumn("used_ms", ms, (col) => col.notNull().defaultTo(0))
    .addColumn("warned_at", ts)
    .addColumn("breached_at", ts)
    .addPrimaryKeyConstraint("sla_targets_pk", ["ticket_id", "kind", "cycle"])
    .execute();

  // Every outcome, append-only and kept forever (reports read it): met or breached, by how much.
  await c
    .id(db.schema.createTable("sla_outcomes"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("cycle", "integer", (col) => col.notNull())
    .addColumn("policy_id", "integer")
    .$call(c.required("text", "policy_name", "priority"))
    .$call(c.required(ms, "target_ms", "used_ms"))
    .addColumn("met", "integer", (col) => col.notNull())
    .addColumn("margin_ms", ms, (col) => col.notNull())
    .$call(c.required(ts, "started_at", "ended_at", "recorded_at"))
    .execute();
  await db.schema.createIndex("sla_outcomes_ticket").on("sla_outcomes").columns(["ticket_id", "id"]).execute();
  await db.schema.createIndex("sla_outcomes_ended").on("sla_outcomes").column("ended_at").execute();

  // What a list badge, `sort=sla` and the sweep need, on the ticket itself. sla_sort is one
  // keyset-sortable text (state rank, then due time); sla_next_check_at is the next instant the
  // sweep has something to do for the ticket (a warning or a breach), null when nothing is due.
  await db.schema
    .alterTable("tickets")
    .addColumn("sla_state", "text", (col) => col.notNull().defaultTo("none"))
    .execute();
  await db.schema.alterTable("tickets").addColumn("sla_kind", "text").execute();
  await db.schema.alterTable("tickets").addColumn("sla_due_at", ts).execute();
  await db.schema.alterTable("tickets").addColumn("sla_warn_at", ts).execute();
  await db.schema.alterTable("tickets").addColumn("sla_remaining_ms", ms).execute();
  await db.schema
    .alterTable("tickets")
    .addColumn("sla_sort", "text", (col) => col.notNull().defaultTo("5"))
    .execute();
  await db.schema.alterTable("tickets").addColumn("sla_next_check_at", ts).execute();
  await db.schema.createIndex("tickets_sla_check").on("tickets").column("sla_next_check_at").execute();
  await db.schema.createIndex("tickets_sla_sort").on("tickets").columns(["sla_sort", "id"]).execute();
  await db.schema.createIndex("tickets_sla_state").on("tickets").columns(["sla_state", "sla_warn_at"]).execute();
  // Auto-close finds resolved tickets by when they were resolved.
  await db.schema.createIndex("tickets_resolved").on("tickets").columns(["status_category", "resolved_at"]).execute();

  const now = new Date().toISOString();
  await db
    .insertInto("sla_calendars")
    .values({
      name: "24×7",
      time_zone: "UTC",
      hours: JSON.stringify(DAYS.map((day) => ({ day, start: "00:00", end: "24:00", overnight: false }))),
      holidays: "[]",
      is_default: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
