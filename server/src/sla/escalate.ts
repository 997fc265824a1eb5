/**
 * What a warning or a breach does: the actions the policy lists for that level, each recorded in
 * the ticket's audit with `via: sla:<policy name>`. They run in the transaction that claimed the
 * warning or breach, so they happen exactly once with it.
 */
import type { EscalationAction, Priority, SlaTargetKind } from "@tessera/contracts";
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { notify, type NotificationKind } from "../notifications/service.ts";
import { recordEvents, type EventInput } from "../tickets/events.ts";
import { referenceOf } from "../tickets/reference.ts";
import { formatDuration } from "./calendar.ts";
import type { PolicyRecord } from "./definitions.ts";

type Tx = AppContext;
export type Level = "warning" | "breach";

/** The notification kinds the SLA sends; nobody in particular is their actor. */
export type SlaNotificationKind = Extract<NotificationKind, "sla_warning" | "sla_breach" | "auto_closed">;
export function notifySla(db: Tx["db"], input: { userIds: number[]; ticketId: number; kind: SlaNotificationKind; summary: string; now: string }) {
  return notify(db, { ...input, actorId: null });
}

const KIND_WORDS: Record<SlaTargetKind, string> = { first_response: "first response", next_response: "next response", resolution: "resolution" };

export const PRIORITY_UP: Record<Priority, Priority> = { P4: "P3", P3: "P2", P2: "P1", P1: "P1" };

export interface FiredTarget {
  kind: SlaTargetKind;
  cycle: number;
  due_at: string | null;
  /** Business time left (warning) when it fired. */
  remaining_ms: number;
}

function summaryOf(t: TicketRow, level: Level, target: FiredTarget): string {
  const what = KIND_WORDS[target.kind];
  return level === "warning"
    ? `${referenceOf(t)} ${t.subject}: ${what} due in ${formatDuration(Math.max(0, target.remaining_ms))} of business time`
    : `${referenceOf(t)} ${t.subject}: ${what} target breached`;
}

/** The actions a policy lists for a level and a target kind. */
export function actionsFor(policy: PolicyRecord | undefined, level: Level, kind: SlaTargetKind): EscalationAction[] {
  return policy ? policy.escalations.filter((e) => e.level === level && (!e.kinds.length || e.kinds.includes(kind))).flatMap((e) => e.actions) : [];
}

/** Whether any of the actions changes the ticket itself (then they run one by one, in order, through escalate()). */
export const changesTicket = (actions: EscalationAction[]) => actions.some((a) => a.type === "reassign_team" || a.type === "raise_priority");

export interface Notice {
  ticket: TicketRow;
  policy: PolicyRecord | undefined;
  level: Level;
  target: FiredTarget;
  /** Set for a warning or breach that happened long before this sweep (see sweeper.ts): recorded at this instant, nobody notified. */
  lateAt?: string;
}

export interface PlannedEvent {
  ticketId: number;
  via: string;
  at: string;
  event: EventInput;
}

/** What escalate() records instead of a notification for a warning or breach found long after it happened. */
const LATE = "it happened long before this sweep found it; recorded at its own time without notifying anyone";

export interface EscalateOptions {
  /** The warning or breach happened at this instant, long ago: its events carry this time and nobody is notified. */
  lateAt?: string;
  /** This sweep already raised the ticket's priority for another of its breaches: one step per sweep. */
  priorityRaised?: boolean;
}

/**
 * The notify-only escalations of many fired targets at once, as escalate() would run them one
 * by one: who is told (assignees, team supervisors, named agents, one query each for the whole
 * batch), as notification rows and audit events ready to insert together.
 */
