/**
 * API token scopes: which scope each route needs from a token, and who may hold which scope.
 * Scopes only narrow: a token never does more than its owner's role allows, and sessions are
 * not scoped at all. A route not named below needs `tickets:read` to read and `tickets:write`
 * to change, unless it is admin-only, when it needs `admin`.
 */
import { type Role, TOKEN_SCOPE_LABELS, TOKEN_SCOPE_ROLES, TOKEN_SCOPES, type TokenScope } from "@tessera/contracts";
import { AppError, invalid } from "../errors.ts";

/** Routes whose scope the general rule does not give; null: any valid token may call it. */
const ROUTE_SCOPES: Record<string, TokenScope | null> = {
  "/api/me": null,
  "/api/auth/logout": null,
  "/api/events": "events:read",
  "/api/alerts/alertmanager": "alerts:write",
  "/api/alerts/generic": "alerts:write",
  // A narrower token must not mint or revoke tokens: that would be a way out of its scopes.
  "/api/tokens": "all",
  "/api/tokens/:id": "all",
};

const READ_METHODS = new Set(["GET", "HEAD"]);

/** The scope a token needs for this route (by its pattern, e.g. /api/tickets/:id), or null for none. */
export function scopeNeeded(method: string, routeUrl: string, access: string): TokenScope | null {
  if (routeUrl in ROUTE_SCOPES) return ROUTE_SCOPES[routeUrl];
  if (access === "admin") return "admin";
  return READ_METHODS.has(method) ? "tickets:read" : "tickets:write";
}

/** Scopes that include another: writing tickets includes reading them. */
const INCLUDED_IN: Partial<Record<TokenScope, TokenScope[]>> = { "tickets:read": ["tickets:write"] };

export function scopesAllow(held: readonly TokenScope[], needed: TokenScope): boolean {
  return held.includes("all") || held.includes(needed) || (INCLUDED_IN[needed] ?? []).some((s) => held.includes(s));
}

export function assertTokenScope(held: readonly TokenScope[], needed: TokenScope | null) {
  if (needed === null || scopesAllow(held, needed)) return;
  throw new AppError(
    "forbidden",
    403,
    `This API token lacks the \`${needed}\` scope (${TOKEN_SCOPE_LABELS[needed].toLowerCase()}); its scopes are ${held.join(", ")}. Create a token with that scope.`,
    { missing_scope: needed, token_scopes: held },
  );
}

/** Stored as one space-separated column; an unknown word (from a newer version) grants nothing. */
export const parseScopes = (stored: string): TokenScope[] => stored.split(/\s+/).filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
export const storeScopes = (scopes: readonly TokenScope[]) => scopes.join(" ");

/** The scopes a new token gets: `all` when none are asked for, duplicates dropped, each one checked against the owner's role. */
export function scopesForNewToken(requested: readonly TokenScope[] | undefined, owner: { role: Role }): TokenScope[] {
  if (!requested) return ["all"];
  const scopes = TOKEN_SCOPES.filter((s) => requested.includes(s));
  if (scopes.includes("all") && scopes.length > 1) throw invalid("scopes", "`all` already covers every other scope; send it alone, or leave it out and list the scopes you need");
  for (const scope of scopes) {
    const roles = TOKEN_SCOPE_ROLES[scope];
    if (roles && !roles.includes(owner.role))
      throw invalid("scopes", `\`${scope}\` needs a token owned by ${roles.length === 1 ? "an admin" : "an agent, supervisor or admin"}; this token's owner is a ${owner.role}`);
  }
  return scopes;
}
