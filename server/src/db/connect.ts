/**
 * Opens the database: embedded SQLite (default) or PostgreSQL, behind one Kysely instance.
 *
 * SQLite runs in WAL mode with synchronous=FULL so that a write acknowledged to a client has
 * been fsynced and survives a crash or power loss; foreign keys are enforced and a busy timeout
 * lets a second process (the CLI beside a running server) wait instead of failing.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect } from "kysely";
import { GroupCommitSqliteDialect } from "./group-commit.ts";
import pg from "pg";
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
}

// pg answers timestamptz as Date and int8 (count(*)) as string; the app wants ISO strings and numbers.
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMPTZ || oid === TIMESTAMP) return (v: string) => new Date(oid === TIMESTAMP ? v + "Z" : v).toISOString();
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
      query_timeout: 30_000,
      types: pgTypes,
      options: opts.pgSchema ? `-c search_path=${opts.pgSchema}` : undefined,
    });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on("error", () => {});
    // A client in use when the connection drops reports the error to its query, and emits it
    // as an event too; without a listener that event would crash the process.
    pool.on("connect", (client) => client.on("error", () => {}));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: "postgres", close: () => kysely.destroy(), durable: () => Promise.resolve() };
  }
  mkdirSync(path.dirname(opts.sqlitePath), { recursive: true });
  const sqlite = new SQLite(opts.sqlitePath);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const dialect = new GroupCommitSqliteDialect({ database: withStatementCache(sqlite) });
  const kysely = new Kysely<Database>({ dialect });
  return { kysely, dialect: "sqlite", close: () => kysely.destroy(), durable: () => dialect.driver.durable() };
}

/**
 * Kysely asks better-sqlite3 to prepare every query afresh; preparing costs about as much as
 * running a small query. The app issues a few hundred distinct SQL texts, so prepared statements
 * are kept by SQL text (bounded, oldest dropped first). Kysely only calls all() and run(), never
 * iterate(), so one statement object can serve every caller in turn.
 */
function withStatementCache(db: SQLite.Database, max = 1000) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
