/**
 * Idempotency-Key support for creates: the same key from the same caller within 24 hours
 * returns the first result instead of acting twice. The key is stored in the same transaction
 * as the resource, so a crash leaves either both or neither; a concurrent replay that loses the
 * race on the key's primary key reads the winner's answer.
 */
import { createHash } from "node:crypto";
import type { Actor } from "../auth/actor.ts";
import { type AppContext, inTransaction } from "../context.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { AppError, invalid } from "../errors.ts";

const TTL_MS = 24 * 3_600_000;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

async function findStored(ctx: AppContext, actor: Actor, key: string, hash: string) {
  const row = await ctx.db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("user_id", "=", actor.id)
    .where("key", "=", key)
    .where("created_at", ">", new Date(ctx.clock.now().getTime() - TTL_MS).toISOString())
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash) {
    throw new AppError("idempotency_key_reused", 422, "This Idempotency-Key was already used for a different request; use a new key.");
  }
  return { status: row.status_code, body: JSON.parse(row.response), replayed: true };
}

export async function idempotent<T>(
  ctx: AppContext,
  actor: Actor,
  key: string | string[] | undefined,
  request: { route: string; body: unknown },
  status: number,
  work: (tx: AppContext) => Promise<T>,
): Promise<IdempotentResult<T>> {
  if (key === undefined) {
    return { status, body: await inTransaction(ctx, work), replayed: false };
  }
  if (typeof key !== "string" || key.length < 1 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters");
  }
  const hash = createHash("sha256")
    .update(request.route)
    .update("\0")
    .update(JSON.stringify(request.body ?? null))
    .digest("hex");
  const stored = await findStored(ctx, actor, key, hash);
  if (stored) return stored as IdempotentResult<T>;
  try {
    const body = await ctx.db.transaction().execute(async (trx) => {
      // An expired record of the same key is replaced, not kept.
      const cutoff = new Date(ctx.clock.now().getTime() - TTL_MS).toISOString();
      await trx.deleteFrom("idempotency_keys").where("user_id", "=", actor.id).where("key", "=", key).where("created_at", "<=", cutoff).execute();
      const result = await work({ ...ctx, db: trx });
      await trx
        .insertInto("idempotency_keys")
        .values({ user_id: actor.id, key, request_hash: hash, status_code: status, response: JSON.stringify(result), created_at: ctx.clock.now().toISOString() })
        .execute();
      return result;
    });
    return { status, body, replayed: false };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await findStored(ctx, actor, key, hash);
    if (!winner) throw err;
    return winner as IdempotentResult<T>;
  }
}

/** Forgets keys older than a day; called now and then by the server. */
export async function purgeIdempotencyKeys(ctx: AppContext): Promise<void> {
  await ctx.db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", new Date(ctx.clock.now().getTime() - TTL_MS).toISOString())
    .execute();
}
