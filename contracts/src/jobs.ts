/** Background jobs: the dead-letter list an admin reads, retries and discards. */
import { z } from "zod";

export const DeadJob = z.object({
  id: z.number().int(),
  /** Which handler ran it, e.g. "probe". */
  kind: z.string(),
  /** What it was given, as queued (JSON). */
  payload: z.unknown(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  /** The error of its last try. */
  last_error: z.string().nullable(),
  created_at: z.string(),
  dead_at: z.string(),
});
export type DeadJob = z.infer<typeof DeadJob>;

export const DeadJobListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last job of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, "must be a job id")
    .optional(),
});
export type DeadJobListQuery = z.infer<typeof DeadJobListQuery>;

/** A check that the background worker runs: a job that succeeds, or fails on purpose. */
export const JobProbeInput = z.object({
  /**
   * never: it succeeds. always: it throws on every try, to see retries and the dead-letter list
   * at work. once: it throws on its first try only, so a retry from the dead-letter list succeeds.
   */
  fail: z.enum(["never", "once", "always"]).default("never"),
  /** Tries before a failing probe is dead (1 to 10). */
  max_attempts: z.number().int().min(1).max(10).default(1),
});
export type JobProbeInput = z.infer<typeof JobProbeInput>;

export const QueuedJob = z.object({ id: z.number().int(), kind: z.string() });
export type QueuedJob = z.infer<typeof QueuedJob>;
