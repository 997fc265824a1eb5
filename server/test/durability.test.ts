/**
 * "Acknowledged means stored": answers leave only after the commit that holds them, also when
 * SQLite transactions share one commit, and a server killed mid-load keeps every acknowledged write.
 * Killing Tessera leaves the operating system's cache intact, so a missing fsync goes unseen here:
 * durability-disk.test.ts holds the sync itself (SQLite) and kills the database server (PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { freePort, readBack, signIn, startTessera, writeUntilCrash } from "./support/write-load.ts";

describe("SQLite answers only what is committed", () => {
  let desk: TestDesk;
  let agent: Client;
  let reader: Database.Database;

  beforeAll(async () => {
    desk = await createDesk("sqlite");
    agent = await desk.user("admin");
    // A second connection sees only committed data, as a restarted server would.
    reader = new Database(path.join(desk.dataDir, "tessera.db"), { readonly: true });
  });
  afterAll(async () => {
    reader.close();
    await desk.close();
  });

  it("has every ticket it answered 201 for already committed when the answer arrives", async () => {
    const seenUncommitted: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent.post("/api/tickets", { subject: `Concurrent ${i}` }).then((res) => {
          expect(res.status).toBe(201);
          const row = reader.prepare("select id from tickets where id = ?").get(res.body.id);
          if (!row) seenUncommitted.push(res.body.id);
        }),
      ),
    );
    expect(seenUncommitted).toEqual([]);
  });

  it("keeps the good writes of a group when others in it fail", async () => {
    const before = (reader.prepare("select count(*) n from tickets").get() as { n: number }).n;
    const t = (await agent.post("/api/tickets", { subject: "Needs a note" })).body;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved" }) // refused: no resolution note
          : agent.post("/api/tickets", { subject: `Group member ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 422)).toHaveLength(10);
    expect(results.filter((r) => r.status === 201)).toHaveLength(20);
    const after = (reader.prepare("select count(*) n from tickets").get() as { n: number }).n;
    expect(after - before).toBe(21);
    const events = reader.prepare("select count(*) n from ticket_events where ticket_id = ?").get(t.id) as { n: number };
    expect(events.n).toBe(1); // only "created": the refused changes left nothing behind
  });
});

describe.each(dialects)("a server on %s killed during 200 concurrent writes", (dialect) => {
  it("keeps every ticket and comment it acknowledged, each with its audit event, and serves again after a restart", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-kill-"));
    // PostgreSQL: a database of its own, so the restarted server finds exactly what the killed one left.
    const dbName = `tessera_kill_${randomBytes(4).toString("hex")}`;
    let databaseUrl: string | undefined;
    if (dialect === "postgres") {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${dbName}`);
      await admin.end();
      const u = new URL(process.env.TEST_DATABASE_URL!);
      u.pathname = `/${dbName}`;
      databaseUrl = u.toString();
    }
    const port = await freePort();
    let server = await startTessera(dataDir, databaseUrl, port);
    try {
      await server.waitReady(30_000);
      const post = await signIn(server.base);
      const { tickets, comments } = await writeUntilCrash(post, () => {
        server.child.kill("SIGKILL");
      });
      expect(tickets.length).toBeGreaterThan(20);
      expect(comments.length).toBeGreaterThan(20);

      const stored = await readBack(dialect, dataDir, databaseUrl);
      if (dialect === "sqlite") expect(stored.integrity).toBe("ok");
      expect(tickets.filter((id) => !stored.tickets.has(id))).toEqual([]);
      expect(tickets.filter((id) => !stored.createdEvents.has(id))).toEqual([]);
      expect(comments.filter((id) => !stored.comments.has(id))).toEqual([]);
      expect(comments.filter((id) => !stored.replyEvents.has(id))).toEqual([]);

      // How fast it restarts is for the benchmarks; here only that it does, on a busy machine too.
      server = await startTessera(dataDir, databaseUrl, port);
      await server.waitReady(60_000);
      const again = await post("/api/tickets", { subject: "After the restart" });
      expect(again?.status).toBe(201);
    } finally {
      server.child.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) {
        const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      }
    }
  });
});
