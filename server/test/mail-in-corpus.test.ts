import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { fixture, sentNotification } from "./support/mail.ts";
import { closeParser, ingestMessage, type IngestResult } from "../src/mail/in/ingest.ts";

/** The corpus of real-world shapes of mail, each with what an agent sees of it. */
describe.each(dialects)("inbound mail corpus on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    const mb = await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help desk", team_id: teamId });
    expect(mb.status).toBe(201);
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
  });

  const ingest = (raw: Buffer) => ingestMessage(desk.ctx, raw, { kind: "pipe" });
  const ticketOf = async (r: IngestResult) => {
    expect(r).toMatchObject({ outcome: "ticket" });
    return (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
  };
  const comments = async (ticketId: number) => (await agent.get(`/api/tickets/${ticketId}/comments`)).body;

  /** A ticket from Ann with a notification we "sent" her, for replies to answer. */
  async function annTicket(subject: string) {
    const first = await ingest(
      Buffer.from(
        `From: Ann Lee <ann.lee@gmail.com>\r\nTo: help@desk.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}.${Date.now()}@mail.gmail.com>\r\n\r\nIt is broken.\r\n`,
      ),
    );
    const t = await ticketOf(first);
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    return { t, sent };
  }

  it("Gmail reply: becomes Ann's public reply, without the quoted history", async () => {
    const { t, sent } = await annTicket("VPN keeps dropping");
    const r = await ingest(fixture("gmail-reply.eml", { REF: t.reference, IN_REPLY_TO: sent, REFERENCES: sent }));
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = await comments(t.id);
    expect(c.author.email).toBe("ann.lee@gmail.com");
    expect(c.internal).toBe(false);
    expect(c.body).toContain("Restarting the router fixed it for now");
    expect(c.body).not.toContain("Could you restart your home router");
    const mail = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    const kept = mail.find((m: any) => m.comment_id === c.id);
    expect(kept.full_body).toContain("Could you restart your home router");
  });

  it("Outlook reply in Windows-1252 quoted-printable: umlauts and the euro sign read right, the Outlook quote is hidden", async () => {
    const first = await ingest(
      Buffer.from(
        "From: =?utf-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@contoso.example>\r\nTo: help@desk.test\r\nSubject: Drucker im 2. OG druckt nicht\r\nMessage-ID: <drucker-1@contoso.example>\r\n\r\nDer Drucker druckt nicht.\r\n",
      ),
    );
    const t = await ticketOf(first);
    expect(t.requester.name).toBe("Jürgen Müller");
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    const r = await ingest(fixture("outlook-reply.eml", { REF: t.reference, IN_REPLY_TO: sent, REFERENCES: sent }));
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = await comments(t.id);
    expect(c.body).toContain("89,50 €");
    expect(c.body).toContain("Grüße");
    expect(c.body).not.toContain("Bitte prüfen Sie die Trommel");
    expect(c.body).not.toContain("MsoNormal");
    expect(c.body).not.toContain("Reply"); // the <title> is not body text
  });

  it("HTML-only mail: sanitised, scripts and javascript: links gone, remote images blocked and flagged", async () => {
    const t = await ticketOf(await ingest(fixture("html-only.eml")));
    expect(t.subject).toBe("Newsletter signup page shows an error");
    expect(t.channel).toBe("email");
    expect(t.team.id).toBe(teamId);
    expect(t.description).toContain("<b>Error 500</b>");
    expect(t.description).not.toMatch(/<script|onload|onclick|javascript:|alert\(/);
    expect(t.description).not.toMatch(/ src="https:/);
    expect(t.description).toContain('data-remote-src="https://northwind.example/screenshot.png"');
    const [m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    expect(m.remote_images).toBe(true);
  });

  it("base64 plain text with an encoded subject: decoded; people copied in become watchers, the desk's own address does not", async () => {
    const t = await ticketOf(await ingest(fixture("base64-plain.eml")));
    expect(t.subject).toBe("Badge reader at north entrance – down");
    expect(t.description).toContain("rejects every card since 7:00");
    expect(t.requester).toMatchObject({ email: "tom.becker@fabrikam.example", name: "Tom Becker" });
    expect(t.watchers.map((w: any) => w.email)).toEqual(["lena.vogel@fabrikam.example"]);
  });

  it("ISO-2022-JP: Japanese subject, body and sender name read right", async () => {
    const t = await ticketOf(await ingest(fixture("iso-2022-jp.eml")));
    expect(t.subject).toBe("プリンターが動きません");
    expect(t.description).toContain("3階のプリンターが朝から動きません。");
    expect(t.requester.name).toBe("山田 太郎");
  });

  it("inline image: stored as an attachment and shown in place of its cid: link", async () => {
    const t = await ticketOf(await ingest(fixture("inline-image.eml")));
    expect(t.attachments).toHaveLength(1);
    const [a] = t.attachments;
    expect(a).toMatchObject({ filename: "error.png", content_type: "image/png" });
    expect(t.description).toContain(`src="${a.url}"`);
    expect(t.description).not.toContain("cid:");
    const img = await agent.get(a.url);
    expect(img.status).toBe(200);
  });

  it("winmail.dat: kept as an attachment the agent can download", async () => {
    const t = await ticketOf(await ingest(fixture("winmail.eml")));
    expect(t.description).toContain("my colleagues cannot open it");
    expect(t.attachments.map((a: any) => a.filename)).toEqual(["winmail.dat"]);
    expect((await agent.get(t.attachments[0].url)).status).toBe(200);
  });

  it("auto-reply: noted on the ticket it answers, never a reply that reopens it, and marked so that it never gets an automatic answer", async () => {
    const { t, sent } = await annTicket("Out of office test");
    const resolved = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Router restarted", root_cause: "Router" });
    expect(resolved.status).toBe(200);
    const r = await ingest(fixture("auto-reply.eml", { REF: t.reference, IN_REPLY_TO: sent }));
    expect(r).toMatchObject({ outcome: "ignored", ticketId: t.id });
    expect(await comments(t.id)).toEqual([]);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.status.category).toBe("resolved");
    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(events.find((e: any) => e.action === "mail_auto_reply").new_value).toMatchObject({ from: "ann.lee@gmail.com" });
    const [m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body.filter((x: any) => x.outcome === "ignored");
    expect(m).toMatchObject({ no_auto_reply: true });
    expect(m.loop_reason).toMatch(/Auto-Submitted: auto-replied/);
    expect(m.full_body).toContain("out of the office until Monday");
  });

  it("bounce (DSN): noted on the ticket whose mail bounced, no ticket opened", async () => {
    const { t, sent } = await annTicket("Bounce test");
    const before = (await admin.get("/api/tickets/count")).body.count;
    const r = await ingest(fixture("bounce.eml", { REF: t.reference, IN_REPLY_TO: sent }));
    expect(r).toMatchObject({ outcome: "bounce", ticketId: t.id });
    expect((await admin.get("/api/tickets/count")).body.count).toBe(before);
    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(events.find((e: any) => e.action === "mail_bounced").new_value).toMatchObject({ recipient: "former.employee@contoso.example", status: "5.1.1" });
  });

  it("no From: kept as failed mail for an admin, never a ticket", async () => {
    const r = await ingest(fixture("no-from.eml"));
    expect(r).toMatchObject({ outcome: "failed", reason: "no_from" });
    const failed = (await admin.get("/api/mail/failed")).body;
    expect(failed.find((f: any) => f.id === (r as any).failedId)).toMatchObject({ reason: "no_from", subject: "Who sent this?" });
    const raw = await admin.get((failed[0] as any).raw_url);
    expect(raw.status).toBe(200);
    expect(raw.text).toContain("There is no From header");
  });

  it("a reply with a broken References header still finds its ticket by the subject tag", async () => {
    const { t } = await annTicket("VPN keeps dropping again");
    const r = await ingest(fixture("broken-references.eml", { REF: t.reference }));
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = await comments(t.id);
    expect(c.body).toContain("It dropped again this morning, twice.");
  });

  it("a very long body is shown in part, with a pointer to the original", async () => {
    const words = "The log says the same thing again. ".repeat(20_000);
    const t = await ticketOf(
      await ingest(
        Buffer.from(`From: log@contoso.example\r\nTo: help@desk.test\r\nSubject: Whole log pasted\r\nMessage-ID: <long-log@contoso.example>\r\nContent-Type: text/plain\r\n\r\n${words}\r\n`),
      ),
    );
    expect(t.description.length).toBeLessThan(510_000);
    expect(t.description).toContain("download the original for the rest");
    expect(t.description.endsWith("</p>")).toBe(true);
  });

  it("a 30 MB message: its 22 MB attachment arrives whole", async () => {
    const big = Buffer.alloc(22 * 1024 * 1024, 7);
    big.write("%PDF-1.7\n");
    const raw = Buffer.concat([
      Buffer.from(
        "From: Big Sender <big@contoso.example>\r\nTo: help@desk.test\r\nSubject: Scan of the contract\r\nMessage-ID: <big-30mb@contoso.example>\r\nMIME-Version: 1.0\r\n" +
          'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe scan is attached.\r\n--b\r\nContent-Type: application/pdf; name="contract.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      Buffer.from(big.toString("base64").replace(/.{76}/g, "$&\r\n")),
      Buffer.from("\r\n--b--\r\n"),
    ]);
    expect(raw.length).toBeGreaterThan(29 * 1024 * 1024);
    const t = await ticketOf(await ingest(raw));
    expect(t.attachments).toHaveLength(1);
    expect(t.attachments[0]).toMatchObject({ filename: "contract.pdf", content_type: "application/pdf", size: big.length });
  });
});
