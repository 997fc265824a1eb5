/**
 * Mail in and out together: a request by email is acknowledged in its own thread, the
 * requester's answer to that acknowledgement lands on the same ticket, the agent's reply
 * threads under all of it, and an auto-reply gets no answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { SmtpCatcher, type CaughtMail } from "./support/smtp-catcher.ts";
import { message } from "./support/mail.ts";
import { closeParser, ingestMessage } from "../src/mail/in/ingest.ts";
import { deliverDue } from "../src/mail/out/outbox.ts";

const refs = (m: CaughtMail) => (m.headerLines.find(([n]) => n === "references")?.[1] ?? "").match(/<[^>]+>/g) ?? [];

describe.each(dialects)("mail round trip on %s", (dialect) => {
  let catcher: SmtpCatcher;
  let desk: TestDesk;
  let admin: Client, agent: Client;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, TESSERA_MAIL_FROM: "Help <help@desk.test>", TESSERA_MAIL_PARSE_TIMEOUT_MS: "5000" });
    admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId], name: "Sam Agent" });
    await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId });
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
    await catcher.stop();
  });

  const ingest = (raw: Buffer) => ingestMessage(desk.ctx, raw, { kind: "pipe" });
  const delivered = async () => {
    const before = catcher.messages.length;
    await desk.drain();
    await deliverDue(desk.ctx);
    return catcher.messages.slice(before);
  };

  it("threads the acknowledgement and replies under the requester's own message, and takes their answer onto the ticket", async () => {
    const original = `<first-${Date.now()}@customer.example>`;
    const r = await ingest(message({ from: "Kim Customer <kim@customer.example>", subject: "Scanner offline", messageId: original, body: "The scanner on floor 2 is offline." }));
    expect(r.outcome).toBe("ticket");
    const ticketId = (r as { ticketId: number }).ticketId;
    const t = (await agent.get(`/api/tickets/${ticketId}`)).body;

    desk.clock.advance(1_000);
    const [ack] = await delivered();
    expect(ack.envelope.to).toEqual(["kim@customer.example"]);
    expect(ack.parsed.subject).toBe(`[#${t.reference}] Scanner offline`);
    expect(ack.parsed.inReplyTo).toBe(original);
    expect(refs(ack)).toEqual([original]);

    // Kim answers the acknowledgement a minute later: the inbound side finds the ticket by our Message-ID.
    desk.clock.advance(60_000);
    const answer = await ingest(
      message({
        from: "kim@customer.example",
        subject: `Re: ${ack.parsed.subject}`,
        messageId: `<answer-${Date.now()}@customer.example>`,
        inReplyTo: ack.parsed.messageId,
        references: `${original} ${ack.parsed.messageId}`,
        body: "It shows error E42.",
      }),
    );
    expect(answer).toMatchObject({ outcome: "reply", ticketId });
    expect(await delivered()).toEqual([]);

    desk.clock.advance(60_000);
    await agent.post(`/api/tickets/${ticketId}/comments`, { body: "Power-cycling it remotely now.", format: "text" });
    const [reply] = await delivered();
    expect(reply.envelope.to).toEqual(["kim@customer.example"]);
    const answerId = (await desk.ctx.db.selectFrom("mail_thread_ids").select("message_id").where("ticket_id", "=", ticketId).where("message_id", "like", "<answer-%").executeTakeFirstOrThrow())
      .message_id;
    expect(reply.parsed.inReplyTo).toBe(answerId);
    expect(refs(reply)).toEqual([original, ack.parsed.messageId, answerId]);
  });

  it("sends no acknowledgement to an auto-reply or a mailer-daemon", async () => {
    const ooo = await ingest(message({ from: "lee@customer.example", subject: "Out of office", messageId: `<ooo-${Date.now()}@customer.example>`, headers: ["Auto-Submitted: auto-replied"] }));
    const daemon = await ingest(message({ from: "MAILER-DAEMON@customer.example", subject: "Delivery Status Notification", messageId: `<dsn-${Date.now()}@customer.example>` }));
    expect([ooo.outcome, daemon.outcome].every((o) => o !== "reply")).toBe(true);
    expect(await delivered()).toEqual([]);
  });
});
