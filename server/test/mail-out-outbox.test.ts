/**
 * The outbox worker's promises: two workers never send the same message, a node that died
 * mid-send does not strand its mail, mail waits while the mail server is down (or not
 * configured) and goes out when it is back, and the running worker delivers on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import pino from "pino";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { SmtpCatcher } from "./support/smtp-catcher.ts";
import { openInstance, type Instance } from "../src/boot.ts";
import { deliverDue, SERVER_RETRY_MS, startOutbox } from "../src/mail/out/outbox.ts";

describe.each(dialects)("outbox worker on %s", (dialect) => {
  let catcher: SmtpCatcher;
  let desk: TestDesk;
  let admin: Client, requester: Client;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, TESSERA_MAIL_FROM: "help@desk.test" });
    admin = await desk.user("admin");
    requester = await desk.user("requester");
    await admin.put("/api/mail/settings", { auto_reply_per_hour: 1000 });
  });
  afterAll(async () => {
    await desk.close();
    await catcher.stop();
  });

  /**
   * A second Tessera node on the same PostgreSQL database, as another process would be. SQLite
   * runs one process (better-sqlite3 blocks the whole event loop while it waits for a lock, so
   * two "nodes" in one test process would only deadlock): there, the second worker shares the node.
   */
  async function secondNode(): Promise<Instance | undefined> {
    if (dialect !== "postgres") return undefined;
    const pgSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(desk.ctx.db)).rows[0].s;
    return openInstance(desk.ctx.config, { clock: desk.clock, pgSchema, log: pino({ level: "silent" }) });
  }

  it("never sends a message twice when several workers deliver at once (on two nodes with PostgreSQL)", async () => {
    const before = catcher.messages.length;
    for (let i = 0; i < 12; i++) await requester.post("/api/tickets", { subject: `Concurrent ${i}` });
    const node = await secondNode();
    try {
      const drain = async (ctx: typeof desk.ctx) => {
        let total = 0;
        for (;;) {
          const r = await deliverDue(ctx, { limit: 3 });
          total += r.sent;
          if (!r.claimed) return total;
        }
      };
      const [a, b, c] = await Promise.all([drain(desk.ctx), drain(node?.ctx ?? desk.ctx), drain(desk.ctx)]);
      expect(a + b + c).toBe(12);
    } finally {
      await node?.close();
    }
    const arrived = catcher.messages.slice(before);
    expect(arrived).toHaveLength(12);
    expect(new Set(arrived.map((m) => m.parsed.messageId)).size).toBe(12);
    expect(new Set(arrived.map((m) => m.parsed.subject)).size).toBe(12);
    const states = await desk.ctx.db.selectFrom("mail_outbox").select("state").where("subject", "like", "%Concurrent%").execute();
    expect(states.map((s) => s.state)).toEqual(Array(12).fill("sent"));
  });

  it("takes over a message whose sender died mid-send once its lease lapses, and leaves a live claim alone", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Stranded" })).body;
    const now = desk.clock.now().getTime();
    await desk.ctx.db
      .updateTable("mail_outbox")
      .set({ state: "sending", claim_token: "dead-node", lease_until: new Date(now + 60_000).toISOString() })
      .where("ticket_id", "=", t.id)
      .execute();
    expect((await deliverDue(desk.ctx)).claimed).toBe(0);
    desk.clock.advance(10 * 60_000);
    const before = catcher.messages.length;
    expect((await deliverDue(desk.ctx)).sent).toBe(1);
    expect(catcher.messages.slice(before).map((m) => m.parsed.subject)).toEqual([`[#${t.reference}] Stranded`]);
  });

  it("keeps mail waiting while the mail server is down, without using up attempts, and sends it when it is back", async () => {
    const down = await SmtpCatcher.start();
    const port = down.port;
    await down.stop();
    const d2 = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const a2 = await d2.user("admin");
      const r2 = await d2.user("requester");
      const t = (await r2.post("/api/tickets", { subject: "While the server was down" })).body;
      const pass = await deliverDue(d2.ctx);
      expect(pass.sent).toBe(0);
      expect(pass.serverError).toMatch(/ECONNREFUSED|connect/i);
      const waiting = (await a2.get(`/api/mail/outbox?ticket_id=${t.id}`)).body.items;
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatchObject({ state: "queued", attempts: 0 });
      expect(waiting[0].last_error).toMatch(/mail server/);
      const status = (await a2.get("/api/mail/status")).body;
      expect(status.smtp_server).toBe(`127.0.0.1:${port}`);
      expect(status.counts.queued).toBe(1);
      expect(status.oldest_queued_at).not.toBeNull();
      expect(status.last_error.message).toMatch(/mail server/);
      const metric = async () => (await d2.app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" })).body;
      expect(await metric()).toContain('tessera_mail_outbox{state="queued"} 1');

      await down.listen(port);
      d2.clock.advance(SERVER_RETRY_MS);
      expect((await deliverDue(d2.ctx)).sent).toBe(1);
      expect(down.messages.map((m) => m.parsed.subject)).toEqual([`[#${t.reference}] While the server was down`]);
      expect((await a2.get(`/api/mail/outbox?ticket_id=${t.id}`)).body.items[0]).toMatchObject({ state: "sent", attempts: 1 });
      expect(await metric()).toContain('tessera_mail_outbox{state="queued"} 0');
    } finally {
      await d2.close();
      await down.stop();
    }
  });

  it("keeps mail in the outbox when no mail server is configured, and says so", async () => {
    const d3 = await createDesk(dialect);
    try {
      const a3 = await d3.user("admin");
      const r3 = await d3.user("requester");
      await r3.post("/api/tickets", { subject: "Nowhere to send" });
      expect(await deliverDue(d3.ctx)).toMatchObject({ configured: false, claimed: 0 });
      const status = (await a3.get("/api/mail/status")).body;
      expect(status).toMatchObject({ smtp_configured: false, smtp_server: null });
      expect(status.counts.queued).toBe(1);
      const list = (await a3.get("/api/mail/outbox")).body;
      expect(list.items.map((i: any) => [i.kind, i.state, i.to.address])).toEqual([["acknowledgement", "queued", r3.user!.email]]);
      expect((await r3.get("/api/mail/outbox")).status).toBe(403);
    } finally {
      await d3.close();
    }
  });

  it("delivers on its own once started: woken by new mail, not only by its timer", async () => {
    const stop = await startOutbox(desk.ctx);
    try {
      const before = catcher.messages.length;
      const t = (await requester.post("/api/tickets", { subject: "Worker running" })).body;
      await catcher.waitForCount(before + 1);
      expect(catcher.messages[before].parsed.subject).toBe(`[#${t.reference}] Worker running`);
    } finally {
      await stop();
    }
  });

  it("copies a reply's attachments up to the size cap and links the rest", async () => {
    const d4 = await createDesk(dialect, {
      ...ALLOW_LOOPBACK,
      TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`,
      TESSERA_MAIL_ATTACHMENTS_MAX_BYTES: "1000",
      TESSERA_PUBLIC_URL: "https://desk.test",
    });
    try {
      const agent = await d4.user("agent");
      const r4 = await d4.user("requester");
      const t = (await r4.post("/api/tickets", { subject: "Logs please" })).body;
      const upload = async (name: string, size: number) => {
        const boundary = "----b" + size;
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`),
          Buffer.alloc(size, "x"),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        return (await agent.request("POST", "/api/attachments", body, { "content-type": `multipart/form-data; boundary=${boundary}` })).body.id as number;
      };
      const small = await upload("small.txt", 600);
      const big = await upload("big.txt", 800);
      await agent.post(`/api/tickets/${t.id}/comments`, { body: "Both files attached.", format: "text", attachment_ids: [small, big] });
      const before = catcher.messages.length;
      await deliverDue(d4.ctx);
      const reply = catcher.messages.slice(before).find((m) => m.parsed.text?.includes("Both files attached."))!;
      expect(reply.parsed.attachments.map((a) => [a.filename, a.size])).toEqual([["small.txt", 600]]);
      expect(reply.parsed.text).toContain(`Too large to attach; download big.txt (800 B) at https://desk.test/api/attachments/${big}/download`);
    } finally {
      await d4.close();
    }
  });

  it("pages through the outbox list, newest first", async () => {
    const first = (await admin.get("/api/mail/outbox?limit=5")).body;
    expect(first.items).toHaveLength(5);
    expect(first.next_cursor).not.toBeNull();
    const second = (await admin.get(`/api/mail/outbox?limit=5&cursor=${first.next_cursor}`)).body;
    expect(second.items[0].id).toBeLessThan(first.items[4].id);
    const bad = await admin.get("/api/mail/outbox?state=lost");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/state/);
  });
});
