import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { SmtpCatcher } from "./support/smtp-catcher.ts";
import { blockedKind, parseAllowList, resolveOutbound } from "../src/outbound/guard.ts";
import { loadConfig } from "../src/config.ts";
import { MailboxPoller } from "../src/mail/in/imap-poller.ts";
import { deliverDue } from "../src/mail/out/outbox.ts";

const NONE = parseAllowList("");

/** A TCP server on loopback that counts connections; `banner` is written to each, then it hangs up ("hang": it says nothing and waits). */
async function listener(banner?: string | "hang") {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    if (banner === "hang") return;
    if (banner) socket.end(banner);
    else socket.destroy();
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const l = await listener();
  await l.close();
  return l.port;
}

describe("the outbound guard's address rules", () => {
  it.each([
    "127.0.0.1",
    "127.9.9.9",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "fc00::1",
    "fd12:3456::1",
    "169.254.169.254",
    "fe80::1",
    "100.64.0.1",
    "0.0.0.0",
    "::",
    "224.0.0.1",
    "ff02::1",
    "255.255.255.255",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "::127.0.0.1",
  ])("refuses %s", (address) => {
    expect(blockedKind(address, NONE)).toEqual(expect.any(String));
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("lets the public address %s through", (address) => {
    expect(blockedKind(address, NONE)).toBeUndefined();
  });

  it("lets through exactly what the allow list names, in IPv4 and its IPv6-mapped form", () => {
    const allow = parseAllowList("127.0.0.1, 10.20.0.0/16 fd00::/8");
    expect(blockedKind("127.0.0.1", allow)).toBeUndefined();
    expect(blockedKind("::ffff:127.0.0.1", allow)).toBeUndefined();
    expect(blockedKind("127.0.0.2", allow)).toMatch(/loopback/);
    expect(blockedKind("::1", allow)).toMatch(/loopback/);
    expect(blockedKind("10.20.99.1", allow)).toBeUndefined();
    expect(blockedKind("10.21.0.1", allow)).toMatch(/private/);
    expect(blockedKind("fd00::5", allow)).toBeUndefined();
    expect(blockedKind("169.254.169.254", allow)).toMatch(/link-local/);
  });

  it("checks every address a name resolves to, and connects to the checked one with the name kept for TLS", async () => {
    await expect(resolveOutbound(NONE, "localhost")).rejects.toThrow(/localhost is not allowed: it resolves to (127\.0\.0\.1|::1), a loopback address.*TESSERA_OUTBOUND_ALLOW/);
    const byName = await resolveOutbound(parseAllowList("localhost"), "localhost");
    expect(byName).toMatchObject({ host: "localhost", servername: "localhost" });
    expect(["127.0.0.1", "::1"]).toContain(byName.address);
    expect(await resolveOutbound(parseAllowList("127.0.0.1"), "127.0.0.1")).toEqual({ host: "127.0.0.1", address: "127.0.0.1", servername: undefined });
    // Short forms that the system resolver reads as addresses are judged, and connected to, as the address they stand for.
    for (const short of ["127.1", "0x7f.1", "2130706433", "017700000001"]) {
      await expect(resolveOutbound(NONE, short)).rejects.toThrow(/is not allowed: it is a loopback address/);
      expect((await resolveOutbound(parseAllowList("127.0.0.1"), short)).address).toBe("127.0.0.1");
    }
  });

  it("stops start-up on an allow-list entry it cannot read, naming the variable", () => {
    expect(() => loadConfig({}, { TESSERA_OUTBOUND_ALLOW: "10.0.0.0/99" })).toThrow(/TESSERA_OUTBOUND_ALLOW: "10\.0\.0\.0\/99" is not a valid address range/);
    expect(() => loadConfig({}, { TESSERA_OUTBOUND_ALLOW: "not a host!" })).toThrow(/TESSERA_OUTBOUND_ALLOW: "host!" is not a host name/);
  });
});

describe.each(dialects)("outbound connections on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  const mailboxCount = async () =>
    Number(
      (
        await desk.ctx.db
          .selectFrom("mailboxes")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it.each(["127.0.0.1", "localhost", "169.254.169.254", "10.0.0.5", "::1", "::ffff:127.0.0.1", "100.64.1.1", "2130706433", "0x7f.1"])(
    "refuses to save a mailbox whose IMAP server is %s, naming the field and how to allow it",
    async (host) => {
      const before = await mailboxCount();
      const res = await admin.post("/api/mailboxes", { address: `probe-${before}@desk.test`, name: "Probe", imap: { host, port: 22, tls: false, user: "u", password: "p" } });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^imap\.host: .* is not allowed: .*TESSERA_OUTBOUND_ALLOW/);
      expect(await mailboxCount()).toBe(before);
    },
  );

  it("refuses to change a mailbox's IMAP server to a loopback address, and keeps the old one", async () => {
    const box = (await admin.post("/api/mailboxes", { address: "kept@desk.test", name: "Kept", active: false, imap: { host: "imap.example.test", user: "u", password: "p" } })).body;
    const res = await admin.patch(`/api/mailboxes/${box.id}`, { imap: { host: "127.0.0.1", port: 6379, tls: false, user: "u" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^imap\.host: 127\.0\.0\.1 is not allowed/);
    expect((await admin.get(`/api/mailboxes/${box.id}`)).body.imap.host).toBe("imap.example.test");
  });

  it("checks again at connect time: a stored loopback mailbox is never contacted, and its health says why", async () => {
    const target = await listener("* OK IMAP ready\r\n");
    const now = desk.ctx.clock.now().toISOString();
    // As if saved before the guard existed, or under a name whose DNS answer changed since.
    const row = await desk.ctx.db
      .insertInto("mailboxes")
      .values({
        address: "stored@desk.test",
        name: "Stored",
        active: 1,
        imap_host: "127.0.0.1",
        imap_port: target.port,
        imap_tls: 0,
        imap_user: "u",
        imap_password: null,
        imap_folder: "INBOX",
        processed_action: "seen",
        processed_folder: null,
        history_mode: "new_only",
        team_id: null,
        category_id: null,
        ticket_type: "incident",
        restrict_senders: 0,
        allowed_senders: "[]",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const poller = new MailboxPoller(desk.ctx, row).start();
    try {
      const h = await vi.waitFor(
        async () => {
          const x = (await admin.get("/api/mailboxes/health")).body.find((m: any) => m.mailbox_id === row.id);
          if (!x?.last_error) throw new Error("no error yet");
          return x;
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(h.status).toBe("error");
      expect(h.last_error).toMatch(/^127\.0\.0\.1 is not allowed: it is a loopback address.*TESSERA_OUTBOUND_ALLOW=127\.0\.0\.1/);
      expect(target.connections()).toBe(0);
    } finally {
      await poller.stop();
      await target.close();
    }
  });

  it("holds outgoing mail for a relay on loopback that is not allowed, without sending or using up attempts", async () => {
    const catcher = await SmtpCatcher.start();
    const d2 = await createDesk(dialect, { TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}` });
    try {
      const a2 = await d2.user("admin");
      const r2 = await d2.user("requester");
      const t = (await r2.post("/api/tickets", { subject: "Through a forbidden relay" })).body;
      const pass = await deliverDue(d2.ctx);
      expect(pass.sent).toBe(0);
      expect(catcher.messages).toHaveLength(0);
      const [item] = (await a2.get(`/api/mail/outbox?ticket_id=${t.id}`)).body.items;
      expect(item).toMatchObject({ state: "queued", attempts: 0 });
      expect(item.last_error).toMatch(/127\.0\.0\.1 is not allowed: it is a loopback address.*TESSERA_OUTBOUND_ALLOW/);
    } finally {
      await d2.close();
      await catcher.stop();
    }
  });
});

describe.each(dialects)("connection errors that could map ports on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;

  beforeAll(async () => {
    // A server that never answers is given up on after one second, not the default ten.
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_OUTBOUND_CONNECT_TIMEOUT_SECONDS: "1" });
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  /** The health message of a mailbox pointed at 127.0.0.1:port, once polling has failed. */
  async function imapErrorAt(port: number) {
    const res = await admin.post("/api/mailboxes", { address: `port-${port}@desk.test`, name: `Port ${port}`, imap: { host: "127.0.0.1", port, tls: false, user: "u", password: "p" } });
    expect(res.status).toBe(201);
    const row = await desk.ctx.db.selectFrom("mailboxes").selectAll().where("id", "=", res.body.id).executeTakeFirstOrThrow();
    const poller = new MailboxPoller(desk.ctx, row).start();
    try {
      return await vi.waitFor(
        async () => {
          const x = (await admin.get("/api/mailboxes/health")).body.find((m: any) => m.mailbox_id === row.id);
          if (!x?.last_error) throw new Error("no error yet");
          return x.last_error as string;
        },
        { timeout: 40_000, interval: 50 },
      );
    } finally {
      await poller.stop();
    }
  }

  it("reads the same for a closed port, an open one that is not an IMAP server, and one that never answers", async () => {
    const closed = await closedPort();
    const ssh = await listener("SSH-2.0-OpenSSH_9.6\r\n");
    const hangsUp = await listener();
    const silent = await listener("hang");
    try {
      for (const port of [closed, ssh.port, hangsUp.port, silent.port]) {
        // The silent one runs into the greeting timeout.
        expect(await imapErrorAt(port)).toBe(`could not connect to 127.0.0.1:${port} (the server log has the reason)`);
      }
    } finally {
      await ssh.close();
      await hangsUp.close();
      await silent.close();
    }
  }, 60_000);

  it("says only 'could not connect' when an allowed mail relay refuses the connection or never answers", async () => {
    const closed = await closedPort();
    const silent = await listener("hang");
    try {
      for (const port of [closed, silent.port]) {
        const d2 = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_OUTBOUND_CONNECT_TIMEOUT_SECONDS: "1", TESSERA_SMTP_URL: `smtp://127.0.0.1:${port}` });
        try {
          const r2 = await d2.user("requester");
          await r2.post("/api/tickets", { subject: "Relay down" });
          // The silent one runs into the greeting timeout.
          const pass = await deliverDue(d2.ctx);
          expect(pass.serverError).toBe(`could not connect to 127.0.0.1:${port} (the server log has the reason)`);
        } finally {
          await d2.close();
        }
      }
    } finally {
      await silent.close();
    }
  }, 30_000);
});
