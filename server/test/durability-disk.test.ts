/**
 * "Acknowledged means on disk", where killing Tessera cannot tell (the operating system's cache
 * outlives the process): on SQLite the real connection's fsync of the write-ahead log is held and
 * failed at will, and the answer must wait for it; on PostgreSQL the database server itself is
 * killed with -9 under load, and every acknowledged write must come back with it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { createDesk, type Client, type TestDesk } from "./harness.ts";
import { findPostgresBinaries, startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.ts";
import { readBack, signIn, startTessera, writeUntilCrash, type TesseraProcess } from "./support/write-load.ts";

describe("SQLite answers a write only once the fsync of its log has completed", () => {
  let desk: TestDesk;
  let admin: Client;
  let walPath: string;
  /** While true, every fsync of the WAL file waits for the test to release it. */
  let holding = false;
  const held: Array<(failure?: Error) => void> = [];

  beforeAll(async () => {
    desk = await createDesk("sqlite");
    admin = await desk.user("admin");
    await admin.get("/api/tickets"); // first use of the token records it, outside any held sync
    walPath = path.join(desk.dataDir, "tessera.db-wal");
    // The connection syncs the WAL through a FileHandle (db/connect.ts): wrap the real method, so
    // the real sync still runs, but only when the test lets it.
    const probe = await open(path.join(desk.dataDir, "tessera.db"), "r");
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const realSync = proto.sync;
    vi.spyOn(proto, "sync").mockImplementation(function (this: FileHandle) {
      const run = () => realSync.call(this);
      if (!holding || readlinkSync(`/proc/self/fd/${this.fd}`) !== walPath) return run();
      return new Promise<void>((resolve, reject) => held.push((failure) => (failure ? reject(failure) : run().then(resolve, reject))));
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await desk.close();
  });

  /** Settles when `p` settles; says whether it had by then. */
  const watch = (p: Promise<unknown>) => {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    return () => settled;
  };

  it("runs the real connection in WAL mode with synchronous=NORMAL, so a commit alone does not reach the disk", async () => {
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(desk.ctx.db);
    expect(journal.rows[0].journal_mode).toBe("wal");
    // NORMAL (1): SQLite does not sync the WAL at commit; Tessera's own sync, tested below, does.
    const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(desk.ctx.db);
    expect(synchronous.rows[0].synchronous).toBe(1);
  });

  it("holds the 201 for a new ticket until the fsync of the log holding it has completed", async () => {
    holding = true;
    const subject = `Held at the disk ${Date.now()}`;
    const answer = admin.post("/api/tickets", { subject });
    const answered = watch(answer);
    const reader = new Database(path.join(desk.dataDir, "tessera.db"), { readonly: true });
    const committed = () => (reader.prepare("select count(*) n from tickets where subject = ?").get(subject) as { n: number }).n;
    try {
      // Committed (a second connection sees it) and its sync started, but not finished...
      await expect.poll(() => committed() === 1 && held.length > 0, { timeout: 10_000 }).toBe(true);
      // ...so however long the event loop turns, no answer leaves.
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      expect(answered()).toBe(false);
      holding = false;
      for (const release of held.splice(0)) release();
      const res = await answer;
      expect(res.status).toBe(201);
      expect(res.body.subject).toBe(subject);
    } finally {
      holding = false;
      for (const release of held.splice(0)) release();
      reader.close();
    }
  });

  it("answers 503 instead of 201 when the fsync fails, and acknowledges no later write either", async () => {
    holding = true;
    const answer = admin.post("/api/tickets", { subject: "Lost at the disk" });
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThan(0);
    holding = false;
    for (const fail of held.splice(0)) fail(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.body.error).toEqual({ code: "service_unavailable", message: "Your change could not be saved; try again shortly." });
    // A later sync that succeeds would not prove the lost one's data reached the disk.
    const later = await admin.post("/api/tickets", { subject: "After the failed sync" });
    expect(later.status).toBe(503);
  });
});

const pgBin = findPostgresBinaries();
const missing = "PostgreSQL's server programs (initdb, postgres, pg_ctl) are not installed under /usr/lib/postgresql/<version>/bin; set PG_BIN_DIR";

describe("PostgreSQL killed with -9 during 200 concurrent writes", () => {
  // CI sets TEST_DATABASE_URL and installs PostgreSQL: there a missing server must fail, not skip.
  if (!pgBin && process.env.TEST_DATABASE_URL) {
    it("finds PostgreSQL's server programs", () => {
      throw new Error(missing);
    });
  }

  it.skipIf(!pgBin)(
    pgBin ? "keeps every ticket and comment Tessera acknowledged, each with its audit event, and Tessera writes again once it is back" : `skipped: ${missing}`,
    { timeout: 180_000 },
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-pgkill-"));
      let db: PrivatePostgres | undefined;
      let server: TesseraProcess | undefined;
      try {
        db = await startPrivatePostgres(pgBin!);
        // What makes a returned commit durable: the WAL flushed to disk at each commit.
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        const settings = (await c.query("select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')")).rows;
        await c.end();
        expect(Object.fromEntries(settings.map((r: { name: string; setting: string }) => [r.name, r.setting]))).toEqual({ fsync: "on", synchronous_commit: "on", full_page_writes: "on" });

        server = await startTessera(dataDir, db.url);
        await server.waitReady(30_000);
        const post = await signIn(server.base);
        const crashed = db;
        const { tickets, comments } = await writeUntilCrash(post, () => crashed.crash());
        expect(tickets.length).toBeGreaterThan(20);
        expect(comments.length).toBeGreaterThan(20);

        await db.start();
        // It was a crash, not a shutdown: the restarted server replayed its write-ahead log.
        expect(db.log()).toMatch(/database system was interrupted|was not properly shut down/);
        expect(db.log()).toMatch(/redo (starts|done)/);
        const stored = await readBack("postgres", dataDir, db.url);
        expect(tickets.filter((id) => !stored.tickets.has(id))).toEqual([]);
        expect(tickets.filter((id) => !stored.createdEvents.has(id))).toEqual([]);
        expect(comments.filter((id) => !stored.comments.has(id))).toEqual([]);
        expect(comments.filter((id) => !stored.replyEvents.has(id))).toEqual([]);

        // Tessera was not restarted: its pool reconnects to the recovered server by itself.
        await expect.poll(async () => (await post("/api/tickets", { subject: "After the database came back" }))?.status, { timeout: 30_000, interval: 200 }).toBe(201);
      } finally {
        server?.child.kill("SIGKILL");
        await db?.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
