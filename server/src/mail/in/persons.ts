/** People met in mail: found by address, or created as requesters without a password. */
import type { AppContext } from "../../context.ts";
import type { UserRow } from "../../db/schema.ts";
import { organizationForEmail } from "../../people/service.ts";
import type { Address } from "./parse.ts";

/** A person's name as a mail header gives it: no control characters, at most 200 characters. */
function cleanName(name: string, address: string): string {
  const n = name.replace(/[\p{Cc}\p{Cf}]/gu, " ").replace(/\s+/g, " ").trim().slice(0, 200);
  return n || address.split("@")[0].slice(0, 200) || address;
}

/** The person with this address; created as a requester (no password) when unknown. */
export async function ensurePerson(tx: AppContext, a: Address): Promise<UserRow> {
  const existing = await tx.db.selectFrom("users").selectAll().where("email", "=", a.address).executeTakeFirst();
  return existing ?? addPerson(tx, a);
}

/** Creates a requester without a password (a unique index turns a race into a retry of the message). */
export async function addPerson(tx: AppContext, a: Address): Promise<UserRow> {
  const now = tx.clock.now().toISOString();
  return tx.db
    .insertInto("users")
    .values({
      email: a.address,
      name: cleanName(a.name, a.address),
      role: "requester",
      password_hash: null,
      organization_id: await organizationForEmail(tx.db, a.address),
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
