/**
 * Outgoing mail, end to end: ticket changes through the API, the outbox delivering over real
 * SMTP to a local catcher, and assertions on what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { SmtpCatcher, type CaughtMail } from "./support/smtp-catcher.ts";
import { deliverDue } from "../src/mail/out/outbox.ts";
import { parseOwnMessageId } from "../src/mail/message-id.ts";
import { addComment } from "../src/tickets/comments.ts";
import { createTicket } from "../src/tickets/create.ts";
import type { Actor } from "../src/auth/actor.ts";

const header = (m: CaughtMail, name: string) => m.headerLines.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
const ids = (v: string | undefined) => (v ?? "").match(/<[^>]+>/g) ?? [];

function multipart(filename: string, content: string, type = "text/plain") {
  const boundary = "----tessera" + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, filename: string, content: string): Promise<number> {
  const m = multipart(filename, content);
  const res = await c.request("POST", "/api/attachments", m.body, m.headers);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
  return res.body.id;
}

const actorOf = (c: Client): Actor => ({ ...c.user!, organization_id: null, team_ids: [], auth: "token" });

describe.each(dialects)("outgoing mail on %s", (dialect) => {
  let catcher: SmtpCatcher;
  let desk: TestDesk;
  let admin: Client, agent: Client, other: Client, requester: Client, colleague: Client;
  let teamId: number;

  // What a change queues reaches the outbox through the mail notifications consumer: run it first, as a running node does.
  const deliver = async () => {
    await desk.drain();
    return deliverDue(desk.ctx);
  };
  const newMail = async (fn: () => Promise<unknown>) => {
    const before = catcher.messages.length;
    await fn();
    await deliver();
    return catcher.messages.slice(before);
  };

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    desk = await createDesk(dialect, {
      ...ALLOW_LOOPBACK,
      TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`,
      TESSERA_MAIL_FROM: "IT Service Desk <help@desk.test>",
      TESSERA_PUBLIC_URL: "https://desk.test",
    });
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId], name: "Alice Agent" });
    other = await desk.user("agent", { teams: [teamId], name: "Oscar Other" });
    requester = await desk.user("requester", { name: "Rita Requester" });
    colleague = await desk.user("requester", { name: "Carl Colleague" });
  });
  afterAll(async () => {
    await desk.close();
    await catcher.stop();
  });

  it("acknowledges a request, then threads two replies under it, each with its own signed, registered Message-ID", async () => {
    const [ack] = await newMail(() => requester.post("/api/tickets", { subject: "Printer on fire", description: "Smoke everywhere.", format: "text" }));
    const t = (await requester.get("/api/tickets?limit=1")).body.items[0];
    expect(ack.envelope.to).toEqual([requester.user!.email]);
    expect(ack.parsed.subject).toBe(`[#${t.reference}] Printer on fire`);
    expect(header(ack, "auto-submitted")).toEqual(["auto-replied"]);
    expect(ack.parsed.text).toContain(t.reference);
    expect(ack.parsed.text).toContain(`https://desk.test/requests/${t.reference}`);
    expect(ack.parsed.from?.value[0]).toMatchObject({ address: "help@desk.test", name: "IT Service Desk" });
    const ackId = ack.parsed.messageId!;
    expect(parseOwnMessageId(desk.ctx.secret, ackId)).toEqual({ ticketId: t.id, recipientUserId: requester.user!.id });
    expect(ack.parsed.inReplyTo).toBeUndefined();

    await agent.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: agent.user!.id });
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Note: SECRET-NOTE-1 the toner vendor is unreliable", internal: true });
    const first = (await newMail(() => agent.post(`/api/tickets/${t.id}/comments`, { body: "We are sending someone with an extinguisher.", format: "text" }))).filter((m) =>
      m.envelope.to.includes(requester.user!.email),
    );
    expect(first).toHaveLength(1);
    const r1 = first[0];
    expect(r1.parsed.subject).toBe(`[#${t.reference}] Printer on fire`);
    expect(r1.parsed.text).toContain("We are sending someone with an extinguisher.");
    expect(r1.parsed.from?.value[0].name).toBe("Alice Agent (IT Service Desk)");
    expect(header(r1, "auto-submitted")).toEqual([]);
    expect(r1.parsed.inReplyTo).toBe(ackId);
    expect(ids(header(r1, "references")[0])).toEqual([ackId]);

    const [r2] = await newMail(() => agent.post(`/api/tickets/${t.id}/comments`, { body: "It is out. Please confirm the printer works.", format: "text" }));
    expect(r2.parsed.inReplyTo).toBe(r1.parsed.messageId);
    expect(ids(header(r2, "references")[0])).toEqual([ackId, r1.parsed.messageId]);
    expect(new Set([ackId, r1.parsed.messageId, r2.parsed.messageId]).size).toBe(3);

    const registered = await desk.ctx.db.selectFrom("mail_thread_ids").selectAll().where("ticket_id", "=", t.id).execute();
    expect(registered.map((r) => r.message_id).sort()).toEqual([ackId, r1.parsed.messageId, r2.parsed.messageId].sort());
    expect(registered.every((r) => r.direction === "out")).toBe(true);
    expect(registered.find((r) => r.message_id === r1.parsed.messageId)?.comment_id).not.toBeNull();
  });

  it("sends an agent's reply to the requester and each person copied in, never to the agent who wrote it, with its attachments", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Shared drive full" })).body;
    await agent.patch(`/api/tickets/${t.id}`, { version: t.version, watcher_ids: [colleague.user!.id, other.user!.id] });
    await deliver();
    const file = await upload(agent, "cleanup-steps.txt", "1. delete old backups");
    const mails = await newMail(() => agent.post(`/api/tickets/${t.id}/comments`, { body: "Steps attached.", format: "text", attachment_ids: [file] }));
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual([requester.user!.email, colleague.user!.email, other.user!.email].sort());
    for (const m of mails) {
      expect(m.envelope.to).toHaveLength(1);
      expect(m.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([["cleanup-steps.txt", "1. delete old backups"]]);
    }
    expect(new Set(mails.map((m) => m.parsed.messageId)).size).toBe(3);
    expect(catcher.to(agent.user!.email).filter((m) => m.parsed.subject?.includes("Shared drive full"))).toEqual([]);
  });

  it("never lets an internal note reach a requester: not in a body, not quoted, not as an attachment", async () => {
    const created = (await requester.post("/api/tickets", { subject: "Laptop stolen" })).body;
    const t = (await agent.patch(`/api/tickets/${created.id}`, { version: created.version, watcher_ids: [colleague.user!.id] })).body;
    const secretFile = await upload(agent, "SECRET-FILE.txt", "SECRET-ATTACHMENT-CONTENT");
    const mails = await newMail(async () => {
      await agent.post(`/api/tickets/${t.id}/comments`, { body: "SECRET-NOTE-2: police report number 4711", internal: true, attachment_ids: [secretFile] });
      await agent.post(`/api/tickets/${t.id}/comments`, { body: `@${other.user!.email} SECRET-NOTE-3 can you wipe it remotely?`, format: "text", internal: true });
      await agent.post(`/api/tickets/${t.id}/comments`, { body: "We have locked the device.", format: "text" });
      const cur = (await agent.get(`/api/tickets/${t.id}`)).body;
      await agent.patch(`/api/tickets/${t.id}`, { version: cur.version, status: "resolved", resolution_note: "Device locked and replaced.", root_cause: "Theft" });
    });
    const toRequesterSide = mails.filter((m) => m.envelope.to.includes(requester.user!.email) || m.envelope.to.includes(colleague.user!.email));
    expect(toRequesterSide.length).toBeGreaterThanOrEqual(3);
    for (const m of toRequesterSide) {
      expect(m.raw).not.toMatch(/SECRET/);
      expect(m.parsed.attachments).toEqual([]);
    }
    // The mentioned agent does get the note.
    const mention = mails.filter((m) => m.envelope.to.includes(other.user!.email));
    expect(mention).toHaveLength(1);
    expect(mention[0].parsed.text).toContain("SECRET-NOTE-3");
  });

  it("sends the requester a resolution notice whose confirm and not-fixed links work without signing in", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Wi-Fi slow", type: "service_request" })).body;
    await deliver();
    const mails = await newMail(() => agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Moved you to the 5 GHz network." }));
    expect(mails).toHaveLength(1);
    const m = mails[0];
    expect(m.envelope.to).toEqual([requester.user!.email]);
    expect(m.parsed.subject).toBe(`[#${t.reference}] Resolved: Wi-Fi slow`);
    expect(header(m, "auto-submitted")).toEqual(["auto-generated"]);
    expect(m.parsed.text).toContain("Moved you to the 5 GHz network.");
    const confirm = new RegExp(`https://desk\\.test/answer/${t.reference}\\?token=([0-9a-f]{64})&action=confirm`).exec(m.parsed.text ?? "");
    expect(confirm, m.parsed.text).not.toBeNull();
    const token = confirm![1];
    expect(m.parsed.html).toContain(`href="https://desk.test/answer/${t.reference}?token=${token}&amp;action=reopen"`);

    // Opening the link changes nothing; it shows what the mail showed.
    const visitor = desk.anonymous();
    const shown = await visitor.get(`/api/answers/${t.reference}?token=${token}`);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body).toMatchObject({ reference: t.reference, subject: "Wi-Fi slow", resolution_note: "Moved you to the 5 GHz network.", can_answer: true, outcome: "waiting" });
    // A wrong token, or the right token on another ticket, opens nothing, and says the same as a ticket that does not exist.
    const other = (await requester.post("/api/tickets", { subject: "Another one" })).body;
    for (const url of [`/api/answers/${t.reference}?token=${"0".repeat(64)}`, `/api/answers/${other.reference}?token=${token}`, `/api/answers/REQ-999999?token=${token}`]) {
      const res = await visitor.get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.error.message).toMatch(/link/i);
    }
    // "Not fixed" needs a word on what is still wrong.
    const bare = await visitor.post(`/api/answers/${t.reference}`, { token, action: "reopen" });
    expect(bare.status).toBe(400);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.status.category).toBe("resolved");

    const answered = await visitor.post(`/api/answers/${t.reference}`, { token, action: "confirm", comment: "Fast again, thanks!" });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body).toMatchObject({ can_answer: false, outcome: "closed" });
    const after = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(after.status.category).toBe("closed");
    // The audit says the requester did it, and their words are on the ticket.
    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body as Array<{ action: string; actor: { id: number } | null }>;
    expect(events.filter((e) => e.action === "status_changed").at(-1)?.actor?.id).toBe(requester.user!.id);
    const comments = (await agent.get(`/api/tickets/${t.id}/comments`)).body as Array<{ body: string }>;
    expect(comments.at(-1)?.body).toContain("Fast again, thanks!");
    // The link does not act twice.
    const again = await visitor.post(`/api/answers/${t.reference}`, { token, action: "reopen", comment: "again" });
    expect(again.status).toBe(422);
    expect((await visitor.get(`/api/answers/${t.reference}?token=${token}`)).body.outcome).toBe("closed");
  });

  it("tells the requester when a resolved request is closed automatically", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Monitor flickers", type: "service_request" })).body;
    const resolved = (await agent.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "New cable." })).body;
    await deliver();
    const { updateTicket } = await import("../src/tickets/update.ts");
    const mails = await newMail(() =>
      desk.ctx.db.transaction().execute((trx) => updateTicket({ ...desk.ctx, db: trx }, actorOf(admin), t.id, { status: "closed" }, resolved.version, { via: "auto_close" })),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0].envelope.to).toEqual([requester.user!.email]);
    expect(mails[0].parsed.subject).toBe(`[#${t.reference}] Closed: Monitor flickers`);
  });

  it("tells agents when they are assigned or mentioned, with a link into the workspace, but not about their own doing", async () => {
    const t = (await requester.post("/api/tickets", { subject: "VPN certificate expired" })).body;
    await deliver();
    const assigned = await newMail(() => other.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: agent.user!.id }));
    expect(assigned).toHaveLength(1);
    expect(assigned[0].envelope.to).toEqual([agent.user!.email]);
    expect(assigned[0].parsed.subject).toBe(`[#${t.reference}] Assigned to you: VPN certificate expired`);
    expect(assigned[0].parsed.text).toContain(`https://desk.test/agent/tickets/${t.reference}`);
    expect(header(assigned[0], "auto-submitted")).toEqual(["auto-generated"]);

    const self = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(await newMail(() => agent.patch(`/api/tickets/${t.id}`, { version: self.version, assignee_id: agent.user!.id === self.assignee?.id ? other.user!.id : agent.user!.id }))).toHaveLength(1);
    const mention = await newMail(() => agent.post(`/api/tickets/${t.id}/comments`, { body: `@${other.user!.email} and @${agent.user!.email} please look`, format: "text", internal: true }));
    expect(mention.map((m) => m.envelope.to[0])).toEqual([other.user!.email]);
    expect(mention[0].parsed.subject).toBe(`[#${t.reference}] Alice Agent mentioned you: VPN certificate expired`);
  });

  it("folds CR/LF in subjects and names, so hostile input never becomes a header", async () => {
    await desk.ctx.db.updateTable("users").set({ name: "Eve\r\nBcc: victim@evil.test\r\nX-Injected: name" }).where("id", "=", requester.user!.id).execute();
    await desk.ctx.db.updateTable("users").set({ name: "Mallory\nCc: boss@evil.test" }).where("id", "=", agent.user!.id).execute();
    try {
      const created = await newMail(() => requester.post("/api/tickets", { subject: "Help\r\nBcc: victim@evil.test\r\nX-Injected: subject\nContent-Type: text/html" }));
      const t = (await requester.get("/api/tickets?limit=1")).body.items[0];
      const replies = await newMail(() => agent.post(`/api/tickets/${t.id}/comments`, { body: "Hello", format: "text" }));
      for (const m of [...created, ...replies]) {
        expect(m.envelope.to).toEqual([requester.user!.email]);
        expect(m.headerLines.map(([n]) => n)).not.toContain("bcc");
        expect(m.headerLines.map(([n]) => n)).not.toContain("cc");
        expect(m.headerLines.map(([n]) => n)).not.toContain("x-injected");
        expect(m.headerLines.filter(([n]) => n === "content-type")).toHaveLength(1);
        expect(m.parsed.subject).toMatch(/^\[#[A-Z]+-\d+\] Help Bcc: victim@evil\.test X-Injected: subject Content-Type: text\/html$/);
        expect(m.parsed.to && !Array.isArray(m.parsed.to) ? m.parsed.to.value.map((v) => v.address) : []).toEqual([requester.user!.email]);
      }
      expect(replies[0].parsed.from?.value[0].name).toBe("Mallory Cc: boss@evil.test (IT Service Desk)");
    } finally {
      await desk.ctx.db.updateTable("users").set({ name: "Rita Requester" }).where("id", "=", requester.user!.id).execute();
      await desk.ctx.db.updateTable("users").set({ name: "Alice Agent" }).where("id", "=", agent.user!.id).execute();
    }
  });

  it("sends nothing for a change marked no_auto_reply (auto-submitted mail, bounces, imported history)", async () => {
    const before = await desk.ctx.db
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const mails = await newMail(() =>
      desk.ctx.db.transaction().execute(async (trx) => {
        const tx = { ...desk.ctx, db: trx };
        const t = await createTicket(tx, actorOf(requester), { subject: "Out of office: re your request", description: "", format: "text" }, { via: "email", channel: "email", noAutoReply: true });
        await addComment(tx, actorOf(agent), t, { body: "imported answer", format: "text", internal: false }, { via: "email", noAutoReply: true });
      }),
    );
    expect(mails).toEqual([]);
    const after = await desk.ctx.db
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("caps automatic answers per address and hour, and never answers system addresses", async () => {
    expect((await admin.put("/api/mail/settings", { auto_reply_per_hour: 2 })).status).toBe(200);
    const flooder = await desk.user("requester", { email: "flood@example.test" });
    const mails = await newMail(async () => {
      for (const n of [1, 2, 3, 4]) await flooder.post("/api/tickets", { subject: `Flood ${n}` });
    });
    expect(mails).toHaveLength(2);
    const suppressed = (await admin.get("/api/mail/outbox?state=suppressed")).body.items.filter((i: any) => i.to.address === "flood@example.test");
    expect(suppressed).toHaveLength(2);
    expect(suppressed[0].skip_reason).toMatch(/rate limit/);

    // An hour later the address gets answers again.
    desk.clock.advance(3_600_000);
    expect(await newMail(() => flooder.post("/api/tickets", { subject: "Flood 5" }))).toHaveLength(1);

    const daemon = await newMail(() => agent.post("/api/tickets", { subject: "Undeliverable: your message", requester: { email: "MAILER-DAEMON@example.test" } }));
    expect(daemon).toEqual([]);
    const row = (await admin.get("/api/mail/outbox?state=suppressed")).body.items.find((i: any) => i.to.address === "mailer-daemon@example.test");
    expect(row.skip_reason).toMatch(/system address/);
    await admin.put("/api/mail/settings", { auto_reply_per_hour: 10 });
  });

  it("retries with exponential backoff when the mail server says try later, then sends once", async () => {
    catcher.tempFailNext = 2;
    const before = catcher.messages.length;
    const t = (await requester.post("/api/tickets", { subject: "Greylisted" })).body;
    const row = () => desk.ctx.db.selectFrom("mail_outbox").selectAll().where("ticket_id", "=", t.id).executeTakeFirstOrThrow();

    expect((await deliver()).retrying).toBe(1);
    let r = await row();
    expect(r).toMatchObject({ state: "queued", attempts: 1 });
    expect(r.last_error).toMatch(/451|try again/i);
    expect(Date.parse(r.next_attempt_at) - desk.clock.now().getTime()).toBe(30_000);
    const firstId = r.message_id;

    expect((await deliver()).claimed).toBe(0);
    desk.clock.advance(30_000);
    expect((await deliver()).retrying).toBe(1);
    r = await row();
    expect(r.attempts).toBe(2);
    expect(Date.parse(r.next_attempt_at) - desk.clock.now().getTime()).toBe(60_000);

    desk.clock.advance(60_000);
    expect((await deliver()).sent).toBe(1);
    r = await row();
    expect(r).toMatchObject({ state: "sent", attempts: 3, last_error: null, message_id: firstId });
    const arrived = catcher.messages.slice(before);
    expect(arrived).toHaveLength(1);
    expect(arrived[0].parsed.messageId).toBe(firstId);
  });

  it("tells the requester in the acknowledgement when to expect a first response, from the ticket's SLA", async () => {
    const calendar = (await admin.get("/api/sla/calendars")).body.find((c: any) => c.is_default);
    const policy = await admin.post("/api/sla/policies", {
      name: "Mail test",
      calendar_id: calendar.id,
      targets: Object.fromEntries(["P1", "P2", "P3", "P4"].map((p) => [p, { first_response: 60 }])),
    });
    expect(policy.status).toBe(201);
    try {
      const [ack] = await newMail(() => requester.post("/api/tickets", { subject: "When will you answer?" }));
      const due = new Date(desk.clock.now().getTime() + 60 * 60_000);
      const words = new Intl.DateTimeFormat("en-GB", {
        weekday: "short",
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: calendar.time_zone,
        timeZoneName: "short",
      }).format(due);
      expect(ack.parsed.text).toContain(`You can expect a first response by ${words}.`);
    } finally {
      await admin.delete(`/api/sla/policies/${policy.body.id}`);
    }
  });

  it("marks a refused message failed for admins, who can send it again", async () => {
    catcher.rejectNext = 1;
    const t = (await requester.post("/api/tickets", { subject: "Refused" })).body;
    expect((await deliver()).failed).toBe(1);
    const failed = (await admin.get(`/api/mail/outbox?state=failed&ticket_id=${t.id}`)).body.items;
    expect(failed).toHaveLength(1);
    expect(failed[0].last_error).toMatch(/550|unavailable/i);
    const status = (await admin.get("/api/mail/status")).body;
    expect(status.smtp_configured).toBe(true);
    expect(status.counts.failed).toBeGreaterThanOrEqual(1);
    expect(status.last_error.outbox_id).toBe(failed[0].id);

    expect((await agent.post(`/api/mail/outbox/${failed[0].id}/retry`)).status).toBe(403);
    const retried = await admin.post(`/api/mail/outbox/${failed[0].id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: "queued", attempts: 0 });
    const again = await admin.post(`/api/mail/outbox/${failed[0].id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/only a failed message/i);
    const mails = await newMail(async () => {});
    expect(mails.map((m) => m.parsed.subject)).toEqual([`[#${t.reference}] Refused`]);
    expect((await admin.get("/api/mail/status")).body.last_delivery_at).not.toBeNull();
  });
});
