/**
 * Group commit for SQLite. Every acknowledged write must be on disk, and the fsync that puts it
 * there is the largest single cost of a write. Two things keep that cost off the request path:
 *
 * - Transactions that arrive together share one commit: each runs, one at a time as before, as
 *   a SAVEPOINT inside an outer transaction, and the outer transaction commits as soon as the
 *   transactions already waiting have run.
 * - The commit's fsync runs on a libuv thread, not on the main thread. The database runs with
 *   synchronous=NORMAL (in WAL mode SQLite then syncs the WAL before each checkpoint and the
 *   database file after it, but not at each commit); after each commit this driver fsyncs the
 *   WAL file itself, which is exactly the extra sync synchronous=FULL would have done inside
 *   COMMIT, while the main thread goes on with the next messages and requests.
 *
 * Nobody is answered before that sync: the app awaits `durable()` before sending any response,
 * so "acknowledged" still means "on disk". A write made outside any transaction (autocommit) is
 * noted too (`noteWrite`) and makes the next `durable()` wait for a sync. If the commit fails,
 * every transaction of the group fails with it; if an fsync fails, nothing is acknowledged any
 * more until the process restarts (the kernel may have dropped the pages it could not write, so
 * a later fsync that succeeds proves nothing).
 *
 * A transaction that fails rolls back to its own savepoint and leaves the others untouched.
 */
import { CompiledQuery, SqliteAdapter, SqliteDriver, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type Dialect, type Kysely, type SqliteDialectConfig } from "kysely";

/** Syncs the WAL file to disk (off the main thread); undefined: SQLite syncs at each commit itself. */
export type WalSync = () => Promise<void>;

class GroupCommitDriver extends SqliteDriver {
  private open = false;
  private group: Promise<void> | undefined;
  /** The WAL sync running now, and the one queued to start after it. */
  private syncing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Autocommit writes since the last sync was requested. */
  private dirty = false;
  private syncFailed: Error | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly syncWal: WalSync | undefined,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.open) {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
      this.open = true;
      // The group's own sync comes after everything written before it.
      this.dirty = false;
      this.group = this.scheduleCommit();
      this.group.catch(() => {}); // handled by whoever awaits durable()
    }
    await connection.executeQuery(CompiledQuery.raw("savepoint tx"));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("release tx"));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback to tx"));
    await connection.executeQuery(CompiledQuery.raw("release tx"));
  }

  /** Commits the open group once the transactions queued for the connection have run, then syncs it. */
  private scheduleCommit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      setImmediate(async () => {
        const connection = await this.acquireConnection();
        try {
          await connection.executeQuery(CompiledQuery.raw("commit"));
          // Asked for before the group is closed, so that durable() never finds neither.
          resolve(this.sync());
        } catch (err) {
          // The group is lost (disk full, I/O error): make sure no half of it lingers.
          await connection.executeQuery(CompiledQuery.raw("rollback")).catch(() => {});
          reject(err);
        } finally {
          this.open = false;
          this.group = undefined;
          await this.releaseConnection();
        }
      });
    });
  }

  /**
   * A WAL sync that starts after this call: the one running now may have started before the
   * caller's commit, so a caller joins the next one (one queued sync serves every caller that
   * arrives while another runs).
   */
  private sync(): Promise<void> {
    if (!this.syncWal) return Promise.resolve();
    if (this.syncFailed) return Promise.reject(this.syncFailed);
    if (!this.syncing) {
      this.syncing = this.syncWal()
        .catch((err: Error) => {
          this.syncFailed = err;
          throw err;
        })
        .finally(() => {
          this.syncing = undefined;
        });
      return this.syncing;
    }
    this.queued ??= this.syncing
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  /** A statement that writes is about to run outside any transaction: the next durable() syncs. */
  noteWrite() {
    this.dirty = true;
  }

  /** Resolves when everything written so far is committed and synced (rejects if that failed). */
  durable(): Promise<void> {
    if (this.syncFailed) return Promise.reject(this.syncFailed);
    if (this.group) return this.group;
    if (this.dirty) {
      this.dirty = false;
      return this.sync();
    }
    return this.queued ?? this.syncing ?? Promise.resolve();
  }

  override async destroy(): Promise<void> {
    await this.group?.catch(() => {});
    await this.durable().catch(() => {});
    await super.destroy();
  }
}

/**
 * SqliteDialect with group commit; `driver.durable()` gives the wait for everything written so
 * far. With `syncWal` the database must run in WAL mode with synchronous=NORMAL (see above).
 */
export class GroupCommitSqliteDialect implements Dialect {
  readonly driver: GroupCommitDriver;
  constructor(config: SqliteDialectConfig, syncWal?: WalSync) {
    this.driver = new GroupCommitDriver(config, syncWal);
  }
  createDriver() {
    return this.driver;
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