export async function planNotices(tx: Tx, items: Notice[], now: string) {
  const teams = [...new Set(items.filter((i) => actionsFor(i.policy, i.level, i.target.kind).some((a) => a.type === "notify_supervisors") && i.ticket.team_id != null).map((i) => i.ticket.team_id!))];
  const named = [...new Set(items.flatMap((i) => actionsFor(i.policy, i.level, i.target.kind).flatMap((a) => (a.type === "notify_user" ? [a.user_id] : []))))];
  const [supervisors, agents] = await Promise.all([
    teams.length
      ? tx.db
          .selectFrom("team_members")
          .innerJoin("users", "users.id", "team_members.user_id")
          .select(["team_members.team_id", "users.id"])
          .where("team_members.team_id", "in", teams)
          .where("users.role", "=", "supervisor")
          .where("users.active", "=", 1)
          .execute()
      : Promise.resolve([]),
    named.length ? tx.db.selectFrom("users").select("id").where("id", "in", named).where("active", "=", 1).where("role", "!=", "requester").execute() : Promise.resolve([]),
  ]);
  const notifications: Array<{ user_id: number; ticket_id: number; kind: SlaNotificationKind; actor_id: null; summary: string; created_at: string; read_at: null }> = [];
  const events: PlannedEvent[] = [];
  for (const { ticket: t, policy, level, target, lateAt } of items) {
    if (!policy) continue;
    const via = `sla:${policy.name}`;
    const kind: SlaNotificationKind = level === "warning" ? "sla_warning" : "sla_breach";
    const summary = summaryOf(t, level, target).slice(0, 300);
    const tell = (ids: number[]) => {
      if (lateAt) return;
      for (const user_id of new Set(ids)) notifications.push({ user_id, ticket_id: t.id, kind, actor_id: null, summary, created_at: now, read_at: null });
    };
    const done = (action: EscalationAction, detail: Record<string, unknown>) =>
      events.push({
        ticketId: t.id,
        via,
        at: lateAt ?? now,
        event: {
          action: "sla_escalated",
          field: target.kind,
          new: { level, kind: target.kind, cycle: target.cycle, action: action.type, ...detail, ...(lateAt && !detail.skipped ? { not_notified: LATE } : {}) },
        },
      });
    for (const action of actionsFor(policy, level, target.kind)) {
      if (action.type === "notify_assignee") {
        const ids = t.assignee_id ? [t.assignee_id] : [];
        tell(ids);
        done(action, ids.length ? { user_ids: ids } : { skipped: "the ticket has no assignee" });
      } else if (action.type === "notify_supervisors") {
        const ids = supervisors.filter((s) => s.team_id === t.team_id).map((s) => s.id);
        tell(ids);
        done(action, ids.length ? { user_ids: ids } : { skipped: t.team_id ? "the team has no supervisor" : "the ticket has no team" });
      } else if (action.type === "notify_user") {
        const ok = agents.some((a) => a.id === action.user_id);
        if (ok) tell([action.user_id]);
        done(action, ok ? { user_ids: [action.user_id] } : { skipped: `user ${action.user_id} is not an active agent` });
      }
    }
  }
  return { notifications, events };
}

/**
 * Runs the policy's actions for this level and target kind. Returns true when the ticket itself
 * changed (team or priority), so the caller re-syncs its clock.
 */
