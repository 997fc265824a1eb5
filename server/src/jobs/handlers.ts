/**
 * The job kinds this build runs, by name. A kind is added here with its handler; a worker
 * claims only kinds it knows, so a node running an older build leaves newer kinds alone.
 */
import type { JobHandlers } from "./queue.ts";

/** An admin's check that the worker runs (POST /api/jobs/probe); it fails on purpose if asked. */
async function probe(_ctx: unknown, run: { payload: { fail?: boolean } }): Promise<void> {
  if (run.payload?.fail) throw new Error("The probe job failed on purpose, as asked.");
}

export const jobHandlers: JobHandlers = { probe };
