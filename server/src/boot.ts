/** Opening a Tessera instance: config → database → migrations → secrets → context. */
import pino from "pino";
import type { Config } from "./config.ts";
import { connect, type Db } from "./db/connect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { refreshTicketStatistics } from "./db/statistics.ts";
import { type AppContext, type Clock, systemClock } from "./context.ts";
import { ensureInstanceSecret } from "./settings/store.ts";
import { Memo } from "./memo.ts";
import { Background } from "./jobs/background.ts";
import { sweepStaleTemp } from "./attachments/storage.ts";

export interface Instance {
  ctx: AppContext;
  db: Db;
  close(): Promise<void>;
}

export function createLogger(level: string) {
  return pino({
    level,
    // Secrets must never reach the logs, even by accident.
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token", "headers.cookie"], censor: "[redacted]" },
  });
}

/** A temp file untouched this long belongs to no upload or parse still running. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Runs the pending migrations. PostgreSQL's run over a connection of their own, without the
 * requests' query timeout: building an index on a large desk takes longer than a request may wait.
 */
async function migrate(config: Config, db: Db, pgSchema: string | undefined): Promise<string[]> {
  if (db.dialect !== "postgres") return migrateToLatest(db);
  const own = connect({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, poolSize: 1, pgSchema, pgPrepare: false, queryTimeoutMs: 0 });
  try {
    return await migrateToLatest(own);
  } finally {
    await own.close();
  }
}

/** `server`: the long-running server (SQLite's log is then checkpointed by a background thread). */
export async function openInstance(config: Config, opts: { clock?: Clock; pgSchema?: string; log?: pino.Logger; server?: boolean } = {}): Promise<Instance> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = connect({
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    poolSize: config.dbPoolSize,
    pgSchema: opts.pgSchema,
    pgPrepare: config.pgPrepare,
    backgroundCheckpoints: opts.server,
    onBackgroundError: (err) => log.error({ err }, "SQLite background checkpoints stopped; the database checkpoints in its commits again"),
  });
  const applied = await migrate(config, db, opts.pgSchema);
  if (applied.length) log.info({ migrations: applied }, "database migrated");
  if (opts.server && db.dialect === "sqlite") {
    const stats = await refreshTicketStatistics(db.kysely);
    if (stats.analysed) log.info({ tickets: stats.tickets, ms: stats.ms, reason: stats.reason }, "ticket statistics taken for the query planner");
  }
  const clock = opts.clock ?? systemClock;
  const secret = await ensureInstanceSecret(db.kysely, clock.now().toISOString());
  const ctx: AppContext = { db: db.kysely, dialect: db.dialect, config, log, clock, secret, memo: new Memo(), background: new Background(), durable: db.durable };
  if (opts.server) {
    // Uploads and mail parts are written to temp files first; a crash mid-write leaves them.
    const swept = await sweepStaleTemp(config.attachmentsDir, STALE_TEMP_MS);
    if (swept) log.info({ files: swept }, "removed temp files left by an interrupted upload or parse");
  }
  return { ctx, db, close: () => db.close() };
}
