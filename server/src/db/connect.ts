/**
 * Opens the database: embedded SQLite (default) or PostgreSQL, behind one Kysely instance.
 *
 * SQLite runs in WAL mode, and a write acknowledged to a client has been fsynced and survives a
 * crash or power loss: the commit's sync of the WAL runs off the main thread and every answer
 * waits for it (group-commit.ts). Foreign keys are enforced and a busy timeout lets a second
 * process (the CLI beside a running server) wait instead of failing.
 */
import { mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect } from "kysely";
import { startCheckpointer } from "./checkpointer.ts";
import { GroupCommitSqliteDialect } from "./group-commit.ts";
import pg from "pg";
import { prepareNamedStatements } from "./pg-statements.ts";
import { isoFromPg } from "./pg-time.ts";
import { cheapRows, type ReaderStatement } from "./sqlite-rows.ts";
import { statementName } from "./prepared.ts";
import type { Database } from "./schema.ts";

export type DialectName = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
  /**
   * Resolves once every write made so far is committed. Answers wait on it: on SQLite
   * transactions share commits (group-commit.ts); on PostgreSQL each commit is already done.
   */
  durable(): Promise<void>;
}

export interface ConnectOptions {
  databaseUrl?: string;
  sqlitePath: string;
  poolSize?: number;
  /** PostgreSQL schema to use instead of public (tests use one per suite). */
  pgSchema?: string;
  /**
   * PostgreSQL: run the queries compiled once (prepared.ts) as named server-side prepared
   * statements, planned once per connection (pg-statements.ts). Default true; false behind a
   * pooler in transaction mode.
   */
  pgPrepare?: boolean;
  /**
   * PostgreSQL: how long a query may run before the client gives up (default 30 s, so requests
   * answer 503 rather than hang); 0 for none, as migrations need (an index on a large desk).
   */
  queryTimeoutMs?: number;
  /**
   * SQLite: copy the write-ahead log into the database file from a worker thread rather than in
   * the commits of the main thread (checkpointer.ts); for the long-running server.
   */
  backgroundCheckpoints?: boolean;
  /** Told when something in the background fails (a background checkpoint). */
  onBackgroundError?: (err: Error) => void;
}

// pg answers timestamptz as Date and int8 (count(*)) as string; the app wants ISO strings and numbers.
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return (v: string) => isoFromPg(v, oid === TIMESTAMPTZ);
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export function connect(opts: ConnectOptions): Db {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // Fail fast when the database is down so requests answer 503 within seconds, never hang.
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      query_timeout: opts.queryTimeoutMs ?? 30_000,
      types: pgTypes,
      options: opts.pgSchema ? `-c search_path=${opts.pgSchema}` : undefined,
    });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on("error", () => {});
    // A client in use when the connection drops reports the error to its query, and emits it
    // as an event too; without a listener that event would crash the process.
    pool.on("connect", (client) => {
      client.on("error", () => {});
      if (opts.pgPrepare !== false) prepareNamedStatements(client, statementName);
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: "postgres", close: () => kysely.destroy(), durable: () => Promise.resolve() };
  }
  mkdirSync(path.dirname(opts.sqlitePath), { recursive: true });
  const sqlite = new SQLite(opts.sqlitePath);
  const wal = sqlite.pragma("journal_mode = WAL", { simple: true }) === "wal";
  // In WAL mode the commit's own fsync is done by the driver, off the main thread (see
  // group-commit.ts); where WAL is unavailable SQLite syncs inside COMMIT as before.
  sqlite.pragma(wal ? "synchronous = NORMAL" : "synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const walPath = `${opts.sqlitePath}-wal`;
  const syncWal = async () => {
    const fh = await open(walPath, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  const dialect: GroupCommitSqliteDialect = new GroupCommitSqliteDialect({ database: withStatementCache(sqlite, () => dialect.driver.noteWrite()) }, wal ? syncWal : undefined);
  const kysely = new Kysely<Database>({ dialect });
  const checkpointer = wal && opts.backgroundCheckpoints ? startCheckpointer(sqlite, opts.sqlitePath, opts.onBackgroundError ?? (() => {})) : undefined;
  return {
    kysely,
    dialect: "sqlite",
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
    durable: () => dialect.driver.durable(),
  };
}

/**
 * Kysely asks better-sqlite3 to prepare every query afresh; preparing costs about as much as
 * running a small query. The app issues a few hundred distinct SQL texts, so prepared statements
 * are kept by SQL text (bounded, oldest dropped first). Kysely only calls all() and run(), never
 * iterate(), so one statement object can serve every caller in turn. `onWrite` hears of each
 * statement that may write and runs outside a transaction (its commit is then the statement's).
 */
function withStatementCache(db: SQLite.Database, onWrite: () => void, max = 1000) {
  const cache = new Map<string, { stmt: SQLite.Statement; handle: SQLite.Statement | ReaderStatement }>();
  const version = db.prepare("pragma schema_version").pluck();
  const schemaVersion = () => version.get() as number;
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let entry = cache.get(sql);
      if (!entry) {
        const stmt = db.prepare(sql);
        // Readers' rows are built more cheaply (sqlite-rows.ts).
        entry = { stmt, handle: stmt.reader ? cheapRows(stmt, schemaVersion) : stmt };
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, entry);
      }
      if (!entry.stmt.readonly && !db.inTransaction) onWrite();
      return entry.handle;
    },
  };
}
