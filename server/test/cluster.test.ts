/**
 * Many nodes on one PostgreSQL database: two web nodes (`--role web`) and two workers
 * (`--role worker`), each a real `tessera start` process. Work done through either web node is
 * delivered once by whichever worker takes it, a session made on one node works on the other,
 * a browser's live stream on one node hears of a change made through the other, and a worker
 * killed mid-delivery leaves the message to another, which sends it once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { SmtpCatcher } from "./support/smtp-catcher.ts";
import { adminSession, startTessera, type TesseraProcess } from "./support/write-load.ts";
import { adminQuery } from "./support/pg-admin.ts";

const pgUrl = process.env.TEST_DATABASE_URL;

/** Reads a Server-Sent Events stream until `match` appears in it; resolves with the time from `connected`'s change to then. */
async function waitForLive(base: string, cookie: string, connected: () => Promise<void>, match: (text: string) => boolean, withinMs: number) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/live`, { headers: { cookie }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => abort.abort(), withinMs);
  try {
    let started = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the live stream ended");
      text += decoder.decode(value, { stream: true });
      if (!started && text.includes(": connected")) {
        // Timed from the moment the change is committed (its answer has arrived).
        await connected();
        started = Date.now();
      }
      if (started && match(text)) return Date.now() - started;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe("the start command's roles", () => {
  it("refuses a split role on SQLite, naming what to do instead", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-role-"));
    try {
      const bin = path.resolve(import.meta.dirname, "../bin/tessera.js");
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", TESSERA_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
      const out = spawnSync(process.execPath, [bin, "start", "--role", "worker"], { env, encoding: "utf8", timeout: 30_000 });
      expect(out.status).toBe(2);
      expect(out.stderr).toContain("--role worker needs PostgreSQL");
      const bad = spawnSync(process.execPath, [bin, "start", "--role", "everything"], { env, encoding: "utf8", timeout: 30_000 });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/Allowed choices are all, web, worker/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!pgUrl)("two web nodes and two workers on one PostgreSQL database", () => {
  const dbName = `tessera_cluster_${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-cluster-"));
  let smtp: SmtpCatcher;
  let web: TesseraProcess[] = [];
  let workers: TesseraProcess[] = [];
  let clusterUrl = "";

  beforeAll(async () => {
    await adminQuery(`create database ${dbName}`);
    const u = new URL(pgUrl!);
    u.pathname = `/${dbName}`;
    clusterUrl = u.toString();
    smtp = await SmtpCatcher.start();
    const env = { TESSERA_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, TESSERA_OUTBOUND_ALLOW: "127.0.0.1", TESSERA_SLA_SWEEP_SECONDS: "1" };
    // The first node migrates and creates the admin; the others start once it is ready.
    const first = await startTessera(dataDir, u.toString(), undefined, { args: ["--role", "web"], env });
    await first.waitReady(60_000);
    const rest = await Promise.all([
      startTessera(dataDir, u.toString(), undefined, { args: ["--role", "web"], env }),
      startTessera(dataDir, u.toString(), undefined, { args: ["--role", "worker"], env }),
      startTessera(dataDir, u.toString(), undefined, { args: ["--role", "worker"], env }),
    ]);
    await Promise.all(rest.map((p) => p.waitReady(60_000)));
    web = [first, rest[0]];
    workers = [rest[1], rest[2]];
  }, 120_000);

  afterAll(async () => {
    for (const p of [...web, ...workers]) p.child.kill("SIGKILL");
    await smtp?.stop();
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dataDir, { recursive: true, force: true });
    await adminQuery(`drop database if exists ${dbName} with (force)`);
  });

  it("serves the app only on web nodes; a worker answers health and metrics alone", async () => {
    expect((await fetch(`${workers[0].base}/readyz`)).status).toBe(200);
    expect((await fetch(`${workers[0].base}/api/tickets`)).status).toBe(404);
    expect((await fetch(`${web[1].base}/readyz`)).status).toBe(200);
  });

  it("mails each acknowledgement and reply exactly once, whichever node took the request and whichever worker sent it", { timeout: 120_000 }, async () => {
    // Signed in on the first node, the same session works on the second.
    const { headers } = await adminSession(web[0].base);
    const tickets: Array<{ id: number; requester: string }> = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const node = web[i % 2];
        const requester = `cluster-${i}@example.com`;
        const res = await fetch(`${node.base}/api/tickets`, { method: "POST", headers, body: JSON.stringify({ subject: `Cluster ${i}`, requester: { email: requester } }) });
        expect(res.status).toBe(201);
        const t = (await res.json()) as { id: number };
        const reply = await fetch(`${web[(i + 1) % 2].base}/api/tickets/${t.id}/comments`, { method: "POST", headers, body: JSON.stringify({ body: `Looking into it (${i})`, internal: false }) });
        expect(reply.status).toBe(201);
        tickets.push({ id: t.id, requester });
      }),
    );
    // An acknowledgement and a reply for each of the 20 requesters.
    await smtp.waitForCount(40, 60_000);
    for (const { requester } of tickets) expect(smtp.to(requester)).toHaveLength(2);
    // Forty different messages, not one message sent twice.
    expect(new Set(smtp.messages.map((m) => m.parsed.messageId)).size).toBe(40);
    // Every outbox row is marked sent (just after the relay's answer), so no worker holds one it could send again.
    const db = new pg.Client({ connectionString: clusterUrl });
    await db.connect();
    const states = async () =>
      (await db.query<{ kind: string; state: string; n: string }>("select kind, state, count(*) n from mail_outbox group by kind, state order by kind, state")).rows.map((r) => [
        r.kind,
        r.state,
        Number(r.n),
      ]);
    await expect.poll(states, { timeout: 10_000 }).toEqual([
      ["acknowledgement", "sent", 20],
      ["reply", "sent", 20],
    ]);
    await db.end();
    expect(smtp.messages).toHaveLength(40);
  });

  it("fires an SLA breach once, with both workers sweeping every second", { timeout: 60_000 }, async () => {
    const { headers } = await adminSession(web[0].base);
    const post = async (url: string, body: unknown) => (await fetch(`${web[0].base}${url}`, { method: "POST", headers, body: JSON.stringify(body) })).json() as Promise<any>;
    const calendars = (await (await fetch(`${web[0].base}/api/sla/calendars`, { headers })).json()) as Array<{ id: number; is_default: boolean }>;
    const category = await post("/api/categories", { name: "Timed" });
    await post("/api/sla/policies", { name: "Timed", calendar_id: calendars.find((c) => c.is_default)!.id, conditions: { category_ids: [category.id] }, targets: { P1: { first_response: 60 } } });
    const ticket = await post("/api/tickets", { subject: "Breaches soon", category_id: category.id, priority: "P1" });
    const db = new pg.Client({ connectionString: clusterUrl });
    await db.connect();
    try {
      // An hour passes for this ticket: its target and its next check move into the past.
      const past = "2000-01-01T00:00:00.000Z";
      expect((await db.query("update sla_targets set due_at = $1, warn_at = $1 where ticket_id = $2", [past, ticket.id])).rowCount).toBe(1);
      await db.query("update tickets set sla_next_check_at = $1 where id = $2", [past, ticket.id]);
      const breaches = async () => Number((await db.query("select count(*) n from ticket_events where ticket_id = $1 and action = 'sla_breached'", [ticket.id])).rows[0].n);
      await expect.poll(breaches, { timeout: 20_000 }).toBe(1);
      // Each worker takes (or finds taken) the sweep at least twice more: still one breach.
      const sweeps = async (w: TesseraProcess) => {
        const text = await (await fetch(`${w.base}/metrics`)).text();
        const count = (name: string) => Number(new RegExp(`^${name}\\{tick="sla-sweep"\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
        return count("tessera_tick_runs") + count("tessera_tick_skipped");
      };
      const before = await Promise.all(workers.map(sweeps));
      await expect.poll(async () => (await Promise.all(workers.map(sweeps))).every((n, i) => n >= before[i] + 2), { timeout: 20_000 }).toBe(true);
      expect(await breaches()).toBe(1);
    } finally {
      await db.end();
    }
  });

  it("finishes a delivery on another worker when the one sending it is killed, and sends it once", { timeout: 90_000 }, async () => {
    const { headers } = await adminSession(web[0].base);
    // One worker left, so the one that takes the message is the one killed.
    workers[1].child.kill("SIGKILL");
    const sentBefore = smtp.messages.length;
    smtp.holdNext = 1;
    const res = await fetch(`${web[0].base}/api/tickets`, { method: "POST", headers, body: JSON.stringify({ subject: "Sent once", requester: { email: "held@example.com" } }) });
    expect(res.status).toBe(201);
    // The relay has the message's data and has not answered: the worker is mid-delivery.
    await smtp.waitForHeld(30_000);
    workers[0].child.kill("SIGKILL");

    const db = new pg.Client({ connectionString: clusterUrl });
    await db.connect();
    try {
      // The dead worker's claim lapses after its lease (minutes); here the clock is moved past it.
      const lapsed = await db.query("update mail_outbox set lease_until = '2000-01-01T00:00:00.000Z' where state = 'sending' and to_address = 'held@example.com'");
      expect(lapsed.rowCount).toBe(1);
      const env = { TESSERA_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, TESSERA_OUTBOUND_ALLOW: "127.0.0.1" };
      const fresh = await startTessera(dataDir, clusterUrl, undefined, { args: ["--role", "worker"], env });
      workers.push(fresh);
      await fresh.waitReady(60_000);
      await smtp.waitForCount(sentBefore + 1, 60_000);
      expect(smtp.to("held@example.com")).toHaveLength(1);
      const states = async () => (await db.query<{ state: string }>("select state from mail_outbox where to_address = 'held@example.com'")).rows;
      await expect.poll(states, { timeout: 10_000 }).toEqual([{ state: "sent" }]);
      expect(smtp.to("held@example.com")).toHaveLength(1);
    } finally {
      await db.end();
    }
  });

  it("tells a browser on one web node of a change made through the other within two seconds", { timeout: 30_000 }, async () => {
    const a = await adminSession(web[0].base);
    const b = await adminSession(web[1].base);
    const created = await fetch(`${web[1].base}/api/tickets`, { method: "POST", headers: b.headers, body: JSON.stringify({ subject: "Seen everywhere" }) });
    const t = (await created.json()) as { id: number; version: number };
    const tookMs = await waitForLive(
      web[0].base,
      a.cookie,
      async () => {
        const res = await fetch(`${web[1].base}/api/tickets/${t.id}`, { method: "PATCH", headers: b.headers, body: JSON.stringify({ version: t.version, priority: "P1" }) });
        expect(res.status, await res.text()).toBe(200);
      },
      (text) => text.includes(`"ticket_id":${t.id},"action":"field_changed"`),
      10_000,
    );
    expect(tookMs).toBeLessThan(2000);
  });
});
