/**
 * The statements syncSla (sync.ts) runs on every change of a ticket, compiled once
 * (db/prepared.ts): a ticket change runs several of them, and building them each time cost more
 * than running them.
 */
import { prepared } from "../db/prepared.ts";
import type { TicketRow } from "../db/schema.ts";
import type { ClockLogKind, SlaClocksTable, SlaTargetsTable } from "./tables.ts";
import type { Selectable } from "kysely";

type Id = { ticket_id: number };

export const ticketRow = prepared<Id, TicketRow>((db, p) => db.selectFrom("tickets").selectAll().where("id", "=", p.ticket_id));

export const clockLogOf = prepared<Id, { at: string; reason: string | null }>((db, p) => db.selectFrom("sla_clock_log").select(["at", "reason"]).where("ticket_id", "=", p.ticket_id).orderBy("id"));

export const appendClockLog = prepared<Id & { at: string; kind: ClockLogKind; reason: string | null }>((db, p) =>
  db.insertInto("sla_clock_log").values({ ticket_id: p.ticket_id, at: p.at, kind: p.kind, reason: p.reason }),
);

export const clockOf = prepared<Id, Selectable<SlaClocksTable>>((db, p) => db.selectFrom("sla_clocks").selectAll().where("ticket_id", "=", p.ticket_id));

export const targetsOf = prepared<Id, Selectable<SlaTargetsTable>>((db, p) => db.selectFrom("sla_targets").selectAll().where("ticket_id", "=", p.ticket_id));

const clockValues = (p: SlaClocksTable) => ({
  policy_id: p.policy_id,
  policy_name: p.policy_name,
  calendar_id: p.calendar_id,
  priority: p.priority,
  matched_on: p.matched_on,
  terms: p.terms,
  state: p.state,
  since: p.since,
  reason: p.reason,
  used_ms: p.used_ms,
  paused_ms: p.paused_ms,
  paused_business_ms: p.paused_business_ms,
  updated_at: p.updated_at,
});

export const insertClock = prepared<SlaClocksTable>((db, p) => db.insertInto("sla_clocks").values({ ticket_id: p.ticket_id, ...clockValues(p) }));

export const updateClock = prepared<SlaClocksTable>((db, p) => db.updateTable("sla_clocks").set(clockValues(p)).where("ticket_id", "=", p.ticket_id));

export const insertTarget = prepared<SlaTargetsTable>((db, p) =>
  db.insertInto("sla_targets").values({
    ticket_id: p.ticket_id,
    kind: p.kind,
    cycle: p.cycle,
    started_at: p.started_at,
    target_ms: p.target_ms,
    warn_ms: p.warn_ms,
    due_at: p.due_at,
    warn_at: p.warn_at,
    met_at: p.met_at,
    used_ms: p.used_ms,
    warned_at: p.warned_at,
    breached_at: p.breached_at,
  }),
);

type SlaColumns = Pick<TicketRow, "sla_state" | "sla_kind" | "sla_due_at" | "sla_warn_at" | "sla_remaining_ms" | "sla_sort" | "sla_next_check_at">;

export const updateTicketColumns = prepared<Id & SlaColumns>((db, p) =>
  db
    .updateTable("tickets")
    .set({
      sla_state: p.sla_state,
      sla_kind: p.sla_kind,
      sla_due_at: p.sla_due_at,
      sla_warn_at: p.sla_warn_at,
      sla_remaining_ms: p.sla_remaining_ms,
      sla_sort: p.sla_sort,
      sla_next_check_at: p.sla_next_check_at,
    })
    .where("id", "=", p.ticket_id),
);
