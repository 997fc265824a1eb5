/** Small key/value settings kept in the database (JSON values), such as the priority matrix. */
import { randomBytes } from "node:crypto";
import type { Executor } from "../context.ts";
import { isUniqueViolation } from "../db/dialect.ts";

export async function getSetting<T>(db: Executor, key: string): Promise<T | undefined> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function putSetting(db: Executor, key: string, value: unknown, now: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value: JSON.stringify(value), updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
    .execute();
}

/** The install's own secret: made once on first start, the same for every node afterwards. */
export async function ensureInstanceSecret(db: Executor, now: string): Promise<string> {
  const existing = await getSetting<string>(db, "instance_secret");
  if (existing) return existing;
  try {
    await db
      .insertInto("settings")
      .values({ key: "instance_secret", value: JSON.stringify(randomBytes(32).toString("base64url")), updated_at: now })
      .execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // another node made it first
  }
  return (await getSetting<string>(db, "instance_secret"))!;
}
