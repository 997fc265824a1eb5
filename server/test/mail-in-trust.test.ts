import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { message, sendSmtp, sentNotification } from "./support/mail.ts";
import { closeParser, ingestMessage } from "../src/mail/in/ingest.ts";
import { startSmtpListener } from "../src/mail/in/smtp-listener.ts";
import { dmarcPassed, parseAuthResults } from "../src/mail/in/authentication.ts";

const TRUSTED = "mx.desk.test";

/** Who may widen a ticket's recipients by mail: copies from unproven senders wait for an agent. */
describe.each(dialects)("inbound mail trust on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_MAIL_TRUSTED_AUTHSERV_IDS: `${TRUSTED}, mx2.desk.test` });
    admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId], email: "sam.agent@desk.test", name: "Sam Agent" });
    await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId });
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
  });

  const ingest = (raw: Buffer) => ingestMessage(desk.ctx, raw, { kind: "pipe" });
  let n = 0;
  async function newTicket(from: string) {
    const r = await ingest(message({ from, subject: `Trust request ${++n}`, messageId: `<trust-${n}@customer.example>`, body: `Request number ${n}.` }));
    expect(r.outcome).toBe("ticket");
    return (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
  }
  const watchersOf = async (id: number) => (await agent.get(`/api/tickets/${id}`)).body.watchers.map((w: any) => w.email).sort();
  const repliesMailedTo = async (id: number) =>
    (await desk.ctx.db.selectFrom("mail_outbox").select("to_address").where("ticket_id", "=", id).where("kind", "=", "reply").execute()).map((o) => o.to_address).sort();
  const heldCopies = async (id: number) => (await agent.get(`/api/tickets/${id}/held-copies`)).body;
  const publicReply = async (id: number, body: string) => expect((await agent.post(`/api/tickets/${id}/comments`, { body, format: "text" })).status).toBe(201);

  it("a forged reply known only by its tag is still the requester's reply, but the outsider it copies in gets none of the ticket's mail", async () => {
    const t = await newTicket("Kim <kim@customer.example>");
    const forged = await ingest(message({ from: "kim@customer.example", cc: "Eve <eve@outside.example>", subject: `Re: [#${t.reference}] my laptop`, body: "Please keep my colleague informed." }));
    expect(forged).toMatchObject({ outcome: "reply", ticketId: t.id });
    expect(await watchersOf(t.id)).toEqual([]);

    await publicReply(t.id, "Your new password is on its way.");
    expect(await repliesMailedTo(t.id)).toEqual(["kim@customer.example"]);

    // The copies wait for an agent, with the reason, and the agent is told in the app.
    const [held] = await heldCopies(t.id);
    expect(held).toMatchObject({ from_address: "kim@customer.example", addresses: [{ address: "eve@outside.example", name: "Eve" }], reason: "tag_only", status: "held" });
    expect((await agent.get("/api/mail/held-copies")).body.map((h: any) => h.id)).toContain(held.id);
    const notes = ((await agent.get("/api/notifications?limit=100")).body.items as any[]).filter((x) => x.ticket_id === t.id && x.kind === "mail_held");
    expect(notes[0].summary).toContain("eve@outside.example");
    const history = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(history.find((e: any) => e.action === "mail_copies_held")).toBeTruthy();

    // Rejected: nobody joins, the decision is on record, and it cannot be taken twice.
    const rejected = await agent.post(`/api/mail/held-copies/${held.id}/reject`);
    expect(rejected.body.status).toBe("rejected");
    expect((await agent.post(`/api/mail/held-copies/${held.id}/accept`)).status).toBe(409);
    expect(await watchersOf(t.id)).toEqual([]);
    const after = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(after.find((e: any) => e.action === "mail_copies_rejected")).toMatchObject({ actor: { email: "sam.agent@desk.test" } });
  });

  it("an agent who accepts held copies makes them watchers, recorded as the agent's change, and they get the next public reply", async () => {
    const t = await newTicket("lou@customer.example");
    await ingest(message({ from: "lou@customer.example", to: "help@desk.test, Ray <ray@customer.example>", subject: `[#${t.reference}] adding Ray`, body: "Ray handles this now." }));
    const [held] = await heldCopies(t.id);
    expect(held.addresses.map((a: any) => a.address)).toEqual(["ray@customer.example"]);
    const accepted = await agent.post(`/api/mail/held-copies/${held.id}/accept`);
    expect(accepted.body.status).toBe("accepted");
    expect(await watchersOf(t.id)).toEqual(["ray@customer.example"]);
    const history = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(history.find((e: any) => e.field === "watchers")).toMatchObject({ actor: { email: "sam.agent@desk.test" } });
    await publicReply(t.id, "Ray, the parts arrive tomorrow.");
    expect(await repliesMailedTo(t.id)).toEqual(["lou@customer.example", "ray@customer.example"]);
    // Held copies are for agents who can see the ticket.
    const requester = await desk.user("requester");
    expect((await requester.get(`/api/tickets/${t.id}/held-copies`)).status).toBe(403);
    expect((await agent.post("/api/mail/held-copies/999999/accept")).status).toBe(404);
  });

  it("a reply to our signed Message-ID still adds the people it copies in at once", async () => {
    const t = await newTicket("kai@customer.example");
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    expect(await ingest(message({ from: "kai@customer.example", inReplyTo: sent, cc: "boss@customer.example", body: "Copying my boss." }))).toMatchObject({ outcome: "reply" });
    expect(await watchersOf(t.id)).toEqual(["boss@customer.example"]);
    expect(await heldCopies(t.id)).toEqual([]);
    await publicReply(t.id, "Approved by the desk.");
    expect(await repliesMailedTo(t.id)).toEqual(["boss@customer.example", "kai@customer.example"]);
  });

  it("a DMARC pass counts only from a trusted authserv-id, in the topmost headers, for the From domain", async () => {
    const dmarc = (id: string, result: string, domain = "customer.example") => `Authentication-Results: ${id}; dkim=pass header.d=${domain}; dmarc=${result} (p=reject dis=none) header.from=${domain}`;
    const tagged = async (headers: string[], cc: string) => {
      const t = await newTicket(`ida.${n}@customer.example`);
      const r = await ingest(message({ from: t.requester.email, cc, subject: `Re: [#${t.reference}]`, headers, body: "Adding someone." }));
      expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
      return { watchers: await watchersOf(t.id), held: (await heldCopies(t.id)).length };
    };
    expect(await tagged([dmarc(TRUSTED, "pass")], "trusted@customer.example")).toEqual({ watchers: ["trusted@customer.example"], held: 0 });
    // The second trusted server, with an internal relay's header above it.
    expect(await tagged(["Authentication-Results: relay.internal.example; none", dmarc("MX2.desk.test", "pass")], "second@customer.example")).toEqual({
      watchers: ["second@customer.example"],
      held: 0,
    });
    // A header from a server nobody trusts proves nothing, whatever it says.
    expect(await tagged([dmarc("mx.evil.example", "pass")], "untrusted@customer.example")).toEqual({ watchers: [], held: 1 });
    // A pass the sender wrote below the trusted server's own verdict is not taken.
    expect(await tagged([dmarc(TRUSTED, "fail"), "Received: from evil by mx.desk.test", dmarc(TRUSTED, "pass")], "forged@customer.example")).toEqual({ watchers: [], held: 1 });
    // Nor is a pass for another domain than From's.
    expect(await tagged([dmarc(TRUSTED, "pass", "evil.example")], "other@customer.example")).toEqual({ watchers: [], held: 1 });
  });

  it("reads the Authentication-Results of a message that arrived over SMTP (streamed to disk) as well", async () => {
    const smtp = await startSmtpListener(desk.ctx, { port: 0, host: "127.0.0.1" });
    try {
      const t = await newTicket("uma@customer.example");
      const pass = `Authentication-Results: ${TRUSTED}; dmarc=pass header.from=customer.example`;
      await sendSmtp(smtp.port, message({ from: "uma@customer.example", cc: "uma.team@customer.example", subject: `Re: [#${t.reference}]`, headers: [pass], body: "Adding my team." }), {
        from: "uma@customer.example",
        to: ["help@desk.test"],
      });
      expect(await watchersOf(t.id)).toEqual(["uma.team@customer.example"]);
      await sendSmtp(smtp.port, message({ from: "uma@customer.example", cc: "eve@outside.example", subject: `Re: [#${t.reference}]`, body: "And Eve." }), {
        from: "uma@customer.example",
        to: ["help@desk.test"],
      });
      expect(await watchersOf(t.id)).toEqual(["uma.team@customer.example"]);
      expect((await heldCopies(t.id)).map((h: any) => h.addresses[0].address)).toEqual(["eve@outside.example"]);
    } finally {
      await smtp.close();
    }
  });

  it("siblings: a closed ticket's follow-up, a stranger's mail with another ticket's tag, and To or Reply-To widen nothing on a tag alone", async () => {
    // A closed ticket's follow-up known only by its tag: the follow-up opens, its copies wait.
    const closed = await newTicket("max@customer.example");
    const resolved = await agent.patch(`/api/tickets/${closed.id}`, { version: closed.version, status: "resolved", resolution_note: "Done", root_cause: "Cable" });
    await agent.patch(`/api/tickets/${closed.id}`, { version: resolved.body.version, status: "closed" });
    const follow = await ingest(message({ from: "max@customer.example", cc: "eve@outside.example", subject: `Re: [#${closed.reference}] again`, body: "It is back." }));
    expect(follow.outcome).toBe("ticket");
    const followId = (follow as any).ticketId;
    expect(followId).not.toBe(closed.id);
    expect(await watchersOf(followId)).toEqual([]);
    expect((await heldCopies(followId))[0]).toMatchObject({ reason: "tag_only", addresses: [{ address: "eve@outside.example" }] });

    // A stranger typing another ticket's tag gets a ticket of their own; the people copied wait.
    const other = await newTicket("nia@customer.example");
    const stranger = await ingest(
      message({ from: "mallory@evil.example", to: "help@desk.test, nia@customer.example", cc: "eve@outside.example", subject: `[#${other.reference}] about Nia's laptop` }),
    );
    expect(stranger.outcome).toBe("ticket");
    const strangerId = (stranger as any).ticketId;
    expect(strangerId).not.toBe(other.id);
    expect(await watchersOf(strangerId)).toEqual([]);
    expect((await heldCopies(strangerId))[0]).toMatchObject({ reason: "tagged_new_ticket" });
    expect(await watchersOf(other.id)).toEqual([]);

    // Threaded by a Message-ID Tessera knows but did not sign (here the request's own): the
    // reply is taken, the people it copies in wait.
    const threaded = await ingest(message({ from: "rio@customer.example", subject: "Rio's screen", messageId: "<rio-1@customer.example>", body: "Screen is dead." }));
    const unsigned = await ingest(message({ from: "rio@customer.example", references: "<rio-1@customer.example>", cc: "eve@outside.example", subject: "Re: Rio's screen", body: "Eve should know." }));
    expect(unsigned).toMatchObject({ outcome: "reply", ticketId: (threaded as any).ticketId });
    expect(await watchersOf((threaded as any).ticketId)).toEqual([]);
    expect((await heldCopies((threaded as any).ticketId))[0]).toMatchObject({ reason: "unsigned_thread" });

    // Reply-To is never a way in: the agent's reply goes to the requester's own address.
    const t = await newTicket("ola@customer.example");
    await ingest(message({ from: "ola@customer.example", headers: ["Reply-To: eve@outside.example"], subject: `Re: [#${t.reference}]`, body: "Answer me here." }));
    await publicReply(t.id, "Done.");
    expect(await repliesMailedTo(t.id)).toEqual(["ola@customer.example"]);

    // An ordinary new request still makes the people in its To and Cc watchers at once.
    const fresh = await ingest(message({ from: "pia@customer.example", cc: "pia.boss@customer.example", subject: "New laptop for Pia" }));
    expect(await watchersOf((fresh as any).ticketId)).toEqual(["pia.boss@customer.example"]);
  });

  it("reads Authentication-Results as RFC 8601 writes them: comments, quoted values, several results", () => {
    const h = parseAuthResults('mx.desk.test 1; (checked) spf=pass smtp.mailfrom=a@b.example; dkim=pass (good sig) header.d="b.example"; DMARC=PASS (p=none) header.from=B.example');
    expect(h).toMatchObject({
      authservId: "mx.desk.test",
      results: [
        { method: "spf", result: "pass" },
        { method: "dkim", props: { "header.d": "b.example" } },
        { method: "dmarc", result: "pass", props: { "header.from": "B.example" } },
      ],
    });
    const raw = (headers: string) => Buffer.from(`${headers}From: a@b.example\r\nSubject: x\r\n\r\nAuthentication-Results: mx.desk.test; dmarc=pass header.from=b.example\r\n`);
    // Folded over two lines; the id is matched without regard to case.
    expect(dmarcPassed(raw("Authentication-Results: MX.desk.test;\r\n\tdmarc=pass header.from=b.example\r\n"), "a@b.example", [TRUSTED])).toBe(true);
    // A header in the body is no header; no trusted id configured trusts nothing.
    expect(dmarcPassed(raw(""), "a@b.example", [TRUSTED])).toBe(false);
    expect(dmarcPassed(raw("Authentication-Results: mx.desk.test; dmarc=pass header.from=b.example\r\n"), "a@b.example", [])).toBe(false);
    // A huge header of junk is read no further than any real one reaches.
    expect(dmarcPassed(raw(`Authentication-Results: mx.desk.test; ${"a".repeat(200_000)}\r\n`), "a@b.example", [TRUSTED])).toBe(false);
    expect(parseAuthResults('mx.desk.test; dmarc = pass header.from = "b.example"')?.results[0]).toMatchObject({ method: "dmarc", result: "pass", props: { "header.from": "b.example" } });
  });
});
