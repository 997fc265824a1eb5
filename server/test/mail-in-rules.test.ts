import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { message, sentNotification } from "./support/mail.ts";
import { closeParser, ingestMessage } from "../src/mail/in/ingest.ts";

/** Dedupe, threading, trust (the ticket trick), closed tickets, poison and failed mail. */
describe.each(dialects)("inbound mail rules on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, otherAgent: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_MAIL_PARSE_TIMEOUT_MS: "3000", TESSERA_MAIL_PARSERS: "2" });
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId], email: "sam.agent@desk.test", name: "Sam Agent" });
    otherAgent = await desk.user("agent", { teams: [teamId], email: "ana.agent@desk.test", name: "Ana Agent" });
    await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId });
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
  });

  // Then the mail it calls for is queued, as a running node's mail notifications consumer does at once.
  const ingest = async (raw: Buffer, kind: "pipe" | "imap" | "smtp" = "pipe") => {
    const outcome = await ingestMessage(desk.ctx, raw, { kind });
    await desk.drain();
    return outcome;
  };
  let n = 0;
  async function newTicket(from = "Kim <kim@customer.example>", extra: Parameters<typeof message>[0] = {}) {
    const r = await ingest(message({ from, subject: `Request ${++n}`, messageId: `<req-${n}-${Date.now()}@customer.example>`, ...extra }));
    expect(r.outcome).toBe("ticket");
    const id = (r as { ticketId: number }).ticketId;
    return (await agent.get(`/api/tickets/${id}`)).body;
  }
  const comments = async (id: number) => (await agent.get(`/api/tickets/${id}/comments`)).body;

  it("takes the same message once, however often it arrives, and without a Message-ID derives one from its content", async () => {
    const raw = message({ from: "kim@customer.example", subject: "Delivered three times", messageId: "<thrice@customer.example>" });
    const first = await ingest(raw, "smtp");
    const again = await ingest(raw, "imap");
    const raced = await Promise.all([ingest(raw), ingest(raw)]);
    expect(first).toMatchObject({ outcome: "ticket", duplicate: false });
    for (const r of [again, ...raced]) expect(r).toMatchObject({ outcome: "ticket", duplicate: true, ticketId: (first as any).ticketId });

    const noId = message({ from: "kim@customer.example", subject: "No Message-ID at all" });
    const a = await ingest(noId);
    const b = await ingest(noId);
    expect(b).toMatchObject({ duplicate: true, ticketId: (a as any).ticketId });
    expect((await agent.get("/api/tickets/count?q=Message-ID")).body.count).toBe(1);
  });

  it("keeps a message that reuses a Message-ID with other content, and shows it to agents", async () => {
    const t = await newTicket("kim@customer.example", { messageId: "<reused@customer.example>" });
    const other = message({ from: "kim@customer.example", subject: "Something else entirely", messageId: "<reused@customer.example>", body: "Different words." });
    const r = await ingest(other);
    expect(r).toMatchObject({ outcome: "held", ticketId: t.id });
    const held = (await agent.get("/api/mail/held")).body.find((h: any) => h.ticket.id === t.id);
    expect(held).toMatchObject({ reason: "message_id_reused", subject: "Something else entirely" });
    expect(held.body).toContain("Different words.");
  });

  it("threads by our signed Message-ID, by a received Message-ID, and by the subject tag, but never by the subject alone", async () => {
    const t = await newTicket("Kim <kim@customer.example>", { messageId: "<thread-root@customer.example>" });
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    expect(await ingest(message({ from: "kim@customer.example", subject: "anything", inReplyTo: sent }))).toMatchObject({ outcome: "reply", ticketId: t.id });
    expect(await ingest(message({ from: "kim@customer.example", subject: "anything", references: "<thread-root@customer.example>" }))).toMatchObject({ outcome: "reply", ticketId: t.id });
    expect(await ingest(message({ from: "kim@customer.example", subject: `Re: [#${t.reference}] more` }))).toMatchObject({ outcome: "reply", ticketId: t.id });
    const sameSubject = await ingest(message({ from: "kim@customer.example", subject: t.subject }));
    expect(sameSubject.outcome).toBe("ticket");
    expect((sameSubject as any).ticketId).not.toBe(t.id);
    // A tag with the wrong type prefix is not this ticket's tag.
    const wrongPrefix = t.reference.startsWith("INC") ? t.reference.replace("INC", "REQ") : t.reference.replace(/^[A-Z]+/, "INC");
    expect((await ingest(message({ from: "kim@customer.example", subject: `[#${wrongPrefix}]` }))).outcome).toBe("ticket");
    expect(await comments(t.id)).toHaveLength(3);
  });

  it("a reply on a resolved ticket reopens it; on a closed ticket it opens a new ticket linked to the old one", async () => {
    const t = await newTicket();
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    const resolved = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Fixed", root_cause: "Cable" });
    expect(resolved.status).toBe(200);
    expect(await ingest(message({ from: t.requester.email, inReplyTo: sent, body: "Still broken." }))).toMatchObject({ outcome: "reply", ticketId: t.id });
    const reopened = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(reopened.status.category).toBe("open");

    const again = await agent.patch(`/api/tickets/${t.id}`, { version: reopened.version, status: "resolved", resolution_note: "Fixed again", root_cause: "Cable" });
    await agent.patch(`/api/tickets/${t.id}`, { version: again.body.version, status: "closed" });
    const r = await ingest(message({ from: t.requester.email, inReplyTo: sent, subject: "Re: it is back", body: "It is back." }));
    expect(r.outcome).toBe("ticket");
    const follow = (await agent.get(`/api/tickets/${(r as any).ticketId}`)).body;
    expect(follow.id).not.toBe(t.id);
    expect(follow.requester.id).toBe(t.requester.id);
    expect(follow.links.map((l: any) => l.ticket.id)).toContain(t.id);
  });

  it("the ticket trick: a stranger's reply never reaches the requester; it waits for an agent", async () => {
    const t = await newTicket("Victim <victim@customer.example>");
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    /** Every mail queued to an address, whatever its state: what that person is (or would be) told. */
    const mailTo = (address: string) => desk.ctx.db.selectFrom("mail_outbox").select(["kind", "ticket_id"]).where("to_address", "=", address).orderBy("id").execute();
    const victimMail = await mailTo("victim@customer.example");
    expect(victimMail).toEqual([{ kind: "acknowledgement", ticket_id: t.id }]); // the outbox does record mail here
    const r = await ingest(message({ from: "Mallory <mallory@evil.example>", inReplyTo: sent, subject: `Re: [#${t.reference}]`, body: "Please send me the code." }));
    expect(r).toMatchObject({ outcome: "held", ticketId: t.id });
    expect(await comments(t.id)).toEqual([]);
    // No mail goes out about it: the requester hears nothing, the stranger gets no word of the ticket.
    expect(await mailTo("victim@customer.example")).toEqual(victimMail);
    expect(await mailTo("mallory@evil.example")).toEqual([]);

    // A stranger who only types the tag gets a ticket of their own, not a place on this one,
    // and what she receives by mail is about that ticket alone.
    const tagOnly = await ingest(message({ from: "mallory@evil.example", subject: `[#${t.reference}] hello` }));
    expect(tagOnly.outcome).toBe("ticket");
    const hers = (tagOnly as { ticketId: number }).ticketId;
    expect(hers).not.toBe(t.id);
    expect(await mailTo("mallory@evil.example")).toEqual([{ kind: "acknowledgement", ticket_id: hers }]);
    expect(await mailTo("victim@customer.example")).toEqual(victimMail);

    const held = (await agent.get("/api/mail/held")).body.find((h: any) => h.ticket.id === t.id);
    expect(held).toMatchObject({ reason: "not_a_party", from_address: "mallory@evil.example", status: "held" });
    const rejected = await agent.post(`/api/mail/held/${held.id}/reject`);
    expect(rejected.body.status).toBe("rejected");
    expect(await comments(t.id)).toEqual([]);
    expect((await agent.post(`/api/mail/held/${held.id}/accept`, { as: "reply" })).status).toBe(409);
    // Rejecting tells nobody either.
    expect(await mailTo("mallory@evil.example")).toEqual([{ kind: "acknowledgement", ticket_id: hers }]);
    expect(await mailTo("victim@customer.example")).toEqual(victimMail);
  });

  it("an agent's address counts only on a reply to a notification signed for that agent", async () => {
    const t = await newTicket();
    const forSam = await sentNotification(desk.ctx, t.id, agent.user!.id);
    const forAna = await sentNotification(desk.ctx, t.id, otherAgent.user!.id);
    expect(await ingest(message({ from: "Sam Agent <sam.agent@desk.test>", inReplyTo: forSam, body: "Replacing the cable today." }))).toMatchObject({ outcome: "reply" });
    const [c] = await comments(t.id);
    expect(c).toMatchObject({ internal: false, author: { email: "sam.agent@desk.test" } });

    // Sam's address on a reply to Ana's notification, or to a forged one, is a stranger's mail.
    expect(await ingest(message({ from: "sam.agent@desk.test", inReplyTo: forAna, body: "Forged?" }))).toMatchObject({ outcome: "held" });
    const forged = forSam.replace(/\.[0-9a-f]{24}@/, ".000000000000000000000000@");
    expect(await ingest(message({ from: "sam.agent@desk.test", inReplyTo: forged, subject: `[#${t.reference}]`, body: "Forged!" }))).toMatchObject({ outcome: "held" });
    expect(await comments(t.id)).toHaveLength(1);
    const held = (await agent.get("/api/mail/held")).body.filter((h: any) => h.ticket.id === t.id);
    expect(held.map((h: any) => h.reason)).toEqual(["unverified_agent", "unverified_agent"]);
  });

  it("an agent accepts a held reply: the sender becomes a watcher and the message a public reply", async () => {
    const t = await newTicket();
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    await ingest(message({ from: "Colleague <colleague@customer.example>", inReplyTo: sent, body: "Same here on floor 3." }));
    const held = (await agent.get("/api/mail/held")).body.find((h: any) => h.ticket.id === t.id);
    const accepted = await agent.post(`/api/mail/held/${held.id}/accept`, { as: "reply" });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe("accepted_reply");
    const [c] = await comments(t.id);
    expect(c).toMatchObject({ internal: false, author: { email: "colleague@customer.example" } });
    const after = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(after.watchers.map((w: any) => w.email)).toContain("colleague@customer.example");
    // From now on the colleague is a party.
    expect(await ingest(message({ from: "colleague@customer.example", inReplyTo: sent, body: "And now?" }))).toMatchObject({ outcome: "reply" });

    const other = await newTicket();
    const s2 = await sentNotification(desk.ctx, other.id, other.requester.id);
    await ingest(message({ from: "stranger2@else.example", inReplyTo: s2, subject: "Unrelated", body: "My own problem." }));
    const h2 = (await agent.get("/api/mail/held")).body.find((h: any) => h.ticket.id === other.id);
    const asTicket = await agent.post(`/api/mail/held/${h2.id}/accept`, { as: "ticket" });
    expect(asTicket.body.status).toBe("accepted_ticket");
    const created = (await agent.get(`/api/tickets/${asTicket.body.result_ticket_id}`)).body;
    expect(created.requester.email).toBe("stranger2@else.example");
    expect(await comments(other.id)).toEqual([]);
  });

  it("people a party copies on a reply become watchers and get the agent's public replies by mail; a stranger's copies do not", async () => {
    const t = await newTicket("Kim <kim@customer.example>");
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    const r = await ingest(message({ from: "kim@customer.example", inReplyTo: sent, cc: "Lee Boss <lee.boss@customer.example>, help@desk.test", body: "Copying my manager." }));
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    const after = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(after.watchers.map((w: any) => w.email)).toEqual(["lee.boss@customer.example"]);
    expect(after.watchers[0].name).toBe("Lee Boss");
    const history = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(history.find((e: any) => e.field === "watchers")).toMatchObject({ actor: { email: "kim@customer.example" }, via: "email" });

    // The agent's public reply is mailed to the manager too; an internal note is not.
    expect((await agent.post(`/api/tickets/${t.id}/comments`, { body: "A new cable is on its way.", format: "text" })).status).toBe(201);
    expect((await agent.post(`/api/tickets/${t.id}/comments`, { body: "Internal: charge to floor 3.", format: "text", internal: true })).status).toBe(201);
    const outbox = await desk.ctx.db.selectFrom("mail_outbox").select(["kind", "to_address"]).where("ticket_id", "=", t.id).where("kind", "=", "reply").execute();
    expect(outbox.map((o) => o.to_address).sort()).toEqual(["kim@customer.example", "lee.boss@customer.example"]);
    // And the manager is a party now: their own mail is a reply.
    expect(await ingest(message({ from: "lee.boss@customer.example", inReplyTo: sent, body: "Approved." }))).toMatchObject({ outcome: "reply", ticketId: t.id });

    // A stranger copying someone in changes nothing on the ticket, even once the mail is accepted.
    const stranger = await ingest(message({ from: "mallory@evil.example", inReplyTo: sent, cc: "eve@evil.example", body: "Add my friend." }));
    expect(stranger).toMatchObject({ outcome: "held", ticketId: t.id });
    const held = (await agent.get("/api/mail/held")).body.find((h: any) => h.ticket.id === t.id && h.from_address === "mallory@evil.example");
    expect((await agent.post(`/api/mail/held/${held.id}/accept`, { as: "reply" })).status).toBe(200);
    const watchers = (await agent.get(`/api/tickets/${t.id}`)).body.watchers.map((w: any) => w.email);
    expect(watchers).not.toContain("eve@evil.example");
  });

  it("a closed ticket's follow-up from a party keeps the people copied on it as watchers", async () => {
    const t = await newTicket();
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    const resolved = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Fixed", root_cause: "Cable" });
    await agent.patch(`/api/tickets/${t.id}`, { version: resolved.body.version, status: "closed" });
    const r = await ingest(message({ from: t.requester.email, inReplyTo: sent, cc: "desk.neighbour@customer.example", body: "It is back, my neighbour too." }));
    expect(r.outcome).toBe("ticket");
    const follow = (await agent.get(`/api/tickets/${(r as any).ticketId}`)).body;
    expect(follow.watchers.map((w: any) => w.email)).toEqual(["desk.neighbour@customer.example"]);
  });

  it("held mail is not left waiting silently: the assignee is notified in the app, or the team while nobody is assigned", async () => {
    const heldNotes = async (who: Client, ticketId: number) => ((await who.get("/api/notifications?limit=100")).body.items as any[]).filter((x) => x.ticket_id === ticketId && x.kind === "mail_held");

    const unassigned = await newTicket();
    const s1 = await sentNotification(desk.ctx, unassigned.id, unassigned.requester.id);
    expect(await ingest(message({ from: "outsider@else.example", inReplyTo: s1, body: "Me too!" }))).toMatchObject({ outcome: "held" });
    // The ticket came in through the desk's mailbox, so it is the team's: both its agents hear of it.
    for (const who of [agent, otherAgent]) {
      const [note] = await heldNotes(who, unassigned.id);
      expect(note.summary).toContain(unassigned.reference);
      expect(note.summary).toContain("outsider@else.example");
      expect(note.read_at).toBeNull();
    }
    expect(await heldNotes(admin, unassigned.id)).toEqual([]);

    const assigned = await newTicket();
    const s2 = await sentNotification(desk.ctx, assigned.id, assigned.requester.id);
    expect((await agent.patch(`/api/tickets/${assigned.id}`, { version: assigned.version, assignee_id: otherAgent.user!.id })).status).toBe(200);
    expect(await ingest(message({ from: "outsider@else.example", inReplyTo: s2, body: "Any news?" }))).toMatchObject({ outcome: "held" });
    expect(await heldNotes(otherAgent, assigned.id)).toHaveLength(1);
    expect(await heldNotes(agent, assigned.id)).toEqual([]);

    // A party's reply is no held mail: nobody is notified of that kind.
    expect(await ingest(message({ from: assigned.requester.email, inReplyTo: s2, body: "Mine is fine." }))).toMatchObject({ outcome: "reply" });
    expect(await heldNotes(otherAgent, assigned.id)).toHaveLength(1);
  });

  it("lets only agents who can see the ticket download its raw .eml", async () => {
    const t = await newTicket();
    const [m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    const raw = await agent.get(m.raw_url);
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toMatch(/message\/rfc822/);
    expect(raw.text).toContain(`Subject: ${t.subject}`);
    const outsiderTeam = await makeTeam(admin, `Elsewhere ${dialect}`);
    const outsider = await desk.user("agent", { teams: [outsiderTeam] });
    await agent.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId });
    expect((await outsider.get(m.raw_url)).status).toBe(404);
    const requester = await desk.user("requester");
    expect((await requester.get(m.raw_url)).status).toBe(403);
  });

  it("quarantines a message that holds the parser past its time limit while the next message flows, and keeps one that breaks it", async () => {
    // No message is known to hang today's parser, so this desk gives parsing half a second and
    // is sent a large but honest message: about 100 MB of quoted-printable, which takes the
    // parser seconds to decode on any machine. A small message sent right behind it must not wait.
    const slowDesk = await createDesk(dialect, { TESSERA_MAIL_PARSE_TIMEOUT_MS: "500", TESSERA_MAIL_PARSERS: "2", TESSERA_MAIL_MAX_BYTES: String(160 * 1024 * 1024) });
    try {
      const slowAdmin = await slowDesk.user("admin");
      await slowAdmin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: await makeTeam(slowAdmin, "Desk") });
      const line = "=41".repeat(25) + "=\r\n";
      const heavy = Buffer.concat([
        Buffer.from(
          `From: slow@customer.example\r\nTo: help@desk.test\r\nSubject: poison\r\nMessage-ID: <poison@customer.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="P"\r\n\r\n--P\r\nContent-Type: text/plain\r\n\r\nThe log you asked for.\r\n--P\r\nContent-Type: text/plain; name="huge.log"\r\nContent-Disposition: attachment; filename="huge.log"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`,
        ),
        Buffer.from(line.repeat(Math.floor((100 * 1024 * 1024) / line.length))),
        Buffer.from("\r\n--P--\r\n"),
      ]);
      const slowIngest = (raw: Buffer) => ingestMessage(slowDesk.ctx, raw, { kind: "pipe" });
      const bad = slowIngest(heavy);
      const good = await slowIngest(message({ from: "kim@customer.example", subject: "Right behind the poison", messageId: "<behind@customer.example>" }));
      expect(good.outcome).toBe("ticket");
      const quarantined = await bad;
      expect(quarantined).toMatchObject({ outcome: "failed", reason: "quarantined" });
      const kept = (await slowAdmin.get("/api/mail/failed")).body.find((f: any) => f.id === (quarantined as any).failedId);
      expect(kept).toMatchObject({ reason: "quarantined", subject: "poison" });
      expect(await slowDesk.ctx.db.selectFrom("tickets").select("subject").where("subject", "=", "poison").execute()).toEqual([]);
    } finally {
      await closeParser(slowDesk.ctx);
      await slowDesk.close();
    }
    // The MIME of death: tens of thousands of nested parts make the parser give up.
    const depth = 60_000;
    const open = Array.from({ length: depth }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`).join("");
    const broken = await ingest(Buffer.from(`From: mime@customer.example\r\nTo: help@desk.test\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n${open}x\r\n`));
    expect(broken).toMatchObject({ outcome: "failed", reason: "unparseable" });
    const failed = (await admin.get("/api/mail/failed")).body;
    // The parser gave up, but the list still says whose message it is and what about.
    expect(failed.find((f: any) => f.id === (broken as any).failedId)).toMatchObject({ from_address: "mime@customer.example", subject: "nested" });
    expect((await admin.get(`/api/mail/failed/${(broken as any).failedId}/raw`)).text).toContain("Subject: nested");
    expect((await admin.post(`/api/mail/failed/${(broken as any).failedId}/discard`)).body.status).toBe("discarded");
  });

  it("reads an unknown charset only when its bytes prove to be UTF-8; otherwise keeps the message as failed rather than store mojibake", async () => {
    const head = "From: kim@customer.example\r\nTo: help@desk.test\r\nSubject: charset\r\nContent-Type: text/plain; charset=x-klingon-9\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    const utf8 = await ingest(Buffer.concat([Buffer.from(head.replace("charset\r\n", "Sniffed charset\r\n")), Buffer.from("Grüße aus Köln\r\n", "utf8")]));
    expect(utf8.outcome).toBe("ticket");
    expect((await agent.get(`/api/tickets/${(utf8 as any).ticketId}`)).body.description).toContain("Grüße aus Köln");
    const latin1 = await ingest(Buffer.concat([Buffer.from(head.replace("charset\r\n", "Unreadable charset\r\n")), Buffer.from("Gr\xfc\xdfe aus K\xf6ln\r\n", "latin1")]));
    expect(latin1).toMatchObject({ outcome: "failed", reason: "unknown_charset" });
    expect((latin1 as any).message).toMatch(/x-klingon-9/);
  });

  it("re-processes failed mail once its cause is fixed: here, the sender becomes allowed", async () => {
    await admin.post("/api/mailboxes", { address: "vip@desk.test", name: "VIP", restrict_senders: true, allowed_senders: [] });
    const refused = await ingest(message({ from: "newcomer@partner.example", to: "vip@desk.test", subject: "Let me in", messageId: "<newcomer@partner.example>" }));
    expect(refused).toMatchObject({ outcome: "failed", reason: "sender_not_allowed" });
    const id = (refused as any).failedId;
    const stillRefused = await admin.post(`/api/mail/failed/${id}/reprocess`);
    expect(stillRefused.body).toMatchObject({ outcome: "failed", failed: { status: "open", attempts: 2 } });
    const vip = (await admin.get("/api/mailboxes")).body.find((m: any) => m.address === "vip@desk.test");
    await admin.patch(`/api/mailboxes/${vip.id}`, { allowed_senders: ["partner.example"] });
    const through = await admin.post(`/api/mail/failed/${id}/reprocess`);
    expect(through.body).toMatchObject({ outcome: "ticket", failed: { status: "reprocessed" } });
    expect((await agent.get(`/api/tickets/${through.body.ticket_id}`)).body.subject).toBe("Let me in");
    expect((await admin.post(`/api/mail/failed/${id}/discard`)).status).toBe(409);
    expect((await agent.get("/api/mail/failed")).status).toBe(403);
  });

  it("never takes in its own mail coming back, which would answer itself", async () => {
    const t = await newTicket();
    const ours = await sentNotification(desk.ctx, t.id, t.requester.id);
    const bounced = await ingest(message({ from: "Help <help@desk.test>", subject: `[#${t.reference}] Your request was received`, messageId: ours }));
    expect(bounced).toMatchObject({ outcome: "ignored", ticketId: t.id });
    const fromDesk = await ingest(message({ from: "help@desk.test", subject: "Ticket received", messageId: "<desk-ack-1@desk.test>" }));
    expect(fromDesk).toMatchObject({ outcome: "ignored", ticketId: null });
    expect(await comments(t.id)).toEqual([]);
    expect((await agent.get("/api/tickets/count?q=received")).body.count).toBe(0);
  });

  it("breaks loops: a sender flooding the desk gets no more automatic answers", async () => {
    const flood = await createDesk(dialect, { TESSERA_MAIL_LOOP_LIMIT: "3" });
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await ingestMessage(flood.ctx, message({ from: "robot@loop.example", subject: `Ping ${i}`, messageId: `<ping-${i}@loop.example>` }), { kind: "pipe" }));
      const marks = await flood.ctx.db.selectFrom("mail_messages").select(["no_auto_reply", "loop_reason"]).orderBy("id").execute();
      expect(marks.map((m) => m.no_auto_reply)).toEqual([0, 0, 0, 1, 1]);
      expect(marks[4].loop_reason).toMatch(/loop breaker/);
      expect(results.every((r) => r.outcome === "ticket")).toBe(true);
    } finally {
      await closeParser(flood.ctx);
      await flood.close();
    }
  });
});
