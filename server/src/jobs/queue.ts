/**
 * The durable job queue: one-off work (mail, webhooks, scheduled reports ...) written into the
 * `jobs` table by enqueue(), inside the transaction that asks for it, so a crash between commit
 * and run loses nothing, and a rollback queues nothing.
 *
 * A worker claims due jobs with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so any number of
 * workers can run; a conditional update on SQLite, in-process) and runs each with the handler
 * registered for its kind. A handler that throws is retried with exponential backoff and jitter;
 * after its last attempt the job is dead: kept, with its error, for an admin to retry or discard
 * (dead-letters.ts). A worker that dies mid-job leaves a lease that lapses, and the job is
 * claimed again; handlers should therefore be idempotent.
 */
import { randomUUID } from "node:crypto";
import type { ExpressionBuilder, Selectable } from "kysely";
import type { AppContext } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { invalid } from "../errors.ts";
import type { JobsTable } from "./tables.ts";
import { defineTick, type TickDefinition } from "./ticks.ts";

export type JobRow = Selectable<JobsTable>;

/** Tries before a job is dead, unless enqueue says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** A claim lasts this long; a handler that runs longer may be started a second time elsewhere. */
export const JOB_LEASE_MS = 5 * 60_000;
/** The n-th retry waits about 30 s · 2^(n-1), at most six hours (see backoffMs). */
export const JOB_BACKOFF_BASE_MS = 30_000;
export const JOB_BACKOFF_MAX_MS = 6 * 3_600_000;
/** How often each node looks for due jobs when nothing wakes it sooner. */
export const JOB_POLL_MS = 5_000;
/** Jobs a worker runs at once. */
const CONCURRENCY = 4;
const MAX_ERROR_CHARS = 2_000;

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Spread: the wait is the exponential step times a factor within 1 ± jitter (0 for none). */
  jitter?: number;
  random?: () => number;
}

/**
 * The wait before retry number `attempts` (1 after the first failure): base · 2^(attempts-1),
 * capped at maxMs, spread by ± jitter so that jobs failing together do not retry together.
 */
export function backoffMs(attempts: number, o: BackoffOptions): number {
  const step = Math.min(o.baseMs * 2 ** Math.max(0, attempts - 1), o.maxMs);
  const jitter = o.jitter ?? 0;
  return Math.round(step * (1 - jitter + 2 * jitter * (o.random ?? Math.random)()));
}

export interface EnqueueOptions {
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Tries before it is dead (1 to 100; default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/**
 * Queues a job. Pass the caller's transaction as `tx.db` to make it part of that change, and its
 * instance's `background`, whose workers are woken. The payload must be JSON; it is stored as
 * written and handed back to the handler parsed.
 */
export async function enqueue(tx: Pick<AppContext, "db" | "clock" | "background">, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<number> {
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(kind)) throw invalid("kind", "must be 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter");
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw invalid("max_attempts", "must be a whole number from 1 to 100");
  const json = JSON.stringify(payload ?? null);
  const now = tx.clock.now().toISOString();
  const row = await tx.db
    .insertInto("jobs")
    .values({ kind, payload: json, run_at: (opts.runAt ?? tx.clock.now()).toISOString(), attempts: 0, max_attempts: maxAttempts, created_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  // The caller's transaction commits a moment later; this instance's workers look shortly after.
  tx.background.wakeJobWorkers();
  return row.id;
}

export interface JobRun<P = unknown> {
  job: JobRow;
  payload: P;
  /** Aborted when the worker stops; a long handler should stop at a safe point and throw. */
  signal: AbortSignal;
}
export type JobHandler = (ctx: AppContext, run: JobRun<any>) => Promise<void>;
/** Handlers by kind. A worker claims only the kinds it has a handler for. */
export type JobHandlers = Record<string, JobHandler>;

export interface JobWorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  backoff?: Partial<BackoffOptions>;
}

export interface PassStats {
  claimed: number;
  done: number;
  retrying: number;
  dead: number;
}

function claimable(kinds: string[], now: string) {
  return (eb: ExpressionBuilder<Database, "jobs">) =>
    eb.and([eb("kind", "in", kinds), eb("done_at", "is", null), eb("dead_at", "is", null), eb("run_at", "<=", now), eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)])]);
}

