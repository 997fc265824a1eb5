import { z } from "zod";

/** An ISO 8601 UTC instant as the API prints it, e.g. 2026-11-25T17:10:36.000Z. */
export const Instant = z.string().describe("ISO 8601 instant in UTC");

export const Id = z.coerce.number().int().positive().max(2_147_483_647);

export const UserRef = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
});
export type UserRef = z.infer<typeof UserRef>;

export const NamedRef = z.object({ id: z.number().int(), name: z.string() });
export type NamedRef = z.infer<typeof NamedRef>;

/** A page of a list, with an opaque cursor for the next page (null at the end). */
export function Page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** Plain email checks only: the address must look like one; delivery proves the rest. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/, "must be an email address");

/** Passwords: 8 to 128 characters, no composition rules (NIST SP 800-63B, ASVS 6.2). */
export const Password = z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");

export const PersonName = z.string().trim().min(1).max(200);
