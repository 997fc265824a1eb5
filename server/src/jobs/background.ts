/**
 * One instance's background work as it lives in memory: the job workers and outbox delivery to
 * wake when a job or a mail is queued, and the tick schedulers it runs (counted in its /metrics). Held on the AppContext and
 * never module-wide: one process may hold several instances (the tests do), and each must wake
 * and count only its own. A transaction's context is a copy of its instance's and carries it.
 */

export interface TickStats {
  runs: number;
  /** Runs left to another node that held the tick. */
  skipped: number;
  failures: number;
  lastError: string | null;
}

export class Background {
  private readonly jobWakers = new Set<() => void>();
  private readonly mailWakers = new Set<() => void>();
  /** The tick schedulers running for this instance (jobs/ticks.ts). */
  readonly schedulers = new Set<{ stats(): Record<string, TickStats> }>();

  /** A job worker of this instance subscribes, to look for work soon after a job is queued; returns the unsubscribe. */
  onJobQueued(wake: () => void): () => void {
    this.jobWakers.add(wake);
    return () => this.jobWakers.delete(wake);
  }

  /** Tells this instance's job workers that a job may be due (queued, or retried by an admin). */
  wakeJobWorkers(): void {
    for (const wake of this.jobWakers) wake();
  }

  /** This instance's outbox delivery subscribes, to look soon after mail is queued; returns the unsubscribe. */
  onMailQueued(wake: () => void): () => void {
    this.mailWakers.add(wake);
    return () => this.mailWakers.delete(wake);
  }

  /** Tells this instance's outbox delivery that mail is waiting (just queued, or retried by an admin). */
  wakeOutbox(): void {
    for (const wake of this.mailWakers) wake();
  }
}
