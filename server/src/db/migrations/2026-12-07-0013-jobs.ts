import { sql, type Kysely } from "kysely";
import { columns } from "./columns.ts";

/**
 * The durable job queue (server/src/jobs/queue.ts): one-off work written in the transaction that
 * asks for it, run later by a worker with a lease, retried with backoff, and kept as a dead
 * letter for an admin once its attempts are used up.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  await c
    .id(db.schema.createTable("jobs"))
    .addColumn("kind", "text", (col) => col.notNull())
    // JSON text, the same on both engines.
    .addColumn("payload", "text", (col) => col.notNull())
    .addColumn("run_at", c.instant, (col) => col.notNull())
    .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (col) => col.notNull())
    .addColumn("lease_until", c.instant)
    .addColumn("leased_by", "text")
    .addColumn("last_error", "text")
    .addColumn("dead_at", c.instant)
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("done_at", c.instant)
    .execute();
  // Claiming reads the waiting jobs by due time; done and dead ones stay out of that index.
  await sql`create index jobs_claim on jobs (run_at, id) where done_at is null and dead_at is null`.execute(db);
  // The dead-letter list an admin reads, newest first.
  await sql`create index jobs_dead on jobs (dead_at) where dead_at is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
