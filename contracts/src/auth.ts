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

export const TokenCreateInput = z.object({
  name: z.string().trim().min(1).max(100),
  user_id: z.number().int().positive().optional(),
});
export const ApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  user_id: z.number().int(),
  created_at: Instant,
  last_used_at: Instant.nullable(),
  revoked_at: Instant.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const ApiTokenCreated = ApiToken.extend({
  /** Shown once; only its hash is stored. */
  token: z.string(),
});
