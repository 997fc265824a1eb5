import { ImapFlow } from "imapflow";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { startDovecot, type Dovecot } from "./support/dovecot.ts";
import { message } from "./support/mail.ts";
import { closeParser } from "../src/mail/in/ingest.ts";
import { ImapPolling } from "../src/mail/in/imap-poller.ts";

const PASSWORD = "imap-secret-1";

/** IMAP polling against a real IMAP server: a private Dovecot started by the test. */
describe.each(dialects)("IMAP polling with Dovecot on %s", (dialect) => {
  let dove: Dovecot;
  let desk: TestDesk;
  let admin: Client, agent: Client;
  let polling: ImapPolling;
  let teamId: number;

  beforeAll(async () => {
    dove = await startDovecot(Object.fromEntries(["support", "archive", "moves", "fragile", "restart", "huge"].map((u) => [`${u}@imap.test`, PASSWORD])));
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_IMAP_POLL_SECONDS: "1", TESSERA_MAIL_MAX_BYTES: String(1024 * 1024) });
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Mail");
    agent = await desk.user("agent", { teams: [teamId] });
    polling = new ImapPolling(desk.ctx).start();
  });
  afterAll(async () => {
    await polling?.stop();
    await closeParser(desk.ctx);
    await desk?.close();
    await dove?.stop();
  });

  async function imap<T>(user: string, work: (c: ImapFlow) => Promise<T>): Promise<T> {
    const c = new ImapFlow({ host: dove.host, port: dove.port, secure: false, auth: { user, pass: PASSWORD }, logger: false });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  }
  const append = (user: string, raw: Buffer, folder = "INBOX") => imap(user, (c) => c.append(folder, raw));
  /** Subject → flags of every message in a folder. */
  const flags = (user: string, folder = "INBOX") =>
    imap(user, async (c) => {
      const out = new Map<string, string[]>();
      const box = await c.mailboxOpen(folder);
      if (!box.exists) return out;
      for await (const m of c.fetch("1:*", { envelope: true, flags: true })) out.set(m.envelope?.subject ?? "", [...(m.flags ?? [])]);
      return out;
    });
  async function addMailbox(user: string, extra: Record<string, unknown> = {}) {
    await imap(user, async () => {}); // creates the maildir
    return {
      user,
      create: async (more: Record<string, unknown> = {}) => {
        const res = await admin.post("/api/mailboxes", {
          address: user,
          name: user,
          team_id: teamId,
          imap: { host: dove.host, port: dove.port, tls: false, user, password: PASSWORD },
          ...extra,
          ...more,
        });
        expect(res.status).toBe(201);
        expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
        await polling.refresh();
        return res.body;
      },
    };
  }
  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const tickets = async (q: string) => (await admin.get(`/api/tickets?q=${encodeURIComponent(q)}&limit=50`)).body.items as any[];
  const health = async (id: number) => (await admin.get("/api/mailboxes/health")).body.find((h: any) => h.mailbox_id === id);
  const synced = (id: number) => waitFor("the first sync", async () => (await health(id))?.last_success_at);

  it("takes only new mail by default, and flags it as seen once its ticket is stored", async () => {
    const box = await addMailbox("support@imap.test");
    await append(box.user, message({ from: "old@customer.example", to: box.user, subject: "Oldnews from last year", messageId: "<old-1@customer.example>" }));
    const mb = await box.create();
    await synced(mb.id);
    await append(box.user, message({ from: "Nia <nia@customer.example>", to: box.user, subject: "Freshmail projector broken", messageId: "<fresh-1@customer.example>" }));
    const [t] = await waitFor("the new ticket", async () => {
      const found = await tickets("Freshmail");
      return found.length ? found : undefined;
    });
    expect(t).toMatchObject({ channel: "email", team: { id: teamId }, requester: { email: "nia@customer.example" } });
    const f = await waitFor("the \\Seen flag", async () => {
      const all = await flags(box.user);
      return all.get("Freshmail projector broken")?.includes("\\Seen") && all;
    });
    expect(f.get("Oldnews from last year")).not.toContain("\\Seen");
    expect(await tickets("Oldnews")).toEqual([]);
    const h = await health(mb.id);
    expect(h).toMatchObject({ status: "ok", waiting: 0, lag_seconds: 0, last_error: null });
  });

  it("imports old mail with its original dates and no automatic answers when the admin asks", async () => {
    const box = await addMailbox("archive@imap.test");
    await append(
      box.user,
      Buffer.from(
        message({ from: "ole@customer.example", to: box.user, subject: "Historic printer jam", messageId: "<hist-1@customer.example>" })
          .toString()
          .replace("Wed, 25 Nov 2026 10:00:00 +0000", "Mon, 02 Nov 2026 08:15:00 +0000"),
      ),
    );
    await box.create({ history_mode: "import" });
    const [t] = await waitFor("the imported ticket", async () => {
      const found = await tickets("Historic");
      return found.length ? found : undefined;
    });
    expect(t.created_at).toBe("2026-11-02T08:15:00.000Z");
    const created = (await agent.get(`/api/tickets/${t.id}/events`)).body.find((e: any) => e.action === "created");
    expect(created.new_value).toMatchObject({ channel: "email", no_auto_reply: true });
  });

  it("moves processed mail to a folder when the admin asks", async () => {
    const box = await addMailbox("moves@imap.test");
    await imap(box.user, (c) => c.mailboxCreate("Processed"));
    const mb = await box.create({ processed_action: "move", processed_folder: "Processed" });
    await synced(mb.id);
    await append(box.user, message({ from: "mo@customer.example", to: box.user, subject: "Movable keyboard missing", messageId: "<move-1@customer.example>" }));
    await waitFor("the ticket", async () => (await tickets("Movable")).length);
    await waitFor("the move", async () => (await flags(box.user, "Processed")).has("Movable keyboard missing"));
    expect((await flags(box.user)).has("Movable keyboard missing")).toBe(false);
  });

  it("never flags a message whose ticket could not be stored, and takes it once storing works again", async () => {
    const box = await addMailbox("fragile@imap.test");
    const mb = await box.create();
    await synced(mb.id);
    const db = desk.ctx.db;
    if (dialect === "sqlite") {
      await sql`create trigger fail_mail before insert on mail_messages begin select raise(abort, 'simulated storage failure'); end`.execute(db);
    } else {
      await sql`create function fail_mail() returns trigger language plpgsql as $$ begin raise exception 'simulated storage failure'; end $$`.execute(db);
      await sql`create trigger fail_mail before insert on mail_messages for each row execute function fail_mail()`.execute(db);
    }
    try {
      await append(box.user, message({ from: "fr@customer.example", to: box.user, subject: "Fragilestore printer", messageId: "<fragile-1@customer.example>" }));
      const h = await waitFor("the error in the health view", async () => {
        const x = await health(mb.id);
        return x?.status === "error" && x;
      });
      expect(h.last_error).toMatch(/simulated storage failure/);
      expect(h.waiting).toBe(1);
      expect((await flags(box.user)).get("Fragilestore printer")).not.toContain("\\Seen");
      expect(await tickets("Fragilestore")).toEqual([]);
    } finally {
      await sql`drop trigger fail_mail${dialect === "postgres" ? sql` on mail_messages` : sql``}`.execute(db);
    }
    await waitFor("the ticket once storing works", async () => (await tickets("Fragilestore")).length);
    await waitFor("the \\Seen flag", async () => (await flags(box.user)).get("Fragilestore printer")?.includes("\\Seen"));
    await waitFor("a healthy mailbox", async () => (await health(mb.id))?.status === "ok");
  });

  it("a restarted poller, even one that lost its place and its flags, takes nothing twice", async () => {
    const box = await addMailbox("restart@imap.test");
    const mb = await box.create();
    await synced(mb.id);
    for (const i of [1, 2, 3]) await append(box.user, message({ from: "re@customer.example", to: box.user, subject: `Restartable item ${i}`, messageId: `<restart-${i}@customer.example>` }));
    await waitFor("three tickets", async () => (await tickets("Restartable")).length === 3);
    await polling.stop();
    // As if Tessera had crashed after committing but before flagging or saving its place.
    await desk.ctx.db.updateTable("mailbox_sync").set({ last_uid: 0 }).where("mailbox_id", "=", mb.id).execute();
    await imap(box.user, async (c) => {
      await c.mailboxOpen("INBOX");
      await c.messageFlagsRemove("1:*", ["\\Seen"]);
    });
    polling = new ImapPolling(desk.ctx).start();
    await waitFor("all flagged again", async () => [...(await flags(box.user)).values()].every((f) => f.includes("\\Seen")));
    expect(await tickets("Restartable")).toHaveLength(3);
  });

  it("leaves a message over the size cap on the server, lists it as failed, and takes the next one", async () => {
    const box = await addMailbox("huge@imap.test");
    const mb = await box.create();
    await synced(mb.id);
    await append(box.user, message({ from: "big@customer.example", to: box.user, subject: "Hugefile scan", messageId: "<huge-1@customer.example>", body: "x".repeat(1_200_000) }));
    await append(box.user, message({ from: "small@customer.example", to: box.user, subject: "Smallnote after the big one", messageId: "<huge-2@customer.example>" }));
    await waitFor("the small message's ticket", async () => (await tickets("Smallnote")).length);
    expect(await tickets("Hugefile")).toEqual([]);
    const failed = (await admin.get("/api/mail/failed")).body.find((f: any) => f.reason === "too_large" && f.mailbox_id === mb.id);
    expect(failed.error).toMatch(/left in INBOX on the server/);
    expect((await admin.get(failed.raw_url)).text).toContain("Subject: Hugefile scan");
    const f = await flags(box.user);
    expect(f.get("Hugefile scan")).not.toContain("\\Seen");
    expect(f.get("Smallnote after the big one")).toContain("\\Seen");
  });

  it("health names the error when a mailbox cannot be reached", async () => {
    const res = await admin.post("/api/mailboxes", {
      address: "wrong@imap.test",
      name: "Wrong password",
      imap: { host: dove.host, port: dove.port, tls: false, user: "nobody@imap.test", password: "nope" },
    });
    await polling.refresh();
    const h = await waitFor("the error", async () => {
      const x = await health(res.body.id);
      return x?.status === "error" && x;
    });
    expect(h.last_error).toBeTruthy();
    expect(h.last_success_at).toBeNull();
    await admin.patch(`/api/mailboxes/${res.body.id}`, { active: false });
  });
});

