import { z } from "zod";
import { Email, Instant, Password, PersonName } from "./common.ts";
import { Role } from "./enums.ts";

export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(1024),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const Me = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: Role,
  organization_id: z.number().int().nullable(),
  team_ids: z.array(z.number().int()),
  /** Send back as the X-CSRF-Token header on unsafe requests made with the session cookie. */
  csrf_token: z.string().nullable(),
});
export type Me = z.infer<typeof Me>;

export const SetupInput = z.object({
  token: z.string().min(1).max(200),
  email: Email,
  name: PersonName,
  password: Password,
});
export type SetupInput = z.infer<typeof SetupInput>;

/**
 * What an API token may do. A token never does more than its owner may; a scope only narrows.
 * `all` is everything the owner can do (tokens made before scopes existed have it).
 */
export const TOKEN_SCOPES = ["tickets:read", "tickets:write", "events:read", "alerts:write", "admin", "all"] as const;
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

/** What each scope lets a token do, in the words the web app shows beside its checkbox. */
export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  "tickets:read": "Read tickets and their conversations",
  "tickets:write": "Create and change tickets, reply and add notes",
  "events:read": "Read the event log",
  "alerts:write": "Send monitoring alerts",
  admin: "Change settings, people and mail setup",
  all: "Everything its owner can do",
};

/** The roles whose tokens may hold a scope, where not every role may: a scope never lends more than the owner's role. */
export const TOKEN_SCOPE_ROLES: Partial<Record<TokenScope, readonly Role[]>> = {
  admin: ["admin"],
  "events:read": ["admin"],
  "alerts:write": ["agent", "supervisor", "admin"],
};

export const TokenCreateInput = z.object({
  name: z.string().trim().min(1).max(100),
  user_id: z.number().int().positive().optional(),
  /** Leave out for `all`, as before scopes existed. */
  scopes: z.array(TokenScope).min(1).max(TOKEN_SCOPES.length).optional(),
});
export type TokenCreateInput = z.infer<typeof TokenCreateInput>;
export const ApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  user_id: z.number().int(),
  scopes: z.array(TokenScope),
  created_at: Instant,
  last_used_at: Instant.nullable(),
  revoked_at: Instant.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const ApiTokenCreated = ApiToken.extend({
  /** Shown once; only its hash is stored. */
  token: z.string(),
});
