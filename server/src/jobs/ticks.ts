/**
 * Periodic ticks: work defined once by a name, an interval and a run function, and a scheduler
 * that runs each on its interval. A tick never overlaps itself; a "cluster" tick (the default)
 * is also taken by one node at a time (lock.ts: try-lock, skip if taken), a "node" tick runs on
 * every node (its work claims its own rows). Errors are logged and counted, never thrown out of
 * the timer. stop() stops scheduling and waits, within a bound, for running ticks to finish.
 *
 * Time: real timers pace a running server; tests leave them off and call runDue(), which runs
 * the ticks whose time has come by ctx.clock, so a TestClock drives them without sleeping.
 */
import type { AppContext } from "../context.ts";
import { withNodeLock } from "./lock.ts";
import type { TickStats } from "./background.ts";

export type { TickStats };

export interface TickRun {
  /** Aborted when the scheduler stops: a long run should finish its current step and return. */
  signal: AbortSignal;
}

export interface TickDefinition {
  /** Unique among ticks; also the name of its lock. */
  name: string;
  /** Milliseconds from the start of one run to the next (a fixed number, or read from the config). */
  everyMs: number | ((ctx: AppContext) => number);
  run: (ctx: AppContext, tick: TickRun) => Promise<unknown>;
  /** "cluster" (default): one node at a time. "node": every node runs its own. */
  scope?: "cluster" | "node";
  /** Run once as soon as the scheduler starts (default true): what fell due while down runs now. */
  atStart?: boolean;
  /**
   * Subscribes to whatever means there is new work for this instance (mail queued, a job queued);
   * `kick` runs the tick after `delayMs` rather than at its next interval. Returns the unsubscribe.
   */
  wakeOn?: (kick: (delayMs?: number) => void, ctx: AppContext) => () => void;
  /** Called once when the scheduler stops, after its runs have drained (closes what the tick keeps open). */
  onStop?: () => Promise<void>;
}

/** Defines a tick; a plain value, started by startTicks. */
export const defineTick = (def: TickDefinition): TickDefinition => def;

export interface Scheduler {
  /** Runs, one after another, each tick whose time has come by ctx.clock. */
  runDue(): Promise<void>;
  /** Runs one tick now; if it is running already, once more right after. Resolves when done. */
  run(name: string): Promise<void>;
  /** Runs one tick soon (after `delayMs` of real time), e.g. when new work was just queued. */
  kick(name: string, delayMs?: number): void;
  stats(): Record<string, TickStats>;
  /** Stops scheduling and waits up to `boundMs` for running ticks to finish. */
  stop(boundMs?: number): Promise<void>;
}

/** Each tick's counts summed over the schedulers this instance runs (for its metrics, jobs/metrics.ts). */
export function tickStatsOf(ctx: Pick<AppContext, "background">): Record<string, TickStats> {
  const out: Record<string, TickStats> = {};
  for (const s of ctx.background.schedulers) {
    for (const [name, t] of Object.entries(s.stats())) {
      const sum = (out[name] ??= { runs: 0, skipped: 0, failures: 0, lastError: null });
      sum.runs += t.runs;
      sum.skipped += t.skipped;
      sum.failures += t.failures;
      sum.lastError = t.lastError ?? sum.lastError;
    }
  }
  return out;
}

/** How long stop() waits by default for running ticks before giving up on them. */
export const STOP_BOUND_MS = 30_000;

interface State {
  def: TickDefinition;
  everyMs: number;
  /** By ctx.clock: when runDue next runs it. */
  nextAt: number;
  running?: Promise<void>;
  again: boolean;
  timer?: NodeJS.Timeout;
  stats: TickStats;
}

/**
 * Starts a scheduler for these ticks. `timers: false` (tests) leaves pacing to runDue/run.
 */
