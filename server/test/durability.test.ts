/**
 * "Acknowledged means stored": answers leave only after the commit that holds them, also when
 * SQLite transactions share one commit, and a server killed mid-load keeps every acknowledged write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";

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

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.each(dialects)("a server on %s killed during 200 concurrent writes", (dialect) => {
  it("keeps every ticket and comment it acknowledged, each with its audit event, and serves again within 10 s", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-kill-"));
    const port = await freePort();
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
    const env = {
      ...process.env,
      TESSERA_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      TESSERA_ADMIN_EMAIL: "admin@kill.test",
      TESSERA_ADMIN_PASSWORD: "a long enough password 42",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    };
    const bin = path.resolve(import.meta.dirname, "../bin/tessera.js");
    const start = () => spawn(process.execPath, [bin, "start"], { env, stdio: "ignore" });
    const base = `http://127.0.0.1:${port}`;
    const waitReady = async (withinMs: number) => {
      const until = Date.now() + withinMs;
      while (Date.now() < until) {
        if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`server did not serve within ${withinMs} ms`);
    };
    let server = start();
    try {
      await waitReady(30_000);
      const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "admin@kill.test", password: "a long enough password 42" }) });
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const { csrf_token } = (await login.json()) as { csrf_token: string };
      const headers = { "content-type": "application/json", cookie, "x-csrf-token": csrf_token };
      const post = (url: string, body: unknown) => fetch(`${base}${url}`, { method: "POST", headers, body: JSON.stringify(body) }).catch(() => undefined);
      const targets: number[] = [];
      for (let i = 0; i < 10; i++) targets.push(((await (await post("/api/tickets", { subject: `Comment target ${i}` }))!.json()) as { id: number }).id);

      const tickets: number[] = [];
      const comments: number[] = [];
      let stop = false;
      // Half the writers file tickets, half comment on existing ones.
      const writer = async (n: number) => {
        while (!stop) {
          const res = n % 2 ? await post("/api/tickets", { subject: "Written under fire" }) : await post(`/api/tickets/${targets[n % targets.length]}/comments`, { body: `Comment under fire ${n}`, format: "text" });
          if (!res) return;
          if (res.status === 201) {
            const id = ((await res.json().catch(() => ({}))) as { id?: number }).id;
            if (id !== undefined) (n % 2 ? tickets : comments).push(id);
          }
        }
      };
      const writers = Array.from({ length: 200 }, (_, n) => writer(n));
      // Kill once writes are flowing in numbers (a busy machine takes longer to get there).
      const until = Date.now() + 30_000;
      while ((tickets.length < 30 || comments.length < 30) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      server.kill("SIGKILL");
      stop = true;
      await Promise.all(writers);
      expect(tickets.length).toBeGreaterThan(20);
      expect(comments.length).toBeGreaterThan(20);

      const stored = await readBack(dialect, dataDir, databaseUrl);
      if (dialect === "sqlite") expect(stored.integrity).toBe("ok");
      expect(tickets.filter((id) => !stored.tickets.has(id))).toEqual([]);
      expect(tickets.filter((id) => !stored.createdEvents.has(id))).toEqual([]);
      expect(comments.filter((id) => !stored.comments.has(id))).toEqual([]);
      expect(comments.filter((id) => !stored.replyEvents.has(id))).toEqual([]);

      const restarted = Date.now();
      server = start();
      await waitReady(10_000);
      const again = await post("/api/tickets", { subject: "After the restart" });
      expect(again?.status).toBe(201);
      expect(Date.now() - restarted).toBeLessThan(10_000);
    } finally {
      server.kill("SIGKILL");
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

/** What a killed server left on disk, read by a fresh connection. */
async function readBack(dialect: string, dataDir: string, databaseUrl?: string) {
  type Rows = { tickets: number[]; created: number[]; comments: number[]; replies: number[] };
  let rows: Rows;
  let integrity = "";
  const q = {
    tickets: "select id from tickets",
    created: "select ticket_id as id from ticket_events where action = 'created'",
    comments: "select id from comments",
    replies: "select new_value as v from ticket_events where action = 'reply_added'",
  };
  if (dialect === "sqlite") {
    const db = new Database(path.join(dataDir, "tessera.db"));
    integrity = db.pragma("integrity_check", { simple: true }) as string;
    const ids = (sql: string) => (db.prepare(sql).all() as { id: number }[]).map((r) => r.id);
    rows = { tickets: ids(q.tickets), created: ids(q.created), comments: ids(q.comments), replies: (db.prepare(q.replies).all() as { v: string }[]).map((r) => JSON.parse(r.v).comment_id) };
    db.close();
  } else {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    const ids = async (sql: string) => (await c.query(sql)).rows.map((r: { id: number }) => r.id);
    rows = { tickets: await ids(q.tickets), created: await ids(q.created), comments: await ids(q.comments), replies: (await c.query(q.replies)).rows.map((r: { v: string }) => JSON.parse(r.v).comment_id) };
    await c.end();
  }
  return { integrity, tickets: new Set(rows.tickets), createdEvents: new Set(rows.created), comments: new Set(rows.comments), replyEvents: new Set(rows.replies) };
}
