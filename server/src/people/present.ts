/** Explicit views of people: password hashes and other secrets never leave through here. */
import type { Organization, Team, User } from "@tessera/contracts";
import type { Executor } from "../context.ts";
import type { UserRow } from "../db/schema.ts";

export async function presentUsers(db: Executor, rows: UserRow[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const orgIds = [...new Set(rows.map((r) => r.organization_id).filter((x): x is number => x != null))];
  const [orgs, teams] = await Promise.all([
    orgIds.length ? db.selectFrom("organizations").select(["id", "name"]).where("id", "in", orgIds).execute() : [],
    db
      .selectFrom("team_members")
      .innerJoin("teams", "teams.id", "team_members.team_id")
      .select(["team_members.user_id", "teams.id", "teams.name"])
      .where("team_members.user_id", "in", ids)
      .orderBy("teams.name")
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    organization: orgs.find((o) => o.id === r.organization_id) ?? null,
    active: !!r.active,
    teams: teams.filter((t) => t.user_id === r.id).map((t) => ({ id: t.id, name: t.name })),
    created_at: r.created_at,
    last_login_at: r.last_login_at,
  }));
}

export function presentOrganization(r: { id: number; name: string; domain: string | null; shares_tickets: number; created_at: string }): Organization {
  return { id: r.id, name: r.name, domain: r.domain, shares_tickets: !!r.shares_tickets, created_at: r.created_at };
}

export async function presentTeams(db: Executor, rows: Array<{ id: number; name: string; description: string; created_at: string }>): Promise<Team[]> {
  if (rows.length === 0) return [];
  const members = await db
    .selectFrom("team_members")
    .innerJoin("users", "users.id", "team_members.user_id")
    .select(["team_members.team_id", "users.id", "users.name", "users.email", "users.role"])
    .where(
      "team_members.team_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("users.name")
    .execute();
  return rows.map((r) => ({
    ...r,
    members: members.filter((m) => m.team_id === r.id).map(({ team_id: _, ...m }) => m),
  }));
}
