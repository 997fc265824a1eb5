/**
 * Runs in a worker thread: writes a seeded desk's batches into SQLite on its own connection,
 * while the main thread generates the next batch (writers.ts). Plain JavaScript on purpose: a
 * worker is started by Node itself, outside any TypeScript loader.
 *
 * workerData: { file, tables: [{ name, columns: [[name, type]], sqliteNames? }], consumers, eventsTable, deferIndexes }.
 * Messages in: { batch: Map<table, flat values>, at } | "finish" | "close"; each is answered
 * with { ok: true } or { error }.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, tables, consumers, eventsTable, deferIndexes } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma("busy_timeout = 30000");
// WAL with NORMAL syncs at checkpoints only; a crash mid-seed loses the last batches, never the file.
db.pragma("synchronous = NORMAL");
db.pragma("cache_size = -262144");
db.pragma("temp_store = MEMORY");
db.pragma("wal_autocheckpoint = 20000");
// The generator numbers every row it refers to; checking each reference again is wasted work.
db.pragma("foreign_keys = OFF");

// One statement for many rows (up to ~2,000 values) and one for the rest, per table.
const statements = new Map(
  tables.map((t) => {
    const names = t.sqliteNames ?? t.columns.map(([n]) => n).join(", ");
    const one = `(${t.columns.map(() => "?").join(", ")})`;
    const per = Math.max(1, Math.floor(2000 / t.columns.length));
    const sql = (n) => `insert into ${t.name} (${names}) values ${Array(n).fill(one).join(", ")}`;
    return [t.name, { width: t.columns.length, per, many: db.prepare(sql(per)), one: db.prepare(sql(1)) }];
  }),
);
// Into an empty desk, the tickets' secondary indexes (and the events' by time) are built once at
// the end from sorted data rather than kept up to date row by row; exactly as the migrations made them.
const deferred = deferIndexes ? db.prepare("select name, sql from sqlite_master where type = 'index' and sql is not null and (tbl_name = 'tickets' or name = 'ticket_events_created')").all() : [];
for (const ix of deferred) db.exec(`drop index ${ix.name}`);
const rebuild = () => {
  // The index builds sort millions of keys: in temporary files, not in memory.
  if (deferred.length) db.pragma("temp_store = FILE");
  while (deferred.length) db.exec(deferred.shift().sql);
};

const cursor = db.prepare("update event_consumers set cursor_xact = 0, cursor_id = ?, updated_at = ? where name = ? and cursor_id < ?");
const eventsWidth = tables.find((t) => t.name === eventsTable).columns.length;

const write = db.transaction((batch, at) => {
  for (const t of tables) {
    const values = batch.get(t.name);
    const s = statements.get(t.name);
    const chunk = s.per * s.width;
    let i = 0;
    for (; i + chunk <= values.length; i += chunk) s.many.run(values.slice(i, i + chunk));
    for (; i < values.length; i += s.width) s.one.run(values.slice(i, i + s.width));
  }
  // The after-commit consumers move past this batch's events in the same transaction.
  const events = batch.get(eventsTable);
  if (events.length) {
    const last = events[events.length - eventsWidth];
    for (const name of consumers) cursor.run(last, at, name, last);
  }
});

parentPort.on("message", (msg) => {
  try {
    if (msg === "finish") {
      rebuild();
      // Statistics for the query planner, sampled so that it takes seconds, not minutes.
      db.pragma("analysis_limit = 1000");
      db.exec("analyze");
      // Except the tickets, read in full (seconds for a million): sampled, the share of tickets
      // in each SLA state and category came out hundreds of times too small, and the planner
      // then read "Breaching soon" through every breached ticket ever, closed ones included.
      db.pragma("analysis_limit = 0");
      db.exec("analyze tickets");
      db.pragma("wal_checkpoint(TRUNCATE)");
    } else if (msg === "close") {
      // A seed that failed half-way still leaves every index in place.
      rebuild();
      db.close();
      parentPort.postMessage({ ok: true });
      parentPort.close();
      return;
    } else write(msg.batch, msg.at);
    parentPort.postMessage({ ok: true });
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
