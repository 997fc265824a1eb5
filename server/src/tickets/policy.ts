/**
 * Who may see and change which tickets. Visibility is one SQL predicate used by every path
 * (lists, search, single reads, links, attachments), so no path can disagree with another.
 *
 * - admins see every ticket;
 * - agents and supervisors see the tickets of their teams, tickets with no team yet (the triage
 *   queue), tickets assigned to them, and tickets they requested or watch;
 * - requesters see tickets they requested or watch, and their organization's tickets when the
 *   organization shares them;
 * - nobody but an admin sees a draft made by someone else.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { isAdmin, isStaff } from "../auth/actor.ts";
import { type AppContext, type Executor, inTransaction } from "../context.ts";
import type { Database, TicketRow } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import { parseTicketKey } from "./reference.ts";

type TicketsEb = ExpressionBuilder<Database, "tickets">;

/** What visibility depends on, as the live stream holds it for a ticket it is about to announce. */
export interface TicketFacts {
  id: number;
  team_id: number | null;
  requester_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  status_category: string;
  created_by_id: number | null;
}

/** The columns of TicketFacts other than the id, for a query that joins tickets. */
export const TICKET_FACT_COLUMNS = ["tickets.team_id", "tickets.requester_id", "tickets.assignee_id", "tickets.organization_id", "tickets.status_category", "tickets.created_by_id"] as const;

/**
 * visibleTo() for a ticket already in memory, where one query per listener would cost too
 * much (the live stream). `watches`: the actor watches the ticket; `orgShares`: the ticket's
 * organization shares its tickets. test/visibility-twins.test.ts checks that the two agree.
 */
export function seesTicket(actor: Actor, t: TicketFacts, watches: boolean, orgShares: boolean): boolean {
  if (isAdmin(actor)) return true;
  if (t.status_category === "draft" && t.created_by_id !== actor.id) return false;
  if (isStaff(actor)) return t.team_id == null || actor.team_ids.includes(t.team_id) || t.assignee_id === actor.id || t.requester_id === actor.id || watches;
  return t.requester_id === actor.id || watches || (orgShares && t.organization_id != null && t.organization_id === actor.organization_id);
}

export function visibleTo(actor: Actor) {
  return (eb: TicketsEb): Expression<SqlBool> => {
    if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
    // A draft is unfinished work: only its author sees it (agents too, else it sits in the triage queue).
    const notOthersDraft = eb.or([eb("tickets.status_category", "!=", "draft"), eb("tickets.created_by_id", "=", actor.id)]);
    const watches = eb.exists(
      eb.selectFrom("ticket_watchers").select("ticket_watchers.ticket_id").whereRef("ticket_watchers.ticket_id", "=", "tickets.id").where("ticket_watchers.user_id", "=", actor.id),
    );
    if (isStaff(actor)) {
      const ors = [eb("tickets.team_id", "is", null), eb("tickets.assignee_id", "=", actor.id), eb("tickets.requester_id", "=", actor.id), watches];
      if (actor.team_ids.length) ors.push(eb("tickets.team_id", "in", actor.team_ids));
      return eb.and([eb.or(ors), notOthersDraft]);
    }
    const ors = [eb("tickets.requester_id", "=", actor.id), watches];
    if (actor.organization_id != null) {
      ors.push(
        eb.and([
          eb("tickets.organization_id", "=", actor.organization_id),
          eb.exists(eb.selectFrom("organizations").select("organizations.id").where("organizations.id", "=", actor.organization_id).where("organizations.shares_tickets", "=", 1)),
        ]),
      );
    }
    return eb.and([eb.or(ors), notOthersDraft]);
  };
}

/**
 * The ticket row if the actor may see it; otherwise a 404 that does not tell whether the ticket
 * exists. A bare number is tried as an id first, then as a reference number.
 */
