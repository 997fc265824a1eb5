/**
 * Group commit for SQLite. With synchronous=FULL every COMMIT waits for an fsync (about a
 * quarter of a millisecond here), the largest single cost of a ticket create. Transactions that
 * arrive together therefore share one: each runs, one at a time as before, as a SAVEPOINT inside
 * an outer transaction, and the outer transaction commits as soon as the transactions already
 * waiting have run. Nobody is answered before that commit: the app awaits `durable()` before
 * sending any response, so "acknowledged" still means "on disk". If the commit fails, every
 * transaction of the group fails with it, and none of them was acknowledged.
 *
 * A transaction that fails rolls back to its own savepoint and leaves the others untouched.
 */
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Kysely,
  type SqliteDialectConfig,
} from "kysely";

class GroupCommitDriver extends SqliteDriver {
  private open = false;
  private group: Promise<void> | undefined;

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.open) {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
      this.open = true;
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

  /** Commits the open group once the transactions queued for the connection have run. */
  private scheduleCommit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      setImmediate(async () => {
        const connection = await this.acquireConnection();
        try {
          await connection.executeQuery(CompiledQuery.raw("commit"));
          resolve();
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

  /** Resolves when everything written so far is committed (rejects if that commit failed). */
  durable(): Promise<void> {
    return this.group ?? Promise.resolve();
  }

  override async destroy(): Promise<void> {
    await this.durable().catch(() => {});
    await super.destroy();
  }
}

/** SqliteDialect with group commit; `durableOf(db)` gives the wait for the open group. */
export class GroupCommitSqliteDialect implements Dialect {
  readonly driver: GroupCommitDriver;
  constructor(config: SqliteDialectConfig) {
    this.driver = new GroupCommitDriver(config);
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
