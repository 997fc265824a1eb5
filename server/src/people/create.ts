/**
 * How a person comes to exist: an account made on purpose (insertUser: an admin, the setup
 * page, the CLI, the demo seed) or a person met by email address (findOrCreatePerson: a mail
 * sender, someone copied in, a requester an agent files for). Every row in `users` is born here.
 *
 * Emails are stored lowercased and found by their lowercased form, so "Ann@Example.com" and
 * "ann@example.com" are one person.
 */
import type { Role } from "@tessera/contracts";
import type { AppContext, Executor } from "../context.ts";
import { assertAcceptablePassword, hashPassword } from "../auth/passwords.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import type { UserRow } from "../db/schema.ts";
import { conflict } from "../errors.ts";

type Ctx = Pick<AppContext, "db" | "clock">;

/** The one form an email is stored and looked up in. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

/** The organization whose domain matches the email's, if any. */
export async function organizationForEmail(db: Executor, email: string): Promise<number | null> {
  const domain = normalEmail(email).split("@")[1];
  if (!domain) return null;
  const org = await db.selectFrom("organizations").select("id").where("domain", "=", domain).executeTakeFirst();
  return org?.id ?? null;
}

/** A display name from what a mail header or a form gave: no control characters, at most 200 characters, else the address's local part. */
export function personName(name: string | undefined, email: string): string {
  const n = (name ?? "")
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  return n || email.split("@")[0].slice(0, 200) || email;
}

interface NewPerson {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  organizationId: number | null;
}

/** The single insert into users. A duplicate email surfaces as the database's unique violation. */
async function insertPerson(ctx: Ctx, p: NewPerson): Promise<UserRow> {
  const now = ctx.clock.now().toISOString();
  return ctx.db
    .insertInto("users")
    .values({
      email: normalEmail(p.email),
      name: p.name,
      role: p.role,
      password_hash: p.passwordHash,
      organization_id: p.organizationId,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Inserts an account made on purpose; the password (when given) is checked and hashed. A taken email is a 409. */
export async function insertUser(ctx: Ctx, input: { email: string; name: string; role: Role; password?: string; organization_id?: number | null; passwordHash?: string }): Promise<UserRow> {
  if (input.password !== undefined) assertAcceptablePassword(input.password);
  const passwordHash = input.passwordHash ?? (input.password !== undefined ? await hashPassword(input.password) : null);
  try {
    return await insertPerson(ctx, { email: input.email, name: input.name, role: input.role, passwordHash, organizationId: input.organization_id ?? null });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A user with the email ${input.email} already exists.`);
    throw err;
  }
}

/** The person with this email, in any letter case; undefined when nobody has it. */
export async function findPersonByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", normalEmail(email)).executeTakeFirst();
}

/**
 * The person with this email (disabled accounts included: the caller decides what they may do),
 * or a new requester without a password, in the organization that owns the email's domain.
 * Two callers creating the same person at once meet on the unique index: the loser gets the
 * database's unique violation (mail intake retries the message on it).
 */
export async function findOrCreatePerson(ctx: Ctx, who: { email: string; name?: string }): Promise<UserRow> {
  const existing = await findPersonByEmail(ctx.db, who.email);
  if (existing) return existing;
  return insertPerson(ctx, {
    email: who.email,
    name: personName(who.name, normalEmail(who.email)),
    role: "requester",
    passwordHash: null,
    organizationId: await organizationForEmail(ctx.db, who.email),
  });
}
