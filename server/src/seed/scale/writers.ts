/**
 * Writing a seeded desk's rows in bulk, one transaction per batch, beside the app's own
 * connection: prepared multi-row INSERTs on SQLite, one INSERT ... SELECT FROM unnest(arrays)
 * per table on PostgreSQL. Each batch moves the after-commit consumers' cursors past its events
 * in the same transaction, so no consumer ever acts on seeded history (no mail is queued for it).
 */
import SQLite from "better-sqlite3";
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

/** SQLite: a second connection to the same file, tuned for loading, with statements prepared once. */
export function sqliteWriter(file: string, consumers: string[]): BulkWriter {
  const db = new SQLite(file);
  db.pragma("busy_timeout = 30000");
  // WAL with NORMAL syncs at checkpoints only; a crash mid-seed loses the last batches, never the file.
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -262144");
  db.pragma("temp_store = MEMORY");
  db.pragma("wal_autocheckpoint = 20000");
  // The generator numbers every row it refers to; checking each reference again is wasted work.
  db.pragma("foreign_keys = OFF");
  const statements = new Map(
    BULK_TABLES.map((t) => {
      const one = `(${t.columns.map(() => "?").join(", ")})`;
      const per = Math.max(1, Math.floor(2000 / t.columns.length));
      const sql = (n: number) => `insert into ${t.name} (${names(t)}) values ${Array(n).fill(one).join(", ")}`;
      return [t.name, { per, many: db.prepare(sql(per)), one: db.prepare(sql(1)) }];
    }),
  );
  const cursor = db.prepare("update event_consumers set cursor_xact = 0, cursor_id = ?, updated_at = ? where name = ? and cursor_id < ?");
  const insertAll = (t: BulkTable, values: unknown[]) => {
    const s = statements.get(t.name)!;
    const width = t.columns.length;
    const chunk = s.per * width;
    let i = 0;
    for (; i + chunk <= values.length; i += chunk) s.many.run(values.slice(i, i + chunk));
    for (; i < values.length; i += width) s.one.run(values.slice(i, i + width));
  };
  const write = db.transaction((batch: Batch, at: string) => {
    for (const t of BULK_TABLES) insertAll(t, batch.get(t.name)!);
    const last = lastEventId(batch);
    if (last !== undefined) for (const name of consumers) cursor.run(last, at, name, last);
  });
  return {
    write: async (batch, at) => write(batch, at),
    async finish() {
      // Statistics for the query planner, sampled so that it takes seconds, not minutes.
      db.pragma("analysis_limit = 1000");
      db.exec("analyze");
      db.pragma("wal_checkpoint(TRUNCATE)");
    },
    close: async () => {
      db.close();
    },
  };
}

/** PostgreSQL: its own client on the app's schema; each table's rows go as one array per column. */
export async function postgresWriter(url: string, schema: string, consumers: string[]): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  // The seed is re-runnable: losing its last batch to a crash is fine, waiting for each flush is not.
  await client.query("set synchronous_commit = off");
  const statements = new Map(
    BULK_TABLES.map((t) => {
      const arrays = t.columns.map(([, type], j) => `$${j + 1}::${type}[]`).join(", ");
      return [t.name, `insert into ${t.name} (${names(t)}) select * from unnest(${arrays})`];
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
      // The generator chose the ids; the sequences must hand out the ones after them.
      for (const t of ID_TABLES) await client.query(`select setval(pg_get_serial_sequence('${t.name}', 'id'), greatest(1, (select max(id) from ${t.name})))`);
      await client.query("select setval('ticket_number_seq', greatest($1::bigint, (select last_value from ticket_number_seq)))", [lastNumber]);
      for (const t of BULK_TABLES) await client.query(`analyze ${t.name}`);
    },
    close: () => client.end(),
  };
}
