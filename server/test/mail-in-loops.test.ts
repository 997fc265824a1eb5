import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { message } from "./support/mail.ts";
import { SmtpCatcher } from "./support/smtp-catcher.ts";
import { closeParser, ingestMessage } from "../src/mail/in/ingest.ts";
import { deliverDue } from "../src/mail/out/outbox.ts";

/** Autoresponders without RFC 3834 headers that answer each acknowledgement with a fresh mail. */
describe.each(dialects)("acknowledgement loops on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;
  let catcher: SmtpCatcher;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    desk = await createDesk(dialect, { TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, TESSERA_MAIL_FROM: "Help <help@desk.test>", TESSERA_OUTBOUND_ALLOW: "127.0.0.1" });
    const admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId });
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
    await catcher.stop();
  });

  /** A message arrives, and the outbox delivers whatever it caused, as the running server would. */
  const ingest = async (raw: Buffer) => {
    const r = await ingestMessage(desk.ctx, raw, { kind: "pipe" });
    await desk.drain();
    await deliverDue(desk.ctx);
    return r;
  };
  const acknowledgementsTo = async (address: string) => catcher.messages.filter((m) => m.envelope.to.includes(address) && /We have received your request/.test(m.parsed.text ?? ""));
  const ticketsOf = async (address: string) =>
    (await desk.ctx.db.selectFrom("tickets").innerJoin("users", "users.id", "tickets.requester_id").select("tickets.id").where("users.email", "=", address).execute()).length;
  const heldFrom = async (address: string) => ((await agent.get("/api/mail/held?status=all")).body as any[]).filter((h) => h.from_address === address);

  /**
   * Runs the loop for up to a day: the robot answers every acknowledgement delivered to it that
   * it has not answered yet with a fresh, untagged mail `delayMs` later (no In-Reply-To, no
   * References, no RFC 3834 header), until none is left to answer. Returns how many mails it sent.
   */
  async function runLoop(robot: string, answer: (i: number, ackSubject: string) => { subject: string; body: string }, delayMs = 60_000) {
    const answered = new Set<string>();
    let sent = 1;
    for (let round = 0; round < 240; round++) {
      const open = (await acknowledgementsTo(robot)).filter((a) => !answered.has(a.raw));
      if (!open.length) break;
      for (const ack of open) {
        answered.add(ack.raw);
        desk.clock.advance(delayMs);
        await ingest(message({ from: robot, messageId: `<auto-${sent}-${robot}>`, ...answer(sent++, ack.parsed.subject ?? "") }));
      }
    }
    return sent;
  }

  it("an autoresponder that answers with the same words gets one acknowledgement; its answers are held with the reason", async () => {
    const robot = "away@partner.example";
    const text = "I am out of the office until 4 January with limited access to email. For urgent matters call +1 555 0100.";
    // It first answers mail one of the agents sent from their own mailbox, copied to the desk.
    const first = await ingest(message({ from: robot, subject: "Quarterly stock count", messageId: "<first@partner.example>", body: text }));
    expect(first.outcome).toBe("ticket");
    const sent = await runLoop(robot, () => ({ subject: "Out of office", body: text }));

    expect(await acknowledgementsTo(robot)).toHaveLength(1);
    expect(await ticketsOf(robot)).toBe(1);
    expect(sent).toBe(2);
    const held = await heldFrom(robot);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ reason: "auto_reply_loop", status: "held", ticket: { id: (first as any).ticketId } });
    expect(held[0].loop_reason).toMatch(/^loop: answers the acknowledgement of [A-Z]+-\d+ within 1 min, with the same text/);

    // More of the same, later in the day (it answers other mail too): held again, never acknowledged.
    desk.clock.advance(3 * 60_000);
    const again = await ingest(message({ from: robot, subject: "Out of office", messageId: "<later@partner.example>", body: text }));
    expect(again.outcome).not.toBe("ticket");
    expect(await acknowledgementsTo(robot)).toHaveLength(1);

    // An agent who takes a held answer in as a ticket after all sends no acknowledgement for it.
    const accepted = await agent.post(`/api/mail/held/${held[0].id}/accept`, { as: "ticket" });
    expect(accepted.status).toBe(200);
    await deliverDue(desk.ctx);
    expect(await ticketsOf(robot)).toBe(2);
    expect(await acknowledgementsTo(robot)).toHaveLength(1);
    desk.clock.advance(24 * 3_600_000);
  });

  it("an autoresponder that quotes the acknowledgement's subject is stopped at its first answer", async () => {
    const robot = "helpdesk@vendor.example";
    const first = await ingest(message({ from: robot, subject: "Licence renewal for 40 seats", messageId: "<lic@vendor.example>", body: "Please renew." }));
    const ticket = (await agent.get(`/api/tickets/${(first as any).ticketId}`)).body;
    // Each answer has words of its own (a case number), and quotes our subject without the tag.
    await runLoop(robot, (i, ackSubject) => ({ subject: `Automatic reply: ${ackSubject.replace(/\[#[A-Z]+-\d+\]\s*/, "")}`, body: `Thank you. Your case number is ${1000 + i}.` }));
    expect(await acknowledgementsTo(robot)).toHaveLength(1);
    expect(await ticketsOf(robot)).toBe(1);
    const [held] = await heldFrom(robot);
    expect(held.loop_reason).toContain(`acknowledgement of ${ticket.reference}`);
    expect(held.loop_reason).toContain("quotes it");
    // The ticket's mail list shows it was held and why, and that it gets no automatic answer.
    const mail = (await agent.get(`/api/tickets/${ticket.id}/mail`)).body;
    expect(mail.find((m: any) => m.outcome === "held")).toMatchObject({ no_auto_reply: true, loop_reason: held.loop_reason });
    desk.clock.advance(24 * 3_600_000);
  });

  it("an autoresponder whose words change every time is stopped once it answers twice in a row within moments", async () => {
    const robot = "ticketbot@supplier.example";
    await ingest(message({ from: robot, subject: "Invoice 77", messageId: "<inv@supplier.example>", body: "Invoice attached." }));
    await runLoop(robot, (i) => ({ subject: `Your message was received (ref ${4000 + i})`, body: `We received your message at 10:${10 + i}. Reference ${4000 + i}.` }), 30_000);
    // The first message was a real one: its acknowledgement is not part of the loop. The loop's
    // first answer cannot be told from a person's second request yet, and gets the loop's one.
    expect(await acknowledgementsTo(robot)).toHaveLength(2);
    expect(await ticketsOf(robot)).toBe(2);
    const [held] = await heldFrom(robot);
    expect(held).toMatchObject({ reason: "auto_reply_loop" });
    expect(held.loop_reason).toContain("previous message answered one as quickly");
    desk.clock.advance(24 * 3_600_000);
  });

  it("a person who writes a new request minutes after the acknowledgement gets a ticket and an acknowledgement", async () => {
    const person = "noor@customer.example";
    await ingest(message({ from: person, subject: "Printer jams", messageId: "<p1@customer.example>", body: "The printer on floor 2 jams." }));
    desk.clock.advance(4 * 60_000);
    const second = await ingest(message({ from: person, subject: "Also: monitor flickers", messageId: "<p2@customer.example>", body: "And my monitor flickers." }));
    expect(second.outcome).toBe("ticket");
    desk.clock.advance(5 * 60_000);
    const third = await ingest(message({ from: person, subject: "VPN drops", messageId: "<p3@customer.example>", body: "The VPN drops every hour." }));
    expect(third.outcome).toBe("ticket");
    expect(await acknowledgementsTo(person)).toHaveLength(3);
    expect(await heldFrom(person)).toEqual([]);
  });
});
