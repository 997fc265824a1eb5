import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { closeParser } from "../src/mail/in/ingest.ts";

/** Mailboxes as an admin manages them, and what others may not do. */
describe.each(dialects)("mailbox administration on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Mail admins");
    agent = await desk.user("agent", { teams: [teamId] });
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
  });

  it("adds, reads, changes and removes a mailbox; the IMAP password is stored but never shown", async () => {
    const created = await admin.post("/api/mailboxes", {
      address: "Support@Example.COM",
      name: "Support",
      imap: { host: "imap.example.com", user: "support", password: "s3cret-imap-pass" },
      team_id: teamId,
      ticket_type: "service_request",
      restrict_senders: true,
      allowed_senders: ["example.com", "partner@other.example"],
      history_mode: "import",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: "support@example.com",
      imap: { host: "imap.example.com", port: 993, tls: true, user: "support", folder: "INBOX", has_password: true },
      processed_action: "seen",
      history_mode: "import",
      allowed_senders: ["example.com", "partner@other.example"],
    });
    expect(created.text).not.toContain("s3cret-imap-pass");
    const stored = await desk.ctx.db.selectFrom("mailboxes").select("imap_password").where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(stored.imap_password).not.toContain("s3cret-imap-pass");

    // Changing other IMAP settings without a password keeps the stored one.
    const changed = await admin.patch(`/api/mailboxes/${created.body.id}`, {
      imap: { host: "imap2.example.com", user: "support", tls: false, port: 143 },
      processed_action: "move",
      processed_folder: "Done",
    });
    expect(changed.status).toBe(200);
    expect(changed.body.imap).toMatchObject({ host: "imap2.example.com", port: 143, tls: false, has_password: true });
    expect((await desk.ctx.db.selectFrom("mailboxes").select("imap_password").where("id", "=", created.body.id).executeTakeFirstOrThrow()).imap_password).toBe(stored.imap_password);

    expect((await admin.get(`/api/mailboxes/${created.body.id}`)).body.processed_folder).toBe("Done");
    const health = (await admin.get("/api/mailboxes/health")).body.find((h: any) => h.mailbox_id === created.body.id);
    expect(health).toMatchObject({ status: "pending", waiting: 0, last_success_at: null });
    expect((await admin.delete(`/api/mailboxes/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`/api/mailboxes/${created.body.id}`)).status).toBe(404);
  });

  it("refuses bad settings with a message naming the field, and changes nothing", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ address: "not-an-address", name: "X" }, /address/],
      [{ address: "a@example.com", name: "X", team_id: 999999 }, /team_id: no team/],
      [{ address: "a@example.com", name: "X", processed_action: "move" }, /processed_folder/],
      [{ address: "a@example.com", name: "X", allowed_senders: ["not a domain"] }, /allowed_senders/],
      [{ address: "a@example.com", name: "X", imap: { host: "bad host!", user: "u" } }, /imap\.host/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post("/api/mailboxes", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await admin.get("/api/mailboxes")).body).toEqual([]);
    expect((await admin.post("/api/mailboxes", { address: "dup@example.com", name: "One" })).status).toBe(201);
    const dup = await admin.post("/api/mailboxes", { address: "DUP@example.com", name: "Two" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toMatch(/dup@example.com/);
  });

  it("keeps mailboxes and failed mail to admins, and held mail to agents", async () => {
    expect((await agent.get("/api/mailboxes")).status).toBe(403);
    expect((await agent.post("/api/mailboxes", { address: "x@example.com", name: "X" })).status).toBe(403);
    expect((await agent.get("/api/mailboxes/health")).status).toBe(403);
    expect((await agent.get("/api/mail/failed")).status).toBe(403);
    expect((await agent.get("/api/mail/held")).status).toBe(200);
    const requester = await desk.user("requester");
    expect((await requester.get("/api/mail/held")).status).toBe(403);
    expect((await admin.post("/api/mail/held/999999/accept", { as: "reply" })).status).toBe(404);
    expect((await admin.post("/api/mail/failed/999999/reprocess")).status).toBe(404);
  });
});
