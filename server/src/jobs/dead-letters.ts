/** The dead-letter list: jobs whose last try failed, for an admin to read, retry or discard. */
import type { DeadJob } from "@tessera/contracts";
import { type AppContext, inTransaction } from "../context.ts";
import { AppError, notFound } from "../errors.ts";
import { type AuditCaller, type AuditEntry, recordAudit } from "../audit/record.ts";
import type { JobRow } from "./queue.ts";

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

async function deadJob(tx: Pick<AppContext, "db">, id: number) {
  const row = await tx.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The job");
  if (!row.dead_at)
    throw new AppError("conflict", 409, `Job ${id} is not in the dead-letter list (it is ${row.done_at ? "done" : "waiting or running"}); only a dead job can be retried or discarded.`);
  return row;
}

const raced = (id: number) => new AppError("conflict", 409, `Job ${id} was retried or discarded meanwhile.`);

/** The audit entry of an admin's decision about a dead job: its kind and id, and how it had failed. */
const deadJobEntry = (action: "job.retried" | "job.discarded", job: JobRow): AuditEntry => ({
  action,
  target: { type: "job", id: job.id, label: job.kind },
  detail: { kind: job.kind, attempts: job.attempts, last_error: job.last_error },
});

/** Queues a dead job again, due now, with its attempts from zero; audited with the change. */
export async function retryDeadJob(ctx: AppContext, caller: AuditCaller, id: number): Promise<JobRow> {
  const job = await inTransaction(ctx, async (tx) => {
    const row = await deadJob(tx, id);
    const now = tx.clock.now().toISOString();
    const updated = await tx.db
      .updateTable("jobs")
      .set({ dead_at: null, attempts: 0, run_at: now, lease_until: null, leased_by: null })
      .where("id", "=", id)
      .where("dead_at", "is not", null)
      .executeTakeFirst();
    if (!Number(updated.numUpdatedRows)) throw raced(id);
    await recordAudit(tx, caller, deadJobEntry("job.retried", row));
    return row;
  });
  ctx.background.wakeJobWorkers();
  return job;
}

/** Deletes a dead job for good; audited with the change. Answers the job as it was. */
export async function discardDeadJob(ctx: AppContext, caller: AuditCaller, id: number): Promise<JobRow> {
  return inTransaction(ctx, async (tx) => {
    const row = await deadJob(tx, id);
    const deleted = await tx.db.deleteFrom("jobs").where("id", "=", id).where("dead_at", "is not", null).executeTakeFirst();
    if (!Number(deleted.numDeletedRows)) throw raced(id);
    await recordAudit(tx, caller, deadJobEntry("job.discarded", row));
    return row;
  });
}
