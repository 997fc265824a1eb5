/** The dead-letter list: jobs whose last try failed, for an admin to read, retry or discard. */
import type { DeadJob } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { AppError, notFound } from "../errors.ts";
import { wakeJobWorkers, type JobRow } from "./queue.ts";

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const presentDeadJob = (r: JobRow): DeadJob => ({
  id: r.id,
  kind: r.kind,
  payload: parsePayload(r.payload),
  attempts: r.attempts,
  max_attempts: r.max_attempts,
  last_error: r.last_error,
  created_at: r.created_at,
  dead_at: r.dead_at!,
});

/** Dead jobs, the most recently dead first (ties by id), `limit` after the `before` id. */
export async function listDeadJobs(ctx: Pick<AppContext, "db">, q: { limit: number; before?: number }) {
  const rows = await ctx.db
    .selectFrom("jobs")
    .selectAll()
    .where("dead_at", "is not", null)
    .$if(q.before !== undefined, (b) => b.where("id", "<", q.before!))
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  return { items: page.map(presentDeadJob), next_cursor: rows.length > q.limit ? String(page[page.length - 1].id) : null };
}

async function deadJob(ctx: Pick<AppContext, "db">, id: number) {
  const row = await ctx.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The job");
  if (!row.dead_at)
    throw new AppError("conflict", 409, `Job ${id} is not in the dead-letter list (it is ${row.done_at ? "done" : "waiting or running"}); only a dead job can be retried or discarded.`);
  return row;
}

/** Queues a dead job again, due now, with its attempts from zero. */
export async function retryDeadJob(ctx: Pick<AppContext, "db" | "clock">, id: number): Promise<void> {
  await deadJob(ctx, id);
  const now = ctx.clock.now().toISOString();
  const updated = await ctx.db
    .updateTable("jobs")
    .set({ dead_at: null, attempts: 0, run_at: now, lease_until: null, leased_by: null })
    .where("id", "=", id)
    .where("dead_at", "is not", null)
    .executeTakeFirst();
  if (!Number(updated.numUpdatedRows)) throw new AppError("conflict", 409, `Job ${id} was retried or discarded meanwhile.`);
  wakeJobWorkers();
}

/** Deletes a dead job for good. */
export async function discardDeadJob(ctx: Pick<AppContext, "db">, id: number): Promise<void> {
  await deadJob(ctx, id);
  const deleted = await ctx.db.deleteFrom("jobs").where("id", "=", id).where("dead_at", "is not", null).executeTakeFirst();
  if (!Number(deleted.numDeletedRows)) throw new AppError("conflict", 409, `Job ${id} was retried or discarded meanwhile.`);
}