export async function findVisibleTicket(db: Executor, actor: Actor, key: string | number) {
  const parsed = parseTicketKey(key);
  if (!parsed) throw notFound("The ticket");
  const byId = parsed.id !== undefined;
  let row = await db
    .selectFrom("tickets")
    .selectAll()
    .where(byId ? "id" : "number", "=", (parsed.id ?? parsed.number)!)
    .where(visibleTo(actor))
    .executeTakeFirst();
  if (!row && byId && typeof key === "string") {
    row = await db.selectFrom("tickets").selectAll().where("number", "=", parsed.id!).where(visibleTo(actor)).executeTakeFirst();
  }
  if (!row) throw notFound("The ticket");
  return row;
}

/**
 * The body of a route that changes one ticket: finds the ticket `key` names among those the
 * actor can see (404 otherwise), then runs `change` on it in one transaction.
 */
export async function changeVisibleTicket<T>(ctx: AppContext, actor: Actor, key: string | number, change: (tx: AppContext, ticket: TicketRow) => Promise<T>): Promise<T> {
  const ticket = await findVisibleTicket(ctx.db, actor, key);
  return inTransaction(ctx, (tx) => change(tx, ticket));
}

/**
 * A row that belongs to a ticket (a held message, held copies) when the actor can see that
 * ticket; a missing row or an invisible ticket is the same 404, naming `what`.
 */
export async function onVisibleTicket<R extends { ticket_id: number }>(db: Executor, actor: Actor, row: R | undefined, what: string): Promise<R> {
  if (!row) throw notFound(what);
  await findVisibleTicket(db, actor, row.ticket_id).catch(() => {
    throw notFound(what);
  });
  return row;
}

/** Fields each role may set when creating or changing a ticket (no mass assignment). */
const REQUESTER_CREATE = new Set(["subject", "description", "format", "type", "category_id", "impact", "urgency", "custom_fields", "attachment_ids", "watcher_ids", "status"]);
const REQUESTER_UPDATE = new Set(["version", "status"]);

export function assertFieldsAllowed(actor: Actor, fields: string[], op: "create" | "update"): string | undefined {
  if (isStaff(actor)) return undefined;
  const allowed = op === "create" ? REQUESTER_CREATE : REQUESTER_UPDATE;
  return fields.find((f) => !allowed.has(f));
}

// ---- Visibility in compiled queries -------------------------------------------------------
// A query compiled once (db/prepared.ts) serves every caller of one shape: role, number of teams,
// whether they belong to an organization. Their id, organization and teams are its parameters,
// and visibility is visibleTo() itself, applied to a caller made of those parameters.

/** What of the caller changes the SQL text of a visibility check; see callerShape(). */
export interface CallerShape {
  who: "admin" | "staff" | "requester";
  teams: number;
  org: boolean;
}

/** The caller's shape; `visible: false` for a query with no visibility check (only staff or not then matters). */
export function callerShape(actor: Actor, visible = true): CallerShape {
  const who = isAdmin(actor) ? "admin" : isStaff(actor) ? "staff" : "requester";
  // Only visibility reads the caller's teams and organization, and only for some roles.
  return { who, teams: visible && who === "staff" ? actor.team_ids.length : 0, org: visible && who === "requester" && actor.organization_id != null };
}

export const shapeKey = (s: CallerShape) => `${s.who}:${s.teams}:${s.org}`;

/** A compiled query's parameters by name; the caller's are named `caller.…`, as shapeActor() reads them. */
export type CallerParams = Record<string, string | number | null>;
export function callerParams(actor: Actor): CallerParams {
  const p: CallerParams = { "caller.id": actor.id, "caller.org": actor.organization_id };
  actor.team_ids.forEach((t, i) => (p[`caller.team.${i}`] = t));
  return p;
}

/**
 * A caller of `shape` whose id, organization and teams are the parameters `p` of a query being
 * compiled. Read lazily: a parameter is named only where visibleTo() uses it (an admin's uses none).
 */
export function shapeActor(s: CallerShape, p: Readonly<CallerParams>): Actor {
  return {
    role: s.who === "staff" ? "agent" : s.who,
    get id() {
      return p["caller.id"] as number;
    },
    get organization_id() {
      return s.org ? (p["caller.org"] as number) : null;
    },
    get team_ids() {
      return Array.from({ length: s.teams }, (_, i) => p[`caller.team.${i}`] as number);
    },
    email: "",
    name: "",
    auth: "token",
  };
}
