/**
 * Sign-in throttling per account and per client address: a few free attempts, then a delay
 * that doubles with each failure (capped), never a hard lockout that an attacker could use to
 * lock a real user out. Kept in the database so that every node sees the same counts.
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * Free failures before delays start. An address gets more than an account: a whole office
 * behind one NAT address must not be slowed down by a few colleagues' typos.
 */
const FREE_ATTEMPTS = { account: 5, address: 30 };
const MAX_DELAY_S = 15 * 60;
/** Failures older than this are forgotten. */
const FORGET_AFTER_MS = 60 * 60_000;

export function delaySeconds(failures: number, key = "email:"): number {
  const free = key.startsWith("ip:") ? FREE_ATTEMPTS.address : FREE_ATTEMPTS.account;
  return failures < free ? 0 : Math.min(MAX_DELAY_S, 2 ** (failures - free + 1));
}

export async function assertNotThrottled(ctx: AppContext, keys: string[]): Promise<void> {
  const rows = await ctx.db.selectFrom("login_throttle").selectAll().where("key", "in", keys).execute();
  const now = ctx.clock.now().getTime();
  let wait = 0;
  for (const r of rows) {
    const last = Date.parse(r.last_failure_at);
    if (now - last > FORGET_AFTER_MS) continue;
    wait = Math.max(wait, Math.ceil((last + delaySeconds(r.failures, r.key) * 1000 - now) / 1000));
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

/** Forgets failures nobody will look at again (and spraying of unknown emails), now and then. */
export async function purgeThrottle(ctx: AppContext): Promise<void> {
  await ctx.db
    .deleteFrom("login_throttle")
    .where("last_failure_at", "<", new Date(ctx.clock.now().getTime() - FORGET_AFTER_MS).toISOString())
    .execute();
}
