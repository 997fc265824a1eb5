/**
 * Who is calling. Identity comes only from the session cookie or an API token; headers such as
 * X-Forwarded-User or Remote-User are never read.
 */
import type { Role, TokenScope } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { hmac, sha256 } from "./secrets.ts";
import { teamIdsOf } from "../db/dialect.ts";
import { parseScopes } from "./scopes.ts";

const parseTeams = (csv: string | null, role: Role) => (role === "requester" || !csv ? [] : csv.split(",").map(Number));

/** Who a user row is, as every actor carries it, whichever way the caller signed in. */
const identityOf = (row: { id: number; role: Role; email: string; name: string; organization_id: number | null; team_ids: string | null }) => ({
  id: row.id,
  role: row.role,
  email: row.email,
  name: row.name,
  organization_id: row.organization_id,
  team_ids: parseTeams(row.team_ids, row.role),
});

export interface Actor {
  id: number;
  role: Role;
  email: string;
  name: string;
  organization_id: number | null;
  team_ids: number[];
  /** How the caller authenticated: a browser session (CSRF-checked) or an API token. */
  auth: "session" | "token";
  session?: { idHash: string; csrfToken: string };
  /** Where the request came from (request.ip and User-Agent), for the audit trail. */
  client?: { ip: string | null; userAgent: string | null };
  /** The API token used, and whether this use is the first of its clock hour (audited by recordTokenUse in audit/record.ts). */
  token?: { id: number; name: string; scopes: TokenScope[]; firstUse: boolean; auditUse: boolean };
}

export const isStaff = (a: Pick<Actor, "role">) => a.role !== "requester";
export const isAdmin = (a: Pick<Actor, "role">) => a.role === "admin";
export const isSupervisorOrAdmin = (a: Pick<Actor, "role">) => a.role === "admin" || a.role === "supervisor";

// Touching last_seen_at on every request would turn every read into a write; once a minute is enough for idle timeouts.
const TOUCH_INTERVAL_MS = 60_000;

async function loadTeams(ctx: AppContext, userId: number, role: Role): Promise<number[]> {
  if (role === "requester") return [];
  const rows = await ctx.db.selectFrom("team_members").select("team_id").where("user_id", "=", userId).execute();
  return rows.map((r) => r.team_id);
}

export async function actorFromSession(ctx: AppContext, sessionId: string): Promise<Actor | undefined> {
  if (sessionId.length > 200) return undefined;
  const now = ctx.clock.now();
  const idHash = sha256(sessionId);
  const row = await ctx.db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.role", "users.email", "users.name", "users.organization_id", "users.active", "sessions.csrf_token", "sessions.last_seen_at", "sessions.expires_at"])
    .select(teamIdsOf(ctx.dialect, "users.id").as("team_ids"))
    .where("sessions.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row || !row.active) return undefined;
  const lastSeen = Date.parse(row.last_seen_at);
  if (Date.parse(row.expires_at) <= now.getTime() || lastSeen + ctx.config.session.idleMs <= now.getTime()) {
    await ctx.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
    return undefined;
  }
  if (now.getTime() - lastSeen > TOUCH_INTERVAL_MS) {
    await ctx.db.updateTable("sessions").set({ last_seen_at: now.toISOString() }).where("id_hash", "=", idHash).execute();
  }
  return {
    ...identityOf(row),
    auth: "session",
    session: { idHash, csrfToken: row.csrf_token },
  };
}

export async function actorFromToken(ctx: AppContext, token: string): Promise<Actor | undefined> {
  if (token.length > 200) return undefined;
  const row = await ctx.db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "users.id",
      "users.role",
      "users.email",
      "users.name",
      "users.organization_id",
      "users.active",
      "api_tokens.id as token_id",
      "api_tokens.name as token_name",
      "api_tokens.scopes",
      "api_tokens.last_used_at",
    ])
    .select(teamIdsOf(ctx.dialect, "users.id").as("team_ids"))
    .where("api_tokens.token_hash", "=", hmac(ctx.secret, token))
    .where("api_tokens.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row || !row.active) return undefined;
  const now = ctx.clock.now();
  const touch = !row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_INTERVAL_MS;
  if (touch) {
    await ctx.db.updateTable("api_tokens").set({ last_used_at: now.toISOString() }).where("id", "=", row.token_id).execute();
  }
  // A token's use is audited once per clock hour, riding on the touch above: no extra write per request.
  const hourOf = (ms: number) => Math.floor(ms / 3_600_000);
  const auditUse = touch && (!row.last_used_at || hourOf(Date.parse(row.last_used_at)) !== hourOf(now.getTime()));
  return {
    ...identityOf(row),
    auth: "token",
    token: { id: row.token_id, name: row.token_name, scopes: parseScopes(row.scopes), firstUse: !row.last_used_at, auditUse },
  };
}

/** The actor a freshly signed-in user becomes, for answering the sign-in itself. */
export async function actorForUser(ctx: AppContext, userId: number, session: { idHash: string; csrfToken: string }): Promise<Actor> {
  const u = await ctx.db.selectFrom("users").select(["id", "role", "email", "name", "organization_id"]).where("id", "=", userId).executeTakeFirstOrThrow();
  return { ...u, team_ids: await loadTeams(ctx, u.id, u.role), auth: "session", session };
}
