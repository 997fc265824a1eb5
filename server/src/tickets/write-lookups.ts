// Lookups that validate the ids named in a ticket write (users, teams, categories, watchers, requester).
import type { TicketCreateInput } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { type Actor, isStaff } from "../auth/actor.ts";
import { invalid } from "../errors.ts";
import { findOrCreatePerson } from "../people/create.ts";
import { assertTeamExists } from "../people/teams.ts";
import { prepared } from "../db/prepared.ts";
import type { CategoriesTable } from "../db/schema.ts";
import type { Selectable } from "kysely";

type Tx = AppContext;

// Run on every ticket write that names a person or a category: compiled once.
const userById = prepared<{ id: number }, { id: number; role: Actor["role"]; active: number; organization_id: number | null; email: string }>((db, p) =>
  db.selectFrom("users").select(["id", "role", "active", "organization_id", "email"]).where("id", "=", p.id),
);
const membership = prepared<{ team_id: number; user_id: number }, { user_id: number }>((db, p) =>
  db.selectFrom("team_members").select("user_id").where("team_id", "=", p.team_id).where("user_id", "=", p.user_id),
);
const categoryById = prepared<{ id: number }, Selectable<CategoriesTable>>((db, p) => db.selectFrom("categories").selectAll().where("id", "=", p.id));

export async function activeUser(tx: Tx, id: number, field: string) {
  const u = await userById.first(tx.db, { id });
  if (!u || !u.active) throw invalid(field, `no active user has the id ${id}`);
  return u;
}

export async function assertAssignable(tx: Tx, assigneeId: number, teamId: number | null) {
  const u = await activeUser(tx, assigneeId, "assignee_id");
  if (u.role === "requester") throw invalid("assignee_id", "tickets can only be assigned to agents");
  if (teamId != null) {
    const member = await membership.first(tx.db, { team_id: teamId, user_id: assigneeId });
    if (!member) throw invalid("assignee_id", "the assignee is not a member of the ticket's team");
  }
}

export const assertTeam = (tx: Tx, teamId: number | null | undefined) => assertTeamExists(tx.db, "team_id", teamId);

export async function findCategory(tx: Tx, id: number | null | undefined) {
  if (id == null) return undefined;
  const c = await categoryById.first(tx.db, { id });
  if (!c || !c.active) throw invalid("category_id", `no active category has the id ${id}`);
  return c;
}

/** A category's default team and type, inherited from the nearest ancestor that sets them. */
async function categoryDefaults(tx: Tx, category: { parent_id: number | null; default_team_id: number | null; default_type: string | null } | undefined) {
  let teamId = category?.default_team_id ?? null;
  let type = category?.default_type ?? null;
  let parentId = category?.parent_id ?? null;
  for (let depth = 0; parentId != null && (teamId == null || type == null) && depth < 20; depth++) {
    const parent = await categoryById.first(tx.db, { id: parentId });
    if (!parent) break;
    teamId ??= parent.default_team_id;
    type ??= parent.default_type;
    parentId = parent.parent_id;
  }
  return { teamId, type };
}

export async function validateWatchers(tx: Tx, actor: Actor, ids: number[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return unique;
  const rows = await tx.db.selectFrom("users").select(["id", "organization_id", "active"]).where("id", "in", unique).execute();
  for (const id of unique) {
    const u = rows.find((r) => r.id === id);
    // Requesters may copy in colleagues of their own organization only; unknown ids look the same as others.
    if (!u || !u.active || (!isStaff(actor) && (actor.organization_id == null || u.organization_id !== actor.organization_id))) {
      throw invalid("watcher_ids", `no person you can add has the id ${id}`);
    }
  }
  return unique;
}

/** An agent filing for someone else names them by id, or by email (a new requester is created). */
async function resolveRequester(tx: Tx, actor: Actor, input: TicketCreateInput) {
  if (input.requester_id !== undefined) return activeUser(tx, input.requester_id, "requester_id");
  if (input.requester) {
    const email = input.requester.email;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid("requester.email", "must be an email address");
    const person = await findOrCreatePerson(tx, { email, name: input.requester.name });
    if (!person.active) throw invalid("requester.email", "this person's account is disabled");
    return person;
  }
  return { id: actor.id, role: actor.role, active: 1, organization_id: actor.organization_id, email: actor.email };
}

/**
 * Every id a new ticket names, looked up and checked in one pass: the requester (created when an
 * agent names a new address), the category and the team and type it implies, the assignee, and
 * the watchers (`extraWatcherIds` are trusted, e.g. the Cc of an inbound message).
 */
export async function lookupCreateRefs(tx: Tx, actor: Actor, input: TicketCreateInput, extraWatcherIds: number[] = []) {
  const category = await findCategory(tx, input.category_id);
  const defaults = await categoryDefaults(tx, category);
  const teamId = input.team_id !== undefined ? input.team_id : defaults.teamId;
  await assertTeam(tx, teamId);
  if (input.assignee_id != null) await assertAssignable(tx, input.assignee_id, teamId);
  const named = await validateWatchers(tx, actor, input.watcher_ids ?? []);
  // Last, so that a new requester is created only once everything else has been checked.
  const requester = await resolveRequester(tx, actor, input);
  const watchers = [...new Set([...named, ...extraWatcherIds])].filter((id) => id !== requester.id);
  return { requester, category, defaultType: defaults.type, teamId, watchers };
}
