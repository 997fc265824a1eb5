/**
 * Writing a seeded desk's rows in bulk, one transaction per batch, beside the app's own
 * connection: prepared multi-row INSERTs on SQLite (in a worker thread), one INSERT ... SELECT
 * FROM unnest(arrays) per table on PostgreSQL. Each batch moves the after-commit consumers' cursors past its events
 * in the same transaction, so no consumer ever acts on seeded history (no mail is queued for it).
 */
import { Worker } from "node:worker_threads";
import pg from "pg";
import { BULK_TABLES, ID_TABLES, TICKET_EVENTS, type Batch, type BulkTable } from "./tables.ts";

export interface BulkWriter {
  /** Writes the batch and moves the cursors of `consumers` to its last event, in one transaction. */
  write(batch: Batch, at: string): Promise<void>;
  /** After the last batch: sequences and planner statistics. */
  finish(lastNumber: number): Promise<void>;
  close(): Promise<void>;
}

const lastEventId = (batch: Batch) => {
  const values = batch.get(TICKET_EVENTS.name)!;
  return values.length ? (values[values.length - TICKET_EVENTS.columns.length] as number) : undefined;
};

const names = (t: BulkTable) => t.columns.map(([n]) => n).join(", ");

const THREAD_URL = new URL("./sqlite-writer-thread.mjs", import.meta.url);

/**
 * SQLite: a second connection to the same file, in a worker thread (sqlite-writer-thread.mjs), so
 * that writing one batch and generating the next use both cores. One request at a time.
 */
export function sqliteWriter(file: string, consumers: string[], opts: { deferIndexes: boolean }): BulkWriter {
  const worker = new Worker(THREAD_URL, { workerData: { file, tables: BULK_TABLES, consumers, eventsTable: TICKET_EVENTS.name, deferIndexes: opts.deferIndexes } });
  let failed: Error | undefined;
  worker.on("error", (err) => (failed = err));
  const ask = (msg: unknown) =>
    new Promise<void>((resolve, reject) => {
      if (failed) return reject(failed);
      const onExit = () => reject(failed ?? new Error("the SQLite writer thread stopped"));
      worker.once("exit", onExit);
      worker.once("message", (answer: { ok?: true; error?: string }) => {
        worker.off("exit", onExit);
        if (answer.error) reject(new Error(answer.error));
        else resolve();
      });
      worker.postMessage(msg);
    });
  return {
    write: (batch, at) => ask({ batch, at }),
    finish: () => ask("finish"),
    async close() {
      await ask("close").catch(() => {});
      await worker.terminate();
    },
  };
}

/**
 * PostgreSQL: its own client on the app's schema; each table's rows go as one array per column.
 * Into an empty desk, the bulk tables' secondary indexes (all but primary keys and unique
 * constraints) are dropped first and built once at the end from the whole table, as on SQLite:
 * keeping them up to date row by row cost most of the time, and the full-text index, written
 * row by row, piles its entries in a pending list that every search must then read through.
 */
export async function postgresWriter(url: string, schema: string, consumers: string[], opts: { deferIndexes: boolean }): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  // The seed is re-runnable: losing its last batch to a crash is fine, waiting for each flush is not.
  await client.query("set synchronous_commit = off");
  // Fewer, larger merges of the full-text index's pending entries.
  await client.query("set gin_pending_list_limit = '64MB'");
  // The generator writes only rows whose references it made itself: skip the per-row foreign key
  // checks when the role may (a superuser or the database owner with that right); else keep them.
  await client.query("set session_replication_role = replica").catch(() => {});
  const tables = BULK_TABLES.map((t) => t.name);
  const deferred = opts.deferIndexes
    ? (
        await client.query<{ name: string; sql: string }>(
          `select i.indexname as name, i.indexdef as sql from pg_indexes i where i.schemaname = current_schema() and i.tablename = any($1)
             and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = (select oid from pg_namespace where nspname = current_schema()))`,
          [tables],
        )
      ).rows
    : [];
  for (const ix of deferred) await client.query(`drop index ${ix.name}`);
  const rebuild = async () => {
    // Index builds sort the whole table: give them memory (and PostgreSQL's parallel workers).
    await client.query("set maintenance_work_mem = '256MB'");
    while (deferred.length) await client.query(deferred.shift()!.sql);
  };
  const statements = new Map(
    BULK_TABLES.map((t) => {
      const arrays = t.columns.map(([, type], j) => `$${j + 1}::${type}[]`).join(", ");
      return [t.name, `insert into ${t.name} (${names(t)}) select ${t.pgValues ?? "u.*"} from unnest(${arrays}) as u(${names(t)})`];
    }),
  );
  return {
    async write(batch, at) {
      await client.query("begin");
      try {
        for (const t of BULK_TABLES) {
          const values = batch.get(t.name)!;
          if (!values.length) continue;
          const width = t.columns.length;
          await client.query(
            statements.get(t.name)!,
            t.columns.map((_, j) => {
              const column: unknown[] = [];
              for (let i = j; i < values.length; i += width) column.push(values[i]);
              return column;
            }),
          );
        }
        const last = lastEventId(batch);
        if (last !== undefined)
          await client.query("update event_consumers set cursor_xact = pg_current_xact_id()::text::bigint, cursor_id = $1, updated_at = $2 where name = any($3)", [last, at, consumers]);
        await client.query("commit");
      } catch (err) {
        await client.query("rollback").catch(() => {});
        throw err;
      }
    },
    async finish(lastNumber) {
      await rebuild();
      // The generator chose the ids; the sequences must hand out the ones after them.
      for (const t of ID_TABLES) await client.query(`select setval(pg_get_serial_sequence('${t.name}', 'id'), greatest(1, (select max(id) from ${t.name})))`);
      await client.query("select setval('ticket_number_seq', greatest($1::bigint, (select last_value from ticket_number_seq)))", [lastNumber]);
      // Statistics for the planner, the full-text index's pending entries merged, and the
      // visibility map set, as autovacuum keeps them on a desk that grew by use: without it no
      // index-only scan is possible (the view counts read every match from the table).
      for (const t of BULK_TABLES) await client.query(`vacuum analyze ${t.name}`);
    },
    async close() {
      // A seed that failed half-way still leaves every index in place.
      await rebuild().catch(() => {});
      await client.end();
    },
  };
}
