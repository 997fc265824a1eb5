/**
 * Backing up and restoring a whole installation: the database and the file store (attachments,
 * and raw mail too large to keep in the database).
 *
 * - SQLite: SQLite's online backup copies the database page by page while Tessera keeps running.
 * - PostgreSQL: `pg_dump` of Tessera's schema, in its custom format, restored by `pg_restore`
 *   into an empty database.
 *
 * The file store is content-addressed and files are never changed or removed, so copying it
 * after the database snapshot brings every file the snapshot names. Nothing is called a backup
 * until it is checked: every file the backed-up database names is present, with its size and
 * its hash. `verifyFiles` runs the same check on a live installation (`tessera check`).
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { Config } from "../config.ts";
import { blobPath } from "../attachments/storage.ts";

const run = promisify(execFile);

export const MANIFEST = "manifest.json";
const SQLITE_FILE = "tessera.db";
const PG_DUMP_FILE = "tessera.pgdump";
const FILES_DIR = "attachments";

export interface Counts {
  tickets: number;
  ticket_events: number;
  comments: number;
  attachments: number;
  files: number;
}

export interface Manifest {
  format: 1;
  created_at: string;
  dialect: "sqlite" | "postgres";
  /** PostgreSQL: the schema that was dumped. */
  schema?: string;
  counts: Counts;
  file_bytes: number;
}

/** What a check found wrong; empty means consistent. */
export type Problems = string[];

/** Every file the database names, by sha256, with the size it must have. */
async function referencedFiles(db: Kysely<unknown>): Promise<Map<string, number>> {
  const { rows } = await sql<{ sha256: string; size: number | string }>`
    select sha256, size from attachments
    union select raw_sha256, raw_size from mail_messages where raw_sha256 not in (select sha256 from mail_raw)
    union select raw_sha256, raw_size from mail_failed where raw_sha256 not in (select sha256 from mail_raw)`.execute(db);
  return new Map(rows.map((r) => [r.sha256, Number(r.size)]));
}

async function countRows(db: Kysely<unknown>, files: number): Promise<Counts> {
  const count = async (table: string) => Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0].n);
  return { tickets: await count("tickets"), ticket_events: await count("ticket_events"), comments: await count("comments"), attachments: await count("attachments"), files };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Checks that each file of `referenced` is in `filesDir` with its size (and, when `hashes`, its content). */
async function checkFiles(referenced: Map<string, number>, filesDir: string, opts: { hashes: boolean }): Promise<Problems> {
  const problems: Problems = [];
  for (const [sha, size] of referenced) {
    const file = blobPath(filesDir, sha);
    const st = await stat(file).catch(() => undefined);
    if (!st) problems.push(`missing file ${sha} (${size} bytes)`);
    else if (st.size !== size) problems.push(`file ${sha} has ${st.size} bytes, the database says ${size}`);
    else if (opts.hashes && (await sha256Of(file)) !== sha) problems.push(`file ${sha} does not hash to its name: it is damaged`);
  }
  return problems;
}

/** Checks that each file `db` names is in `filesDir` with its size (and, when `hashes`, its content). */
export async function verifyFiles(db: Kysely<unknown>, filesDir: string, opts: { hashes: boolean }): Promise<{ problems: Problems; referenced: Map<string, number> }> {
  const referenced = await referencedFiles(db);
  return { problems: await checkFiles(referenced, filesDir, opts), referenced };
}

/**
 * Copies every file `db` names from one store to another, keeping their content addresses, then
 * checks the copies by size and hash. A file missing from `from` is left for the check to name.
 */
async function copyFilesOf(db: Kysely<unknown>, from: string, to: string): Promise<{ referenced: Map<string, number>; bytes: number; problems: Problems }> {
  const referenced = await referencedFiles(db);
  let bytes = 0;
  for (const sha of referenced.keys()) {
    const source = blobPath(from, sha);
    if (!existsSync(source)) continue;
    const target = blobPath(to, sha);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(source, target);
    bytes += (await stat(target)).size;
  }
  return { referenced, bytes, problems: await checkFiles(referenced, to, { hashes: true }) };
}

const incomplete = (what: string, problems: Problems) => new BackupError(`${what}:\n  ${problems.slice(0, 20).join("\n  ")}`);

function openSqlite(file: string, readonly: boolean) {
  const handle = new SQLite(file, { readonly, fileMustExist: true });
  return { handle, db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) }) };
}

async function assertEmptyDir(dir: string) {
  if (existsSync(dir) && (await readdir(dir)).length > 0) throw new BackupError(`${dir} is not empty: back up into a new folder.`);
  await mkdir(dir, { recursive: true });
}

export class BackupError extends Error {}