/** Takes up to `limit` due jobs for `worker`, counting the attempt; no other worker gets them. */
async function claimJobs(ctx: AppContext, kinds: string[], worker: string, limit: number, leaseMs: number): Promise<JobRow[]> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const claim = (eb: ExpressionBuilder<Database, "jobs">) => ({ attempts: eb("attempts", "+", 1), lease_until: new Date(now.getTime() + leaseMs).toISOString(), leased_by: worker });
  const due = () => ctx.db.selectFrom("jobs").select("id").where(claimable(kinds, nowIso)).orderBy("run_at").orderBy("id").limit(limit);
  if (ctx.dialect === "postgres") {
    const rows = await ctx.db.updateTable("jobs").set(claim).where("id", "in", due().forUpdate().skipLocked()).returningAll().execute();
    return rows.sort((a, b) => a.run_at.localeCompare(b.run_at) || a.id - b.id);
  }
  const claimed: JobRow[] = [];
  for (const { id } of await due().execute()) {
    // The same condition again: a job another worker took meanwhile is no longer claimable.
    const row = await ctx.db.updateTable("jobs").set(claim).where("id", "=", id).where(claimable(kinds, nowIso)).returningAll().executeTakeFirst();
    if (row) claimed.push(row);
  }
  return claimed;
}

const errorText = (err: unknown) => ((err as Error)?.message || String(err)).slice(0, MAX_ERROR_CHARS);

/**
 * A worker for these handlers: `pass()` claims and runs what is due (tests call it directly),
 * `tick` runs passes on every node (the claims keep workers apart, so no node lock is needed).
 */
export function createJobWorker(ctx: AppContext, handlers: JobHandlers, opts: JobWorkerOptions = {}) {
  const kinds = Object.keys(handlers);
  const worker = randomUUID();
  const concurrency = opts.concurrency ?? CONCURRENCY;
  const leaseMs = opts.leaseMs ?? JOB_LEASE_MS;
  const backoff: BackoffOptions = { baseMs: JOB_BACKOFF_BASE_MS, maxMs: JOB_BACKOFF_MAX_MS, jitter: 0.2, ...opts.backoff };
  // Every write about a claimed job checks the claim is still ours (a lapsed lease may have moved it on).
  const mine = (job: JobRow) => ctx.db.updateTable("jobs").where("id", "=", job.id).where("leased_by", "=", worker).where("attempts", "=", job.attempts);

  const runOne = async (job: JobRow, signal: AbortSignal, stats: PassStats) => {
    if (job.attempts > job.max_attempts) {
      // Its last try was claimed by a worker that stopped before finishing.
      await mine(job)
        .set({ dead_at: ctx.clock.now().toISOString(), lease_until: null, last_error: job.last_error ?? "The worker running its last try stopped before it finished." })
        .execute();
      stats.dead++;
      return;
    }
    try {
      await handlers[job.kind]!(ctx, { job, payload: JSON.parse(job.payload), signal });
      await mine(job).set({ done_at: ctx.clock.now().toISOString(), lease_until: null, last_error: null }).execute();
      stats.done++;
    } catch (err) {
      const now = ctx.clock.now();
      const last = job.attempts >= job.max_attempts;
      ctx.log.warn({ err, job_id: job.id, kind: job.kind, attempts: job.attempts }, last ? "job failed on its last try; it is in the dead-letter list" : "job failed; it will be retried");
      await mine(job)
        .set(
          last
            ? { dead_at: now.toISOString(), lease_until: null, last_error: errorText(err) }
            : { run_at: new Date(now.getTime() + backoffMs(job.attempts, backoff)).toISOString(), lease_until: null, leased_by: null, last_error: errorText(err) },
        )
        .execute();
      if (last) stats.dead++;
      else stats.retrying++;
    }
  };

  /** Claims and runs due jobs until none is left (or the signal stops it); resolves when all have finished. */
  const pass = async (signal: AbortSignal = new AbortController().signal): Promise<PassStats> => {
    const stats: PassStats = { claimed: 0, done: 0, retrying: 0, dead: 0 };
    if (!kinds.length) return stats;
    while (!signal.aborted) {
      const jobs = await claimJobs(ctx, kinds, worker, concurrency, leaseMs);
      stats.claimed += jobs.length;
      await Promise.all(jobs.map((j) => runOne(j, signal, stats)));
      if (jobs.length < concurrency) break;
    }
    return stats;
  };

  const tick: TickDefinition = defineTick({
    name: "jobs",
    everyMs: JOB_POLL_MS,
    scope: "node",
    // Queued inside a transaction that commits a moment later; look shortly after.
    wakeOn: (kick) => ctx.background.onJobQueued(() => kick(100)),
    run: (_ctx, t) => pass(t.signal),
  });
  return { pass, tick, kinds };
}
