import { spawn } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandFor } from "./support/command.ts";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { fixture, message, sendSmtp } from "./support/mail.ts";
import { closeParser } from "../src/mail/in/ingest.ts";
import { startSmtpListener, type SmtpListener } from "../src/mail/in/smtp-listener.ts";
import { openInstance } from "../src/boot.ts";
import pino from "pino";

/** The SMTP listener with a real SMTP client (Nodemailer) on the other end. */
describe.each(dialects)("SMTP listener on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;
  let smtp: SmtpListener;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_MAIL_MAX_BYTES: String(2 * 1024 * 1024) });
    admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    expect((await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId })).status).toBe(201);
    expect((await admin.post("/api/mailboxes", { address: "it@desk.test", name: "IT", team_id: teamId })).status).toBe(201);
    expect((await admin.post("/api/mailboxes", { address: "vip@desk.test", name: "VIP only", restrict_senders: true, allowed_senders: ["partner.example"] })).status).toBe(201);
    smtp = await startSmtpListener(desk.ctx, { port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await smtp?.close();
    await closeParser(desk.ctx);
    await desk.close();
  });

  /** Reads the ticket straight from the database on a second connection, as another node would. */
  async function ticketFromOtherConnection(messageId: string) {
    const pgSchema = dialect === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(desk.ctx.db)).rows[0].s : undefined;
    const other = await openInstance(desk.ctx.config, { log: pino({ level: "silent" }), pgSchema });
    try {
      return await other.ctx.db
        .selectFrom("mail_messages")
        .innerJoin("tickets", "tickets.id", "mail_messages.ticket_id")
        .select(["tickets.id", "tickets.subject"])
        .where("mail_messages.message_id", "=", messageId)
        .executeTakeFirst();
    } finally {
      await other.close();
    }
  }

  it("answers 250 only once the ticket is stored: a second connection already sees it", async () => {
    const raw = message({ from: "Ravi <ravi@contoso.example>", subject: "Laptop will not boot", messageId: "<smtp-250@contoso.example>" });
    const info = await sendSmtp(smtp.port, raw, { from: "ravi@contoso.example", to: ["help@desk.test"] });
    expect(info.response).toMatch(/^250 /);
    const seen = await ticketFromOtherConnection("<smtp-250@contoso.example>");
    expect(seen?.subject).toBe("Laptop will not boot");
    const list = (await agent.get("/api/tickets?q=Laptop")).body.items;
    expect(list.map((t: any) => t.subject)).toContain("Laptop will not boot");
  });

  it("takes a message sent to two of our addresses (To and Cc) once", async () => {
    const raw = message({ from: "ravi@contoso.example", to: "help@desk.test", cc: "it@desk.test", subject: "Two addresses, one ticket", messageId: "<two-addrs@contoso.example>" });
    await sendSmtp(smtp.port, raw, { from: "ravi@contoso.example", to: ["help@desk.test", "it@desk.test"] });
    // The same message again, as a second delivery to the other address would bring it.
    await sendSmtp(smtp.port, raw, { from: "ravi@contoso.example", to: ["it@desk.test"] });
    expect((await agent.get("/api/tickets/count?q=addresses")).body.count).toBe(1);
  });

  it("refuses an unknown recipient, a message over the size cap, a message without From and a sender the mailbox does not allow, with 5xx", async () => {
    await expect(sendSmtp(smtp.port, message({ from: "a@contoso.example" }), { from: "a@contoso.example", to: ["nobody@desk.test"] })).rejects.toMatchObject({ responseCode: 550 });
    const huge = message({ from: "a@contoso.example", body: "x".repeat(3 * 1024 * 1024) });
    await expect(sendSmtp(smtp.port, huge, { from: "a@contoso.example", to: ["help@desk.test"] })).rejects.toMatchObject({ responseCode: 552 });
    await expect(sendSmtp(smtp.port, fixture("no-from.eml"), { from: "a@contoso.example", to: ["help@desk.test"] })).rejects.toMatchObject({ responseCode: 550 });
    const stranger = message({ from: "eve@elsewhere.example", to: "vip@desk.test", subject: "Let me in" });
    await expect(sendSmtp(smtp.port, stranger, { from: "eve@elsewhere.example", to: ["vip@desk.test"] })).rejects.toMatchObject({ responseCode: 550 });
    const partner = message({ from: "pat@partner.example", to: "vip@desk.test", subject: "Partner request" });
    expect((await sendSmtp(smtp.port, partner, { from: "pat@partner.example", to: ["vip@desk.test"] })).response).toMatch(/^250 /);
    expect((await admin.get("/api/mail/failed")).body).toEqual([]);
  });

  it("answers 4xx while the database is unavailable, so the sender keeps the message and retries", async () => {
    const other = await createDesk(dialect);
    const otherAdmin = await other.user("admin");
    await otherAdmin.post("/api/mailboxes", { address: "help@desk.test", name: "Help" });
    const listener = await startSmtpListener(other.ctx, { port: 0, host: "127.0.0.1" });
    try {
      await other.ctx.db.destroy(); // the database goes away under the running listener
      const raw = message({ from: "ravi@contoso.example", subject: "While the database is down" });
      const err = await sendSmtp(listener.port, raw, { from: "ravi@contoso.example", to: ["help@desk.test"] }).catch((e) => e);
      // 451: a temporary local failure, which every MTA queues and retries.
      expect(err.responseCode).toBe(451);
    } finally {
      await listener.close();
      await closeParser(other.ctx);
      await other.close().catch(() => {});
    }
  });

  it("the MTA pipe (`tessera mail ingest`) exits 0 when stored, 65 when refused, 75 when the database is unavailable", async () => {
    const { main, env } = await commandFor(desk, dialect);
    const run = (raw: Buffer, extra: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", main, "mail", "ingest"], { env: { ...env, ...extra }, stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
        child.stdin.end(raw);
      });
    const stored = await run(message({ from: "piped@contoso.example", subject: "Through the pipe", messageId: "<pipe-1@contoso.example>" }));
    expect(stored).toMatchObject({ code: 0 });
    expect((await agent.get("/api/tickets/count?q=pipe")).body.count).toBe(1);
    expect((await run(fixture("no-from.eml"))).code).toBe(65);
    const down = await run(message({ from: "piped@contoso.example" }), { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(down.code).toBe(75);
  }, 120_000); // three real processes, each loading the server
});