/** The schema Tessera's tables live in on PostgreSQL (search_path may name one). */
async function currentSchema(db: Kysely<unknown>): Promise<string> {
  return (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema;
}

/** pg_dump and pg_restore take the URL without the libpq `options` the search_path may ride on. */
const pgConnection = (url: string) => {
  const u = new URL(url);
  u.searchParams.delete("options");
  return u.toString();
};

async function pgTool(tool: "pg_dump" | "pg_restore", args: string[]) {
  try {
    await run(tool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new BackupError(`${tool} was not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client) in the version of your server or newer.`);
    throw new BackupError(`${tool} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/**
 * Backs up the installation `cfg` points at into the new folder `dir`; `live` is a connection to
 * its database. Returns the manifest, written last, once the backup has been checked.
 */
export async function backup(cfg: Config, live: Kysely<unknown>, dir: string, now: Date): Promise<Manifest> {
  await assertEmptyDir(dir);
  const filesDir = path.join(dir, FILES_DIR);
  let manifest: Manifest;
  if (cfg.databaseUrl) {
    // One snapshot for the dump, the file list and the counts: pg_dump reads the snapshot this
    // read-only transaction exports, so writes made meanwhile are in none of them.
    manifest = await live
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (snap) => {
        const snapshot = (await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(snap)).rows[0].id;
        const schema = await currentSchema(snap);
        await pgTool("pg_dump", [
          "--format=custom",
          "--no-owner",
          "--no-privileges",
          `--snapshot=${snapshot}`,
          `--schema=${schema}`,
          `--file=${path.join(dir, PG_DUMP_FILE)}`,
          pgConnection(cfg.databaseUrl!),
        ]);
        const files = await copyFilesOf(snap, cfg.attachmentsDir, filesDir);
        if (files.problems.length) throw incomplete("The backup is incomplete", files.problems);
        return { format: 1, created_at: now.toISOString(), dialect: "postgres", schema, counts: await countRows(snap, files.referenced.size), file_bytes: files.bytes };
      });
  } else {
    const source = new SQLite(cfg.sqlitePath, { fileMustExist: true });
    try {
      await source.backup(path.join(dir, SQLITE_FILE));
    } finally {
      source.close();
    }
    const copy = openSqlite(path.join(dir, SQLITE_FILE), true);
    try {
      const files = await copyFilesOf(copy.db, cfg.attachmentsDir, filesDir);
      if (files.problems.length) throw incomplete("The backup is incomplete", files.problems);
      manifest = { format: 1, created_at: now.toISOString(), dialect: "sqlite", counts: await countRows(copy.db, files.referenced.size), file_bytes: files.bytes };
    } finally {
      await copy.db.destroy();
    }
  }
  await writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

export async function readManifest(dir: string): Promise<Manifest> {
  const text = await readFile(path.join(dir, MANIFEST), "utf8").catch(() => {
    throw new BackupError(`${dir} has no ${MANIFEST}: it is not a finished Tessera backup.`);
  });
  const m = JSON.parse(text) as Manifest;
  if (m.format !== 1) throw new BackupError(`${dir} was written by a Tessera this version cannot read (format ${m.format}).`);
  return m;
}

/**
 * Restores the backup in `dir` into the installation `cfg` points at, which must be empty (no
 * SQLite database file; on PostgreSQL, no tables in the schema). `connectRestored` opens the
 * restored database so it can be checked against the manifest.
 */
export async function restore(cfg: Config, dir: string, connectRestored: () => Promise<{ db: Kysely<unknown>; close(): Promise<void> }>): Promise<Manifest> {
  const manifest = await readManifest(dir);
  const wanted = cfg.databaseUrl ? "postgres" : "sqlite";
  if (manifest.dialect !== wanted) throw new BackupError(`This backup holds a ${manifest.dialect} database; Tessera is configured for ${wanted}.`);
  if (manifest.dialect === "sqlite") {
    if (existsSync(cfg.sqlitePath)) throw new BackupError(`${cfg.sqlitePath} already exists: restore into an empty data folder (TESSERA_DATA_DIR), or move the database away first.`);
    await mkdir(path.dirname(cfg.sqlitePath), { recursive: true });
    const copy = new SQLite(path.join(dir, SQLITE_FILE), { readonly: true, fileMustExist: true });
    try {
      await copy.backup(cfg.sqlitePath);
    } finally {
      copy.close();
    }
  } else {
    await pgTool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", `--dbname=${pgConnection(cfg.databaseUrl!)}`, path.join(dir, PG_DUMP_FILE)]);
  }
  const restored = await connectRestored();
  try {
    const { referenced, problems } = await copyFilesOf(restored.db, path.join(dir, FILES_DIR), cfg.attachmentsDir);
    const counts = await countRows(restored.db, referenced.size);
    for (const [k, v] of Object.entries(manifest.counts)) if (counts[k as keyof Counts] !== v) problems.push(`${k}: the backup recorded ${v}, the restored database has ${counts[k as keyof Counts]}`);
    if (problems.length) throw incomplete("The restored installation does not match its backup", problems);
  } finally {
    await restored.close();
  }
  return manifest;
}

/** Tells whether the PostgreSQL schema Tessera would use already holds tables. */
export async function pgSchemaHasTables(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from information_schema.tables where table_schema = current_schema()`.execute(db);
  return Number(rows[0].n) > 0;
}
