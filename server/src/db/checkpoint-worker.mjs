/**
 * Runs in a worker thread: copies SQLite's write-ahead log into the database file (a PASSIVE
 * checkpoint) every `intervalMs`, on its own connection, so that the main thread never stalls on
 * the checkpoint's page copies and two fsyncs. Plain JavaScript on purpose: a worker is started
 * by Node itself, outside any TypeScript loader. See checkpointer.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { path, intervalMs } = workerData;
const db = new Database(path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("journal_mode = WAL");
// A checkpoint syncs the log before copying it and the database file after.
db.pragma("synchronous = FULL");

const timer = setInterval(() => {
  try {
    // Never waits for the writer: it copies what is committed and leaves the rest for next time.
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ error: String(err?.message ?? err).slice(0, 500) });
    process.exit(1);
  }
}, intervalMs);

parentPort.on("message", (msg) => {
  if (msg !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});

parentPort.postMessage({ ready: true });