export function startTicks(ctx: AppContext, defs: TickDefinition[], opts: { timers?: boolean } = {}): Scheduler {
  const timers = opts.timers !== false;
  const abort = new AbortController();
  const kicks = new Set<NodeJS.Timeout>();
  let stopped = false;
  const now = () => ctx.clock.now().getTime();
  const states = new Map<string, State>();
  for (const def of defs) {
    if (states.has(def.name)) throw new Error(`Two ticks are named ${def.name}.`);
    const everyMs = typeof def.everyMs === "function" ? def.everyMs(ctx) : def.everyMs;
    if (!(everyMs > 0)) throw new Error(`Tick ${def.name} needs an interval above zero, not ${everyMs}.`);
    const atStart = def.atStart !== false;
    states.set(def.name, { def, everyMs, nextAt: atStart ? now() : now() + everyMs, again: false, stats: { runs: 0, skipped: 0, failures: 0, lastError: null } });
  }

  const attempt = async (s: State) => {
    s.nextAt = now() + s.everyMs;
    try {
      const work = () => s.def.run(ctx, { signal: abort.signal });
      if (s.def.scope === "node") await work();
      else if (!(await withNodeLock(ctx, s.def.name, work)).ran) {
        s.stats.skipped++;
        return;
      }
      s.stats.runs++;
    } catch (err) {
      s.stats.failures++;
      s.stats.lastError = (err as Error)?.message ?? String(err);
      ctx.log.error({ err, tick: s.def.name }, `${s.def.name} failed; it runs again at its next interval`);
    }
  };

  const schedule = (s: State) => {
    if (!timers || stopped) return;
    clearTimeout(s.timer);
    s.timer = setTimeout(() => void runState(s), s.everyMs);
    s.timer.unref();
  };

  const runState = (s: State): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (s.running) {
      s.again = true;
      return s.running;
    }
    s.running = (async () => {
      try {
        do {
          s.again = false;
          await attempt(s);
        } while (s.again && !stopped);
      } finally {
        s.running = undefined;
        schedule(s);
      }
    })();
    return s.running;
  };

  const stateOf = (name: string) => {
    const s = states.get(name);
    if (!s) throw new Error(`No tick is named ${name}.`);
    return s;
  };

  const kick = (s: State, delayMs = 0) => {
    if (stopped) return;
    const t = setTimeout(() => {
      kicks.delete(t);
      void runState(s);
    }, delayMs);
    t.unref();
    kicks.add(t);
  };
  const unsubscribe = timers ? [...states.values()].flatMap((s) => (s.def.wakeOn ? [s.def.wakeOn((delayMs) => kick(s, delayMs), ctx)] : [])) : [];

  if (timers) for (const s of states.values()) s.def.atStart === false ? schedule(s) : void runState(s);

  const scheduler: Scheduler = {
    async runDue() {
      for (const s of states.values()) if (s.nextAt <= now()) await runState(s);
    },
    run: (name) => runState(stateOf(name)),
    kick: (name, delayMs) => kick(stateOf(name), delayMs),
    stats: () => Object.fromEntries([...states].map(([name, s]) => [name, { ...s.stats }])),
    async stop(boundMs = STOP_BOUND_MS) {
      if (stopped) return;
      stopped = true;
      ctx.background.schedulers.delete(scheduler);
      abort.abort();
      for (const off of unsubscribe) off();
      for (const t of kicks) clearTimeout(t);
      for (const s of states.values()) clearTimeout(s.timer);
      const running = [...states.values()].flatMap((s) => (s.running ? [s.running] : []));
      let bound: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.allSettled(running).then(() => true),
        new Promise<false>((resolve) => {
          bound = setTimeout(() => resolve(false), boundMs);
          bound.unref();
        }),
      ]);
      clearTimeout(bound);
      if (!drained) ctx.log.warn({ ticks: [...states.values()].filter((s) => s.running).map((s) => s.def.name) }, `background work still running after ${boundMs} ms; stopping without it`);
      await Promise.allSettled([...states.values()].map((s) => s.def.onStop?.()));
    },
  };
  ctx.background.schedulers.add(scheduler);
  return scheduler;
}
