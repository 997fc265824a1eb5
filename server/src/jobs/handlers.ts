/**
 * The job kinds this build runs, by name. A kind is added here with its handler; a worker
 * claims only kinds it knows, so a node running an older build leaves newer kinds alone.
 */
import type { JobProbeInput } from "@tessera/contracts";
import type { JobHandlers, JobRun } from "./queue.ts";

/**
 * An admin's check that the worker runs (POST /api/jobs/probe); it fails on purpose if asked.
 * "once" fails while the job has no error on record: a retry keeps the error, so it succeeds.
 */
async function probe(_ctx: unknown, run: JobRun<{ fail?: JobProbeInput["fail"] }>): Promise<void> {
  const fail = run.payload?.fail ?? "never";
  if (fail === "always" || (fail === "once" && run.job.last_error === null)) throw new Error("The probe job failed on purpose, as asked.");
}

export const jobHandlers: JobHandlers = { probe };
