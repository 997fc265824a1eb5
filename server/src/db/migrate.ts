/** Runs every pending migration, forward only, the same set on both engines. */
import { Migrator, sql, type Migration, type MigrationProvider } from "kysely";
import type { Db } from "./connect.ts";
import * as foundation from "./migrations/2026-11-25-0001-foundation.ts";
import * as workspace from "./migrations/2026-11-25-0002-workspace.ts";
import * as sla from "./migrations/2026-11-25-0003-sla.ts";
import * as mailIn from "./migrations/2026-11-25-0004-mail-in.ts";
import * as mailOut from "./migrations/2026-11-25-0005-mail-out.ts";
import * as replies from "./migrations/2026-11-25-0006-replies.ts";
import * as mailTrust from "./migrations/2026-12-07-0007-mail-trust.ts";
import * as audit from "./migrations/2026-12-07-0008-audit.ts";
import * as replyDrafts from "./migrations/2026-12-07-0009-reply-drafts.ts";
import * as notificationMutes from "./migrations/2026-12-07-0010-notification-mutes.ts";
import * as jobs from "./migrations/2026-12-07-0013-jobs.ts";
import * as eventLog from "./migrations/2026-12-07-0014-event-log.ts";
import * as tokenScopes from "./migrations/2026-12-07-0015-token-scopes.ts";
import * as listIndexes from "./migrations/2026-12-07-0020-list-indexes.ts";
import * as countIndexes from "./migrations/2026-12-07-0021-count-indexes.ts";
import * as ticketSearch from "./migrations/2026-12-07-0022-ticket-search.ts";
import * as countIndexIds from "./migrations/2026-12-07-0024-count-index-ids.ts";

// Listed here rather than read from disk, so the set is fixed at build time and ordered by name.
const migrations: Record<string, Migration> = {
  "2026-11-25-0001-foundation": foundation,
  "2026-11-25-0002-workspace": workspace,
  "2026-11-25-0003-sla": sla,
  "2026-11-25-0004-mail-in": mailIn,
  "2026-11-25-0005-mail-out": mailOut,
  "2026-11-25-0006-replies": replies,
  "2026-12-07-0007-mail-trust": mailTrust,
  "2026-12-07-0008-audit": audit,
  "2026-12-07-0009-reply-drafts": replyDrafts,
  "2026-12-07-0010-notification-mutes": notificationMutes,
  "2026-12-07-0013-jobs": jobs,
  "2026-12-07-0014-event-log": eventLog,
  "2026-12-07-0015-token-scopes": tokenScopes,
  "2026-12-07-0020-list-indexes": listIndexes,
  "2026-12-07-0021-count-indexes": countIndexes,
  "2026-12-07-0022-ticket-search": ticketSearch,
  "2026-12-07-0024-count-index-ids": countIndexIds,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; another
  // schema's kysely_migration_lock (a second install, a parallel test suite) would make it skip
  // creating ours and then fail. Pin it to the schema this connection works in.
  const migrationTableSchema = db.dialect === "postgres" ? ((await sql<{ s: string | null }>`select current_schema() as s`.execute(db.kysely)).rows[0]?.s ?? undefined) : undefined;
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
