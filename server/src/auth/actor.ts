/**
 * Who is calling. Identity comes only from the session cookie or an API token; headers such as
 * X-Forwarded-User or Remote-User are never read.
 */
import type { Role, TokenScope } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { hmac, sha256 } from "./secrets.ts";
import { teamIdsOf } from "../db/dialect.ts";
import type { DialectName } from "../db/connect.ts";
import { prepared, type Prepared } from "../db/prepared.ts";
import { parseScopes } from "./scopes.ts";

const parseTeams = (csv: string | null, role: Role) => (role === "requester" || !csv ? [] : csv.split(",").map(Number));

type IdentityRow = { id: number; role: Role; email: string; name: string; organization_id: number | null; team_ids: string | null };

/** Who a user row is, as every actor carries it, whichever way the caller signed in. */
const identityOf = (row: IdentityRow) => ({
  id: row.id,
  role: row.role,
  email: row.email,
  name: row.name,
  organization_id: row.organization_id,
  team_ids: parseTeams(row.team_ids, row.role),
});

type Identity = ReturnType<typeof identityOf>;

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

/** What a session id stands for, as read from the database (active users only). */
interface SessionGrant {
  identity: Identity;
  idHash: string;
  csrfToken: string;
  lastSeenMs: number;
  expiresMs: number;
}

/** What an API token stands for, as read from the database (unrevoked tokens of active users only). */
interface TokenGrant {
  identity: Identity;
  tokenId: number;
  tokenName: string;
  scopes: TokenScope[];
  lastUsedMs: number | null;
}

/** One query per dialect, built and compiled once (the team list is aggregated differently). */
const perDialect = <P extends object, R>(build: (dialect: DialectName) => Prepared<P, R>) => ({ sqlite: build("sqlite"), postgres: build("postgres") });

const sessionRow = perDialect((dialect) =>
  prepared<{ idHash: string }, IdentityRow & { active: number; csrf_token: string; last_seen_at: string; expires_at: string }>((db, p) =>
    db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select(["users.id", "users.role", "users.email", "users.name", "users.organization_id", "users.active", "sessions.csrf_token", "sessions.last_seen_at", "sessions.expires_at"])
      .select(teamIdsOf(dialect, "users.id").as("team_ids"))
      .where("sessions.id_hash", "=", p.idHash),
  ),
);

const tokenRow = perDialect((dialect) =>
  prepared<{ hash: string }, IdentityRow & { active: number; token_id: number; token_name: string; scopes: string; last_used_at: string | null }>((db, p) =>
    db
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
      .select(teamIdsOf(dialect, "users.id").as("team_ids"))
      .where("api_tokens.token_hash", "=", p.hash)
      .where("api_tokens.revoked_at", "is", null),
  ),
);

async function loadSession(ctx: AppContext, idHash: string): Promise<SessionGrant | undefined> {
  const row = await sessionRow[ctx.dialect].first(ctx.db, { idHash });
  if (!row || !row.active) return undefined;
  return { identity: identityOf(row), idHash, csrfToken: row.csrf_token, lastSeenMs: Date.parse(row.last_seen_at), expiresMs: Date.parse(row.expires_at) };
}

async function loadToken(ctx: AppContext, hash: string): Promise<TokenGrant | undefined> {
  const row = await tokenRow[ctx.dialect].first(ctx.db, { hash });
  if (!row || !row.active) return undefined;
  return {
    identity: identityOf(row),
    tokenId: row.token_id,
    tokenName: row.token_name,
    scopes: parseScopes(row.scopes),
    lastUsedMs: row.last_used_at ? Date.parse(row.last_used_at) : null,
  };
}

/**
 * The actor of one request on a session: refused (and the session deleted) once idle or past its
 * end, touched at most once a minute. The grant's last-seen time moves before the write is awaited,
 * so requests arriving meanwhile do not touch again.
 */
async function sessionActor(ctx: AppContext, grant: SessionGrant): Promise<Actor | undefined> {
  const now = ctx.clock.now().getTime();
  if (grant.expiresMs <= now || grant.lastSeenMs + ctx.config.session.idleMs <= now) {
    await ctx.db.deleteFrom("sessions").where("id_hash", "=", grant.idHash).execute();
    return undefined;
  }
  if (now - grant.lastSeenMs > TOUCH_INTERVAL_MS) {
    grant.lastSeenMs = now;
    await ctx.db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(now).toISOString() })
      .where("id_hash", "=", grant.idHash)
      .execute();
  }
  return { ...grant.identity, auth: "session", session: { idHash: grant.idHash, csrfToken: grant.csrfToken } };
}

