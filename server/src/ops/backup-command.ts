/** `tessera backup DIR`, `tessera restore DIR` and `tessera check`: see backup.ts. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Kysely } from "kysely";
import type { Config } from "../config.ts";
import { connect } from "../db/connect.ts";
import { BackupError, backup, pgSchemaHasTables, restore, verifyFiles, type Manifest } from "./backup.ts";

/** Opens the configured database without migrating it: a restore must find it untouched. */
function openRaw(cfg: Config) {
  if (!cfg.databaseUrl && !existsSync(cfg.sqlitePath)) throw new BackupError(`There is no database at ${cfg.sqlitePath}: set TESSERA_DATA_DIR (or DATABASE_URL) to the installation's.`);
  const db = connect({ databaseUrl: cfg.databaseUrl, sqlitePath: cfg.sqlitePath, poolSize: 2 });
  return { db: db.kysely as unknown as Kysely<unknown>, close: () => db.close() };
}

const describe = (m: Manifest) =>
  `${m.counts.tickets} tickets, ${m.counts.ticket_events} events, ${m.counts.comments} comments, ${m.counts.attachments} attachments (${m.counts.files} files, ${(m.file_bytes / 1_048_576).toFixed(1)} MiB)`;

/** Runs `fn`, printing a BackupError as one line for a person and exiting 1. */
async function guarded(fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    console.error(`Error: ${err.message}`);
    process.exitCode = 1;
  }
}

/** Runs `fn` with a connection to the configured database (not migrated), closed afterwards. */
async function withLive<T>(cfg: Config, fn: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const live = openRaw(cfg);
  try {
    return await fn(live.db);
  } finally {
    await live.close();
  }
}

async function backupCommand(cfg: Config, dir: string) {
  const m = await withLive(cfg, (db) => backup(cfg, db, dir, new Date()));
  console.log(`Backed up and checked: ${describe(m)}, in ${dir}.`);
}

async function restoreCommand(cfg: Config, dir: string) {
  if (cfg.databaseUrl && (await withLive(cfg, pgSchemaHasTables))) {
    throw new BackupError("The PostgreSQL database already holds tables: restore into a new, empty database (createdb), then point DATABASE_URL at it.");
  }
  const m = await restore(cfg, dir, async () => openRaw(cfg));
  console.log(`Restored and checked: ${describe(m)}. Start Tessera to apply any newer migrations.`);
}

async function checkCommand(cfg: Config, hashes: boolean) {
  const { problems, referenced } = await withLive(cfg, (db) => verifyFiles(db, cfg.attachmentsDir, { hashes }));
  if (problems.length) throw new BackupError(`${problems.length} problem(s) in the file store:\n  ${problems.slice(0, 50).join("\n  ")}`);
  console.log(`All ${referenced.size} files the database names are in place${hashes ? " and intact" : ""}.`);
}

export function registerBackupCommands(program: Command, config: () => Config) {
  program
    .command("backup")
    .description("Copy the database and the file store into a new folder, while Tessera runs, and check the copy")
    .argument("<dir>", "a new or empty folder")
    .action((dir: string) => guarded(() => backupCommand(config(), dir)));
  program
    .command("restore")
    .description("Restore a backup into an empty installation (stopped), and check it against the backup")
    .argument("<dir>", "a folder written by tessera backup")
    .action((dir: string) => guarded(() => restoreCommand(config(), dir)));
  program
    .command("check")
    .description("Check that every file the database names is in the file store, with its size")
    .option("--hashes", "also read every file and check its content hash (slower)")
    .action((o: { hashes?: boolean }) => guarded(() => checkCommand(config(), !!o.hashes)));
}