describe.each(dialects)("IMAP IDLE on %s", (dialect) => {
  let dove: Dovecot;
  let desk: TestDesk;
  let polling: ImapPolling;

  beforeAll(async () => {
    dove = await startDovecot({ "idle@imap.test": PASSWORD });
    // An hour between polls: only IDLE can bring the new message in within the test's wait.
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_IMAP_POLL_SECONDS: "3600" });
  });
  afterAll(async () => {
    await polling?.stop();
    await closeParser(desk.ctx);
    await desk?.close();
    await dove?.stop();
  });

  it("brings a new message in as soon as the server announces it", async () => {
    const admin = await desk.user("admin");
    const mb = (await admin.post("/api/mailboxes", { address: "idle@imap.test", name: "Idle", imap: { host: dove.host, port: dove.port, tls: false, user: "idle@imap.test", password: PASSWORD } }))
      .body;
    polling = new ImapPolling(desk.ctx).start();
    const deadline = Date.now() + 20_000;
    while (!(await admin.get("/api/mailboxes/health")).body.find((h: any) => h.mailbox_id === mb.id)?.last_success_at) {
      if (Date.now() > deadline) throw new Error("no first sync");
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500)); // the poller is now idling
    const c = new ImapFlow({ host: dove.host, port: dove.port, secure: false, auth: { user: "idle@imap.test", pass: PASSWORD }, logger: false });
    await c.connect();
    await c.append("INBOX", message({ from: "quick@customer.example", to: "idle@imap.test", subject: "Idlewake monitor flickers", messageId: "<idle-1@customer.example>" }));
    await c.logout();
    for (;;) {
      const found = (await admin.get("/api/tickets?q=Idlewake")).body.items;
      if (found.length) break;
      if (Date.now() > deadline + 20_000) throw new Error("IDLE did not bring the message in");
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
