import { z } from "zod";
import { Email, Instant, NamedRef, Password, PersonName } from "./common.ts";
import { Role, TicketType } from "./enums.ts";

export const User = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: Role,
  organization: NamedRef.nullable(),
  active: z.boolean(),
  teams: z.array(NamedRef),
  created_at: Instant,
  last_login_at: Instant.nullable(),
});
export type User = z.infer<typeof User>;

export const UserCreateInput = z.object({
  email: Email,
  name: PersonName,
  role: Role.default("requester"),
  password: Password.optional(),
  organization_id: z.number().int().positive().nullable().optional(),
});
export type UserCreateInput = z.infer<typeof UserCreateInput>;

export const UserUpdateInput = z
  .object({
    name: PersonName,
    role: Role,
    password: Password,
    /** Required with `password` when people change their own (not when an admin sets someone's). */
    current_password: z.string().max(1024),
    organization_id: z.number().int().positive().nullable(),
    active: z.boolean(),
  })
  .partial()
  .strict();
export type UserUpdateInput = z.infer<typeof UserUpdateInput>;

export const Organization = z.object({
  id: z.number().int(),
  name: z.string(),
  domain: z.string().nullable(),
  /** Members of a sharing organization see each other's tickets in the portal. */
  shares_tickets: z.boolean(),
  created_at: Instant,
});
export type Organization = z.infer<typeof Organization>;

export const OrganizationInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    domain: z.string().trim().toLowerCase().max(253).nullable().optional(),
    shares_tickets: z.boolean().optional(),
  })
  .strict();

export const Team = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: z.number().int(), name: z.string(), email: z.string(), role: Role })),
  created_at: Instant,
});
export type Team = z.infer<typeof Team>;

export const TeamInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2000).optional(),
  })
  .strict();

export const TeamMemberInput = z.object({ user_id: z.number().int().positive() }).strict();

export const Category = z.object({
  id: z.number().int(),
  name: z.string(),
  parent_id: z.number().int().nullable(),
  /** Full path from the root, e.g. "Hardware / Laptops". */
  path: z.string(),
  default_team: NamedRef.nullable(),
  default_type: TicketType.nullable(),
  active: z.boolean(),
});
export type Category = z.infer<typeof Category>;

export const CategoryInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    parent_id: z.number().int().positive().nullable().optional(),
    default_team_id: z.number().int().positive().nullable().optional(),
    default_type: TicketType.nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
