/** Row types of the SLA tables (see the 0003-sla migration). Durations are business milliseconds. */
import type { Generated } from "kysely";

type Flag = number;

export interface SlaCalendarsTable {
  id: Generated<number>;
  name: string;
  time_zone: string;
  /** JSON: Shift[] (contracts/src/sla.ts). */
  hours: string;
  /** JSON: Holiday[]. */
  holidays: string;
  is_default: Flag;
  created_at: string;
  updated_at: string;
}

export interface SlaPoliciesTable {
  id: Generated<number>;
  name: string;
  description: string;
  position: number;
  active: Flag;
  /** JSON: PolicyConditions. */
  conditions: string;
  calendar_id: number;
  /** JSON: PolicyTargets (minutes). */
  targets: string;
  warn_percent: number;
  /** JSON: status categories. */
  pause_on: string;
  /** JSON: Escalation[]. */
  escalations: string;
  created_at: string;
  updated_at: string;
}

export type ClockState = "running" | "paused" | "stopped" | "none";

export interface SlaClocksTable {
  ticket_id: number;
  policy_id: number | null;
  policy_name: string | null;
  calendar_id: number | null;
  priority: string;
  /** JSON: the ticket fields the policy was matched on. */
  matched_on: string;
  /** JSON: Terms (sync.ts), the policy's rules for this ticket as they were when matched. */
  terms: string;
  state: ClockState;
  /** When the current state began. */
  since: string | null;
  /** Why the clock is paused or stopped: the ticket's status category. */
  reason: string | null;
  /** Business time counted before `since`. */
  used_ms: number;
  /** Wall-clock time spent paused before `since`, and the business time within it. */
  paused_ms: number;
  paused_business_ms: number;
  updated_at: string;
}

/** `start` when the clock first runs, `status` each time the ticket enters another status category (in `reason`). */
export type ClockLogKind = "start" | "status";

export interface SlaClockLogTable {
  id: Generated<number>;
  ticket_id: number;
  at: string;
  kind: ClockLogKind;
  reason: string | null;
}

export interface SlaTargetsTable {
  ticket_id: number;
  kind: string;
  cycle: number;
  started_at: string;
  target_ms: number;
  warn_ms: number;
  due_at: string | null;
  warn_at: string | null;
  met_at: string | null;
  used_ms: number;
  warned_at: string | null;
  breached_at: string | null;
}

export interface SlaOutcomesTable {
  id: Generated<number>;
  ticket_id: number;
  kind: string;
  cycle: number;
  policy_id: number | null;
  policy_name: string;
  priority: string;
  target_ms: number;
  used_ms: number;
  met: Flag;
  /** Target minus used: positive when met early, negative when late. */
  margin_ms: number;
  started_at: string;
  ended_at: string;
  recorded_at: string;
}

export interface SlaTables {
  sla_calendars: SlaCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_clocks: SlaClocksTable;
  sla_clock_log: SlaClockLogTable;
  sla_targets: SlaTargetsTable;
  sla_outcomes: SlaOutcomesTable;
}

/**
 * The SLA columns the migration adds to `tickets`, merged into the tickets row type here so
 * that the SLA domain declares what it owns. They are written only by sla/ (syncSla, the sweep).
 */
declare module "../schema.ts" {
  interface TicketsTable {
    /** on_track | at_risk | breached | paused | met | none, as of the last clock change or sweep. */
    sla_state: Generated<string>;
    sla_kind: string | null;
    sla_due_at: string | null;
    sla_warn_at: string | null;
    /** Business time left at the last change; what a paused badge shows. */
    sla_remaining_ms: number | null;
    /** State rank and due time as one sortable text, for `sort=sla` with keyset pages. */
    sla_sort: Generated<string>;
    /** The next instant the sweep has work for this ticket. */
    sla_next_check_at: string | null;
  }
}
