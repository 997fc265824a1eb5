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
import { createDesk, type Client, type TestDesk } from "./harness.ts";

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

describe("a server killed during writes", () => {
  it("keeps every ticket it acknowledged, each with its audit event, and serves again after restart", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-kill-"));
    const port = await freePort();
    const env = { ...process.env, TESSERA_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", TESSERA_ADMIN_EMAIL: "admin@kill.test", TESSERA_ADMIN_PASSWORD: "a long enough password 42" };
    const bin = path.resolve(import.meta.dirname, "../bin/tessera.js");
    const start = () => spawn(process.execPath, [bin, "start"], { env, stdio: "ignore" });
    const base = `http://127.0.0.1:${port}`;
    const waitReady = async () => {
      for (let i = 0; i < 100; i++) {
        if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("server did not start");
    };
    let server = start();
    try {
      await waitReady();
      const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "admin@kill.test", password: "a long enough password 42" }) });
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const { csrf_token } = (await login.json()) as { csrf_token: string };
      const acknowledged: number[] = [];
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const res = await fetch(`${base}/api/tickets`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf_token },
            body: JSON.stringify({ subject: "Written under fire" }),
          }).catch(() => undefined);
          if (res?.status === 201) acknowledged.push(((await res.json().catch(() => ({}))) as { id?: number }).id!);
          else if (!res) return;
        }
      };
      const writers = Array.from({ length: 16 }, writer);
      await new Promise((r) => setTimeout(r, 1500));
      server.kill("SIGKILL");
      stop = true;
      await Promise.all(writers);
      expect(acknowledged.length).toBeGreaterThan(20);

      const db = new Database(path.join(dataDir, "tessera.db"));
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set((db.prepare("select id from tickets").all() as { id: number }[]).map((r) => r.id));
      const withEvent = new Set((db.prepare("select ticket_id from ticket_events where action = 'created'").all() as { ticket_id: number }[]).map((r) => r.ticket_id));
      db.close();
      expect(acknowledged.filter((id) => id !== undefined && !stored.has(id))).toEqual([]);
      expect(acknowledged.filter((id) => id !== undefined && !withEvent.has(id))).toEqual([]);

      server = start();
      await waitReady();
    } finally {
      server.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
