/** Row type of the durable job queue (see the 0013-jobs migration). */
import type { Generated } from "kysely";

export interface JobsTable {
  id: Generated<number>;
  /** Which registered handler runs it. */
  kind: string;
  /** JSON text handed to the handler. */
  payload: string;
  /** Not before this instant: when it was queued, or when its next retry is due. */
  run_at: string;
  /** Tries started so far (counted when a worker claims it). */
  attempts: number;
  max_attempts: number;
  /** While a worker runs it: the claim lapses at this instant (a worker that died mid-job). */
  lease_until: string | null;
  leased_by: string | null;
  last_error: string | null;
  /** Set when its last try failed: it waits in the dead-letter list for an admin. */
  dead_at: string | null;
  created_at: string;
  done_at: string | null;
}

export interface JobTables {
  jobs: JobsTable;
}