/** The actor of one request on a token; last_used_at is touched at most once a minute, as for sessions. */
async function tokenActor(ctx: AppContext, grant: TokenGrant): Promise<Actor> {
  const now = ctx.clock.now().getTime();
  const last = grant.lastUsedMs;
  const touch = last === null || now - last > TOUCH_INTERVAL_MS;
  if (touch) {
    grant.lastUsedMs = now;
    await ctx.db
      .updateTable("api_tokens")
      .set({ last_used_at: new Date(now).toISOString() })
      .where("id", "=", grant.tokenId)
      .execute();
  }
  // A token's use is audited once per clock hour, riding on the touch above: no extra write per request.
  const hourOf = (ms: number) => Math.floor(ms / 3_600_000);
  const auditUse = touch && (last === null || hourOf(last) !== hourOf(now));
  return {
    ...grant.identity,
    auth: "token",
    token: { id: grant.tokenId, name: grant.tokenName, scopes: grant.scopes, firstUse: last === null, auditUse },
  };
}

/**
 * Credentials this node has looked up within the last TTL_MS, so that a burst of reads (a page
 * opening, an integration polling) does not read the same session, user and teams per request.
 *
 * Why a cached answer is still the right one:
 * - only reads use it: any other request (POST, PATCH, DELETE...) reads its caller afresh;
 * - every such request on this node empties it when it starts and again once it has answered,
 *   so a sign-out, a revoked token, a disabled user or a changed role or team made through this
 *   node counts for the very next request, and a read that raced the change is not kept;
 * - a change made elsewhere (another node, the `tessera` command) counts within TTL_MS, as an
 *   entry older than that is read again;
 * - session expiry and idle timeouts are checked on every request against the times read;
 * - failures are never kept (an unknown token costs a query, as before), and at most
 *   MAX_ENTRIES credentials are kept, the oldest dropped first.
 * Ages are measured on the desk's clock (tests move it).
 */
export class ActorCache {
  static readonly TTL_MS = 1_000;
  static readonly MAX_ENTRIES = 10_000;
  private sessions = new Map<string, { grant: Promise<SessionGrant | undefined>; at: number }>();
  private tokens = new Map<string, { grant: Promise<TokenGrant | undefined>; at: number }>();

  /** Something may have changed: everything is read again. */
  clear(): void {
    this.sessions.clear();
    this.tokens.clear();
  }

  session(ctx: AppContext, idHash: string): Promise<SessionGrant | undefined> {
    return remembered(this.sessions, ctx.clock.now().getTime(), idHash, () => loadSession(ctx, idHash));
  }

  /** Keyed by a plain hash of the token: the keyed hash (HMAC) stored in the database costs several times more, and is taken only to read. */
  token(ctx: AppContext, token: string): Promise<TokenGrant | undefined> {
    return remembered(this.tokens, ctx.clock.now().getTime(), sha256(token), () => loadToken(ctx, hmac(ctx.secret, token)));
  }

  forgetSession(idHash: string): void {
    this.sessions.delete(idHash);
  }
}

/** The grant under `key` if read less than TTL_MS ago, else read now; callers arriving meanwhile share the read. */
function remembered<G>(entries: Map<string, { grant: Promise<G | undefined>; at: number }>, now: number, key: string, load: () => Promise<G | undefined>): Promise<G | undefined> {
  const hit = entries.get(key);
  if (hit && now >= hit.at && now - hit.at < ActorCache.TTL_MS) return hit.grant;
  entries.delete(key);
  if (entries.size >= ActorCache.MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  const entry = { grant: load(), at: now };
  entries.set(key, entry);
  const drop = () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
  entry.grant.then((g) => {
    if (!g) drop();
  }, drop);
  return entry.grant;
}

/** The caller of a session id; `cache` (reads only) may answer from what this node read within the last second. */
export async function actorFromSession(ctx: AppContext, sessionId: string, cache?: ActorCache): Promise<Actor | undefined> {
  if (sessionId.length > 200) return undefined;
  const idHash = sha256(sessionId);
  const grant = await (cache ? cache.session(ctx, idHash) : loadSession(ctx, idHash));
  if (!grant) return undefined;
  const actor = await sessionActor(ctx, grant);
  if (!actor) cache?.forgetSession(idHash);
  return actor;
}

/** The caller of an API token; `cache` as for sessions. */
export async function actorFromToken(ctx: AppContext, token: string, cache?: ActorCache): Promise<Actor | undefined> {
  if (token.length > 200) return undefined;
  const grant = await (cache ? cache.token(ctx, token) : loadToken(ctx, hmac(ctx.secret, token)));
  return grant && tokenActor(ctx, grant);
}

/** The actor a freshly signed-in user becomes, for answering the sign-in itself. */
export async function actorForUser(ctx: AppContext, userId: number, session: { idHash: string; csrfToken: string }): Promise<Actor> {
  const u = await ctx.db.selectFrom("users").select(["id", "role", "email", "name", "organization_id"]).where("id", "=", userId).executeTakeFirstOrThrow();
  return { ...u, team_ids: await loadTeams(ctx, u.id, u.role), auth: "session", session };
}

async function loadTeams(ctx: AppContext, userId: number, role: Role): Promise<number[]> {
  if (role === "requester") return [];
  const rows = await ctx.db.selectFrom("team_members").select("team_id").where("user_id", "=", userId).execute();
  return rows.map((r) => r.team_id);
}
