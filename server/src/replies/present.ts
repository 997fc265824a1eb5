/** What canned replies and macros share when presented: scope, team, owner, and whether the caller may change it. */
import type { Actor } from "../auth/actor.ts";
import type { Executor } from "../context.ts";
import { canEdit, type Kind, type Shared } from "./policy.ts";

export interface SharedRefs {
  teams: Map<number, { id: number; name: string }>;
  users: Map<number, { id: number; name: string; email: string }>;
}

/** The teams and owners named by a page of rows, in two queries. */
export async function sharedFor(db: Executor, rows: Shared[]): Promise<SharedRefs> {
  const teamIds = [...new Set(rows.map((r) => r.team_id).filter((x): x is number => x != null))];
  const userIds = [...new Set(rows.map((r) => r.owner_id).filter((x): x is number => x != null))];
  const [teams, users] = await Promise.all([
    teamIds.length ? db.selectFrom("teams").select(["id", "name"]).where("id", "in", teamIds).execute() : Promise.resolve([]),
    userIds.length ? db.selectFrom("users").select(["id", "name", "email"]).where("id", "in", userIds).execute() : Promise.resolve([]),
  ]);
  return { teams: new Map(teams.map((t) => [t.id, t])), users: new Map(users.map((u) => [u.id, u])) };
}

export function presentShared(r: Shared, actor: Actor, refs: SharedRefs, kind: Kind) {
  return {
    scope: r.scope as "personal" | "team" | "everyone",
    team: r.team_id != null ? (refs.teams.get(r.team_id) ?? null) : null,
    owner: r.owner_id != null ? (refs.users.get(r.owner_id) ?? null) : null,
    editable: canEdit(actor, r, kind),
  };
}

/** Presents rows with the teams and owners they name, read once for all of them. */
export async function presentAll<R extends Shared, T>(db: Executor, actor: Actor, rows: R[], present: (r: R, actor: Actor, refs: SharedRefs) => T): Promise<T[]> {
  const refs = await sharedFor(db, rows);
  return rows.map((r) => present(r, actor, refs));
}
