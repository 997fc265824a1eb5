/**
 * SQLite's commits: the fsync that makes a commit durable runs off the main thread, and nothing
 * is acknowledged before it; the write-ahead log is copied into the database file by a
 * background thread. (SQLite only: PostgreSQL's commits are durable when they return.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, sql, type Generated } from "kysely";
import { connect } from "../src/db/connect.ts";
import { GroupCommitSqliteDialect } from "../src/db/group-commit.ts";

interface Db {
  notes: { id: Generated<number>; body: string };
}

/** A sync of the log that completes (or fails) only when the test says so. */
function heldSync() {
  const calls: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    calls,
    sync: () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject })),
  };
}

/** Resolves to "pending" when the promise has not settled after the I/O and timers now queued. */
async function state(p: Promise<unknown>): Promise<"resolved" | "rejected" | "pending"> {
  let s: "resolved" | "rejected" | "pending" = "pending";
  p.then(
    () => (s = "resolved"),
    () => (s = "rejected"),
  );
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  return s;
}

describe("SQLite commits", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), "tessera-commit-"));
    dirs.push(d);
    return d;
  };

  function open(syncWal: () => Promise<void>) {
    const sqlite = new SQLite(path.join(tempDir(), "t.db"));
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.exec("create table notes (id integer primary key, body text not null)");
    const dialect: GroupCommitSqliteDialect = new GroupCommitSqliteDialect(
      {
        database: {
          close: () => sqlite.close(),
          prepare: (text: string) => {
            const stmt = sqlite.prepare(text);
            if (!stmt.readonly && !sqlite.inTransaction) dialect.driver.noteWrite();
            return stmt;
          },
        },
      },
      syncWal,
    );
    return { db: new Kysely<Db>({ dialect }), driver: dialect.driver };
  }

  it("acknowledges a transaction only once the log holding its commit is synced", async () => {
    const wal = heldSync();
    const { db, driver } = open(wal.sync);
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ body: "first" }).execute());
    const durable = driver.durable();
    // Committed (another connection would see it), but not yet on disk: no answer yet.
    expect(await state(durable)).toBe("pending");
    expect(wal.calls).toHaveLength(1);
    wal.calls[0].resolve();
    expect(await state(durable)).toBe("resolved");

    // A write outside any transaction waits for a sync too, one that starts after it.
    await db.insertInto("notes").values({ body: "second" }).execute();
    const again = driver.durable();
    expect(await state(again)).toBe("pending");
    wal.calls[1].resolve();
    expect(await state(again)).toBe("resolved");
    // A read alone needs no sync.
    await db.selectFrom("notes").selectAll().execute();
    expect(await state(driver.durable())).toBe("resolved");
    expect(wal.calls).toHaveLength(2);
    await db.destroy();
  });

  it("a commit made while a sync is running waits for the next sync, not the running one", async () => {
    const wal = heldSync();
    const { db, driver } = open(wal.sync);
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ body: "a" }).execute());
    const first = driver.durable();
    await state(first); // the group has committed; its sync is running
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ body: "b" }).execute());
    const second = driver.durable();
    wal.calls[0].resolve();
    expect(await state(first)).toBe("resolved");
    expect(await state(second)).toBe("pending");
    expect(wal.calls).toHaveLength(2);
    wal.calls[1].resolve();
    expect(await state(second)).toBe("resolved");
    await db.destroy();
  });

  it("acknowledges nothing more once a sync of the log has failed", async () => {
    const wal = heldSync();
    const { db, driver } = open(wal.sync);
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ body: "lost?" }).execute());
    const durable = driver.durable();
    await state(durable);
    wal.calls[0].reject(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    await expect(durable).rejects.toThrow(/EIO/);
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ body: "later" }).execute());
    await expect(driver.durable()).rejects.toThrow(/EIO/);
    await db.destroy().catch(() => {});
  });

  it("copies the log into the database file from a background thread, and leaves no log behind on close", async () => {
    const file = path.join(tempDir(), "tessera.db");
    const db = connect({ sqlitePath: file, backgroundCheckpoints: true });
    await sql`create table notes (id integer primary key, body text not null)`.execute(db.kysely);
    await db.durable();
    const sizeBefore = statSync(file).size;
    // About 600 pages: below the mark at which a commit checkpoints by itself (SQLite's default
    // of 1,000 pages, and 10,000 on the main connection here), so only the background thread
    // can have put them into the database file.
    const body = "x".repeat(3000);
    for (let i = 0; i < 20; i++) {
      await db.kysely.transaction().execute(async (trx) => {
        for (let j = 0; j < 35; j++)
          await trx
            .insertInto("notes" as never)
            .values({ body } as never)
            .execute();
      });
    }
    await db.durable();
    await expect.poll(() => statSync(file).size, { timeout: 20_000, interval: 100 }).toBeGreaterThan(sizeBefore + 700 * 3000);
    await db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new SQLite(file, { readonly: true });
    expect((reopened.prepare("select count(*) n from notes").get() as { n: number }).n).toBe(700);
    reopened.close();
  });
});
