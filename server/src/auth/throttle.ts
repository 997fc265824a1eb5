/**
 * Sign-in throttling per account and per client address: a few free attempts, then a delay
 * that doubles with each failure (capped), never a hard lockout that an attacker could use to
 * lock a real user out. Kept in the database so that every node sees the same counts.
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

const FREE_ATTEMPTS = 5;
const MAX_DELAY_S = 15 * 60;
/** Failures older than this are forgotten. */
const FORGET_AFTER_MS = 60 * 60_000;

export function delaySeconds(failures: number): number {
  return failures < FREE_ATTEMPTS ? 0 : Math.min(MAX_DELAY_S, 2 ** (failures - FREE_ATTEMPTS + 1));
}

export async function assertNotThrottled(ctx: AppContext, keys: string[]): Promise<void> {
  const rows = await ctx.db.selectFrom("login_throttle").selectAll().where("key", "in", keys).execute();
  const now = ctx.clock.now().getTime();
  let wait = 0;
  for (const r of rows) {
    const last = Date.parse(r.last_failure_at);
    if (now - last > FORGET_AFTER_MS) continue;
    wait = Math.max(wait, Math.ceil((last + delaySeconds(r.failures) * 1000 - now) / 1000));
  }
  if (wait > 0) {
    throw new AppError("too_many_requests", 429, `Too many failed sign-ins. Try again in ${wait} seconds.`, { retry_after: wait });
  }
}

export async function recordFailure(ctx: AppContext, keys: string[]): Promise<void> {
  const now = ctx.clock.now();
  const rows = await ctx.db.selectFrom("login_throttle").selectAll().where("key", "in", keys).execute();
  for (const key of keys) {
    const r = rows.find((x) => x.key === key);
    const stale = !r || now.getTime() - Date.parse(r.last_failure_at) > FORGET_AFTER_MS;
    const failures = stale ? 1 : r.failures + 1;
    await ctx.db
      .insertInto("login_throttle")
      .values({ key, failures, last_failure_at: now.toISOString() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ failures, last_failure_at: now.toISOString() }))
      .execute();
  }
}

export async function clearFailures(ctx: AppContext, key: string): Promise<void> {
  await ctx.db.deleteFrom("login_throttle").where("key", "=", key).execute();
}
