/**
 * Background checkpoints for SQLite in WAL mode. By default SQLite copies the log back into the
 * database file inside the COMMIT that makes the log pass 1,000 pages: under steady writing that
 * is every few commits, and each time the main thread stalls for the page copies and two fsyncs
 * (10 ms and more on a busy disk). Here a worker thread with its own connection runs a PASSIVE
 * checkpoint every few hundred milliseconds, which never blocks the writer.
 *
 * A passive checkpoint cannot restart the log while commits keep arriving, so the main
 * connection keeps its own automatic checkpoint at a higher mark: by then nearly everything is
 * already copied, and that checkpoint only restarts the log. If the worker stops, the main
 * connection goes back to SQLite's default.
 */
import { Worker } from "node:worker_threads";
import type SQLite from "better-sqlite3";

/** The main connection's own checkpoint mark while the worker runs, in pages (about 40 MiB). */
const MAIN_CHECKPOINT_PAGES = 10_000;
/** SQLite's default mark, restored when the worker stops. */
const DEFAULT_CHECKPOINT_PAGES = 1000;

const WORKER_URL = new URL("./checkpoint-worker.mjs", import.meta.url);

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * @param sqlite the main connection (in WAL mode)
 * @param path the database file
 * @param onError told when the worker fails; the main connection has checkpointed itself again
 * @param intervalMs time between checkpoints
 */
export function startCheckpointer(sqlite: SQLite.Database, path: string, onError: (err: Error) => void, intervalMs = 250): Checkpointer {
  const worker = new Worker(WORKER_URL, { workerData: { path, intervalMs } });
  worker.unref();
  let stopping = false;
  let fellBack = false;
  const fallBack = (err: Error) => {
    if (stopping || fellBack || !sqlite.open) return;
    fellBack = true;
    sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
    onError(err);
  };
  sqlite.pragma(`wal_autocheckpoint = ${MAIN_CHECKPOINT_PAGES}`);
  worker.on("message", (msg: { ready?: boolean; error?: string }) => {
    if (msg.error) fallBack(new Error(`background checkpoint failed: ${msg.error}`));
  });
  worker.on("error", fallBack);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.once("exit", (code) => {
    if (code !== 0) fallBack(new Error(`the checkpoint thread stopped (exit code ${code})`));
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage("stop");
      // It closes its connection first, so that the main connection, closing last, can
      // checkpoint the log one final time and remove it.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      await worker.terminate();
    },
  };
}
