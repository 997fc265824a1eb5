/** What every service function is handed: the database, the settings, a logger and a clock. */
import type { Kysely, Transaction } from "kysely";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "./config.ts";
import type { Database } from "./db/schema.ts";
import type { DialectName } from "./db/connect.ts";
import type { Memo } from "./memo.ts";
import type { Background } from "./jobs/background.ts";

export interface Clock {
  /** The current instant; tests substitute a controllable clock. */
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface AppContext {
  db: Kysely<Database>;
  dialect: DialectName;
  config: Config;
  log: FastifyBaseLogger;
  clock: Clock;
  /** Per-install secret, generated on first start; keys API token hashes and signatures. */
  secret: string;
  /** Resolves once everything written so far is committed; every answer waits for it. */
  durable(): Promise<void>;
  /** Cache of rarely changed settings; see memo.ts. */
  memo: Memo;
  /** This instance's job wake-ups and tick schedulers; see jobs/background.ts. */
  background: Background;
}

/** What reading settings needs: a database (or transaction) and the memo. */
export type Reader = Pick<AppContext, "db" | "memo">;

export type Tx = Transaction<Database>;
export type Executor = Kysely<Database> | Transaction<Database>;

export const nowIso = (ctx: Pick<AppContext, "clock">) => ctx.clock.now().toISOString();

/** Runs `work` in one transaction, with a context whose `db` is that transaction. */
export const inTransaction = <T>(ctx: AppContext, work: (tx: AppContext) => Promise<T>): Promise<T> => ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