export async function escalate(tx: Tx, t: TicketRow, policy: PolicyRecord | undefined, level: Level, target: FiredTarget, now: string, opts: EscalateOptions = {}): Promise<boolean> {
  if (!policy) return false;
  // Events carry the instant the warning or breach happened; the ticket's updated_at stays the real now.
  const at = opts.lateAt ?? now;
  const late = opts.lateAt ? { not_notified: LATE } : {};
  const via = `sla:${policy.name}`;
  const kind: SlaNotificationKind = level === "warning" ? "sla_warning" : "sla_breach";
  const summary = summaryOf(t, level, target);
  const actions = actionsFor(policy, level, target.kind);
  let current = t;
  let changed = false;
  const events: EventInput[] = [];
  const done = (action: EscalationAction, detail: Record<string, unknown>) =>
    events.push({ action: "sla_escalated", field: target.kind, new: { level, kind: target.kind, cycle: target.cycle, action: action.type, ...detail } });
  const tell = (userIds: number[]) => (opts.lateAt ? Promise.resolve() : notifySla(tx.db, { userIds, ticketId: t.id, kind, summary, now }));

  for (const action of actions) {
    switch (action.type) {
      case "notify_assignee": {
        const ids = current.assignee_id ? [current.assignee_id] : [];
        await tell(ids);
        done(action, ids.length ? { user_ids: ids, ...late } : { skipped: "the ticket has no assignee" });
        break;
      }
      case "notify_supervisors": {
        const ids = current.team_id
          ? (
              await tx.db
                .selectFrom("team_members")
                .innerJoin("users", "users.id", "team_members.user_id")
                .select("users.id")
                .where("team_members.team_id", "=", current.team_id)
                .where("users.role", "=", "supervisor")
                .where("users.active", "=", 1)
                .execute()
            ).map((u) => u.id)
          : [];
        await tell(ids);
        done(action, ids.length ? { user_ids: ids, ...late } : { skipped: current.team_id ? "the team has no supervisor" : "the ticket has no team" });
        break;
      }
      case "notify_user": {
        const u = await tx.db.selectFrom("users").select(["id", "active", "role"]).where("id", "=", action.user_id).executeTakeFirst();
        const ok = !!u && !!u.active && u.role !== "requester";
        if (ok) await tell([u!.id]);
        done(action, ok ? { user_ids: [action.user_id], ...late } : { skipped: `user ${action.user_id} is not an active agent` });
        break;
      }
      case "reassign_team": {
        const team = await tx.db.selectFrom("teams").select(["id", "name"]).where("id", "=", action.team_id).executeTakeFirst();
        if (!team) {
          done(action, { skipped: `team ${action.team_id} no longer exists` });
          break;
        }
        if (current.team_id === team.id) {
          done(action, { team_id: team.id, skipped: "the ticket is already with this team" });
          break;
        }
        // As when an agent moves it: the assignee stays only if they belong to the new team.
        const stays =
          current.assignee_id != null && !!(await tx.db.selectFrom("team_members").select("user_id").where("team_id", "=", team.id).where("user_id", "=", current.assignee_id).executeTakeFirst());
        const patch = { team_id: team.id, assignee_id: stays ? current.assignee_id : null };
        await tx.db
          .updateTable("tickets")
          .set({ ...patch, updated_at: now, version: sql`version + 1` })
          .where("id", "=", t.id)
          .execute();
        const changes: EventInput[] = [{ action: "field_changed", field: "team_id", old: current.team_id, new: team.id }];
        if (patch.assignee_id !== current.assignee_id) changes.push({ action: "field_changed", field: "assignee_id", old: current.assignee_id, new: null });
        await recordEvents(tx.db, t.id, undefined, via, at, changes);
        done(action, { team_id: team.id, team: team.name });
        current = { ...current, ...patch };
        changed = true;
        break;
      }
      case "raise_priority": {
        const from = current.priority as Priority;
        const to = PRIORITY_UP[from] ?? from;
        // Several targets breached at once are one breach event: one step up, not one per target.
        if (opts.priorityRaised) {
          done(action, { skipped: "the priority was already raised for a breach found in the same sweep" });
          break;
        }
        if (to === from) {
          done(action, { skipped: `the priority is already ${from}` });
          break;
        }
        await tx.db
          .updateTable("tickets")
          .set({ priority: to, priority_overridden: 1, updated_at: now, version: sql`version + 1` })
          .where("id", "=", t.id)
          .execute();
        await recordEvents(tx.db, t.id, undefined, via, at, [{ action: "field_changed", field: "priority", old: from, new: to }]);
        done(action, { from, to });
        current = { ...current, priority: to };
        changed = true;
        break;
      }
    }
  }
  await recordEvents(tx.db, t.id, undefined, via, at, events);
  return changed;
}
