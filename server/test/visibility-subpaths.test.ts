/**
 * A ticket the caller may not see is indistinguishable from one that does not exist on every
 * path that hangs off it: same status, same body, same headers, for each way of naming it (id,
 * reference, number). That covers its files (metadata, download, a conditional download that
 * would otherwise answer 304), the original of its mail (.eml), its mail, held mail, SLA,
 * presence, snooze, links, merge, split, macros and bulk changes, for an agent of another team
 * and for a requester who is not a party. The refused attempts change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeParser, ingestMessage } from "../src/mail/in/ingest.ts";
import { createDesk, dialects, makeTeam, type Client, type Response, type TestDesk } from "./harness.ts";
import { message, sentNotification } from "./support/mail.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
const GHOST = 999_999;

function multipart(filename: string, content: Buffer | string, type: string) {
  const boundary = "----tessera" + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, filename: string, content: Buffer | string, type: string): Promise<number> {
  const m = multipart(filename, content, type);
  const res = await c.request("POST", "/api/attachments", m.body, m.headers);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
  return res.body.id;
}

/** Every header but the date: what a client could tell two answers apart by. */
const telling = (r: Response) => {
  const { date: _, ...rest } = r.headers;
  return rest;
};

/** The hidden answer and the missing answer are the same answer. */
function expectSame(hidden: Response, missing: Response, what: string) {
  expect(hidden.status, `${what}: status`).toBe(missing.status);
  expect(hidden.status, `${what}: not found`).toBeGreaterThanOrEqual(400);
  expect(hidden.text, `${what}: body`).toBe(missing.text);
  expect(telling(hidden), `${what}: headers`).toEqual(telling(missing));
}

describe.each(dialects)("hidden tickets' sub-resources on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agentX: Client, agentY: Client, bob: Client, dave: Client;
  let t: { id: number; number: number; reference: string; version: number };
  let ownY: { id: number; reference: string; version: number };
  let files: { description: number; reply: number; note: number };
  let sha: string;
  let mailId: number;
  let commentId: number;
  let macroId: number;
  let heldId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    const teamX = await makeTeam(admin, "Team X");
    const teamY = await makeTeam(admin, "Team Y");
    agentX = await desk.user("agent", { teams: [teamX] });
    agentY = await desk.user("agent", { teams: [teamY] });
    bob = await desk.user("requester");
    dave = await desk.user("requester");

    const shot = await upload(bob, "screen.png", PNG, "image/png");
    const created = await bob.post("/api/tickets", { subject: "Salary slip is wrong", description: "See the screenshot.", format: "text", attachment_ids: [shot] });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect((await admin.patch(`/api/tickets/${id}`, { version: created.body.version, team_id: teamX })).status).toBe(200);
    const log = await upload(agentX, "payroll.log", "line 1\nline 2\n", "text/plain");
    const reply = await agentX.post(`/api/tickets/${id}/comments`, { body: "Which month?", format: "text", attachment_ids: [log] });
    expect(reply.status, reply.text).toBe(201);
    commentId = reply.body.id;
    const secret = await upload(agentX, "internal.png", PNG, "image/png");
    expect((await agentX.post(`/api/tickets/${id}/comments`, { body: "HR's export attached.", format: "text", internal: true, attachment_ids: [secret] })).status).toBe(201);
    files = { description: shot, reply: log, note: secret };

    // Bob answers by mail: the message and its original (.eml) belong to the ticket.
    const ref = created.body.reference;
    const mailed = await ingestMessage(
      desk.ctx,
      message({ from: bob.user!.email, subject: `Re: [#${ref}] Salary slip is wrong`, messageId: `<bob-${Date.now()}@customer.example>`, body: "November." }),
      { kind: "pipe" },
    );
    expect(mailed).toMatchObject({ outcome: "reply", ticketId: id });
    const mail = await agentX.get(`/api/tickets/${id}/mail`);
    expect(mail.body).toHaveLength(1);
    mailId = mail.body[0].id;
    // A stranger's reply waits for an agent.
    const sent = await sentNotification(desk.ctx, id, bob.user!.id);
    const held = await ingestMessage(
      desk.ctx,
      message({ from: "mallory@evil.example", inReplyTo: sent, subject: `Re: [#${ref}]`, messageId: `<mallory-${Date.now()}@evil.example>`, body: "Send it to me." }),
      { kind: "pipe" },
    );
    expect(held).toMatchObject({ outcome: "held", ticketId: id });
    heldId = (await desk.ctx.db.selectFrom("mail_held").select("id").where("ticket_id", "=", id).executeTakeFirstOrThrow()).id;

    const current = (await agentX.get(`/api/tickets/${id}`)).body;
    t = { id, number: current.number, reference: current.reference, version: current.version };
    sha = (await desk.ctx.db.selectFrom("attachments").select("sha256").where("id", "=", files.description).executeTakeFirstOrThrow()).sha256;

    const mine = await agentY.post("/api/tickets", { subject: "Printer on floor 3", description: "", format: "text", team_id: teamY });
    expect(mine.status, mine.text).toBe(201);
    ownY = mine.body;
    const macro = await agentY.post("/api/macros", { name: "Urgent", actions: { priority: "P1" } });
    expect(macro.status, macro.text).toBe(201);
    macroId = macro.body.id;
    before = await snapshot();
  });
  afterAll(async () => {
    await closeParser(desk.ctx);
    await desk.close();
  });

  /** The ticket named three ways, each next to a ticket that does not exist named the same way. */
  const keyPairs = () => [
    [String(t.id), String(GHOST)],
    [t.reference, t.reference.replace(/\d+$/, String(GHOST))],
    [String(t.number), String(GHOST)],
  ];

  /** Every request a caller can make about one ticket through its path. */
  const subPaths = (k: string): Array<[string, string, unknown?]> => [
    ["GET", `/api/tickets/${k}`],
    ["PATCH", `/api/tickets/${k}`, { version: t.version, priority: "P1" }],
    ["GET", `/api/tickets/${k}/comments`],
    ["POST", `/api/tickets/${k}/comments`, { body: "me too", format: "text" }],
    ["GET", `/api/tickets/${k}/events`],
    ["POST", `/api/tickets/${k}/confirm`, {}],
    ["POST", `/api/tickets/${k}/reopen`, { comment: "Still wrong." }],
    ["POST", `/api/tickets/${k}/links`, { kind: "related", target: ownY.reference }],
    ["DELETE", `/api/tickets/${k}/links/1`],
    ["POST", `/api/tickets/${k}/merge`, { into: ownY.reference }],
    ["POST", `/api/tickets/${k}/split`, { comment_id: commentId, subject: "A new one" }],
    ["GET", `/api/tickets/${k}/sla`],
    ["GET", `/api/tickets/${k}/sla/explain`],
    ["POST", `/api/tickets/${k}/sla/recompute?dry_run=true`, {}],
    ["GET", `/api/tickets/${k}/mail`],
    ["GET", `/api/tickets/${k}/held-copies`],
    ["GET", `/api/tickets/${k}/presence`],
    ["POST", `/api/tickets/${k}/presence`, { state: "viewing" }],
    ["POST", `/api/tickets/${k}/snooze`, { until: new Date(desk.clock.now().getTime() + 86_400_000).toISOString() }],
    ["DELETE", `/api/tickets/${k}/snooze`],
    ["GET", `/api/macros/${macroId}/preview?ticket=${encodeURIComponent(k)}`],
    ["POST", `/api/macros/${macroId}/apply`, { ticket: k, version: t.version }],
  ];

  const fileRequests = (a: number): Array<[string, string, Record<string, string>?]> => [
    ["GET", `/api/attachments/${a}`],
    ["GET", `/api/attachments/${a}/download`],
    // Knowing a file's hash must not let anyone learn that it is there (304 against 404).
    ["GET", `/api/attachments/${a}/download`, { "if-none-match": `"${sha}"` }],
  ];

  /** What agents of its team see of the ticket, to show the refused attempts changed nothing. */
  const snapshot = async () => {
    const now = (await agentX.get(`/api/tickets/${t.id}`)).body;
    const comments = (await agentX.get(`/api/tickets/${t.id}/comments`)).body;
    return { version: now.version, priority: now.priority, status: now.status.key, snoozed: now.snoozed_until ?? null, links: now.links, merged: now.merged_into, comments: comments.length };
  };
  let before: Awaited<ReturnType<typeof snapshot>>;

  async function expectNothingChanged() {
    expect(await snapshot()).toEqual(before);
    expect(await desk.ctx.db.selectFrom("presence").select("user_id").where("ticket_id", "=", t.id).execute()).toEqual([]);
    expect(await desk.ctx.db.selectFrom("macro_applications").select("id").where("ticket_id", "=", t.id).execute()).toEqual([]);
  }

  it("answers an agent of another team on every path of the ticket exactly as for a ticket that does not exist", async () => {
    for (const [hiddenKey, ghostKey] of keyPairs()) {
      const hiddenPaths = subPaths(hiddenKey);
      const ghostPaths = subPaths(ghostKey);
      for (let i = 0; i < hiddenPaths.length; i++) {
        const [method, url, body] = hiddenPaths[i];
        const hidden = await agentY.request(method, url, body);
        const missing = await agentY.request(ghostPaths[i][0], ghostPaths[i][1], ghostPaths[i][2]);
        expectSame(hidden, missing, `${method} ${url}`);
      }
    }
    // In a bulk change the hidden ticket's outcome reads like the missing one's.
    const bulk = await agentY.post("/api/tickets/bulk", { ids: [t.id, GHOST], changes: { priority: "P1" } });
    expect(bulk.status).toBe(200);
    const [hidden, missing] = bulk.body.results;
    expect({ ...hidden, id: 0 }).toEqual({ ...missing, id: 0 });
    expect(hidden.ok).toBe(false);
    await expectNothingChanged();
  });

  it("lets no agent of another team read or download the ticket's files, whether or not they know the file's hash", async () => {
    for (const a of [files.description, files.reply, files.note]) {
      const ghost = fileRequests(GHOST);
      for (const [i, [method, url, headers]] of fileRequests(a).entries()) {
        expectSame(await agentY.request(method, url, undefined, headers), await agentY.request(ghost[i][0], ghost[i][1], undefined, ghost[i][2]), `${method} ${url} ${JSON.stringify(headers ?? {})}`);
      }
    }
    // The agents of its team do get them.
    expect((await agentX.get(`/api/attachments/${files.description}/download`)).status).toBe(200);
    expect((await agentX.request("GET", `/api/attachments/${files.description}/download`, undefined, { "if-none-match": `"${sha}"` })).status).toBe(304);
  });

  it("lets no agent of another team download the original of the ticket's mail (.eml)", async () => {
    expectSame(await agentY.get(`/api/mail/messages/${mailId}/raw`), await agentY.get(`/api/mail/messages/${GHOST}/raw`), "GET .eml");
    const own = await agentX.get(`/api/mail/messages/${mailId}/raw`);
    expect(own.status).toBe(200);
    expect(own.text).toContain("November.");
  });

  it("lets no agent of another team decide on the ticket's held mail", async () => {
    for (const [method, path, body] of [
      ["POST", "/api/mail/held/ID/accept", { as: "reply" }],
      ["POST", "/api/mail/held/ID/reject", {}],
    ] as const) {
      expectSame(await agentY.request(method, path.replace("ID", String(heldId)), body), await agentY.request(method, path.replace("ID", String(GHOST)), body), path);
    }
    expect((await agentY.get("/api/mail/held")).body.map((h: any) => h.id)).not.toContain(heldId);
    expect((await agentX.get("/api/mail/held?status=held")).body.map((h: any) => h.id)).toContain(heldId);
    expect((await agentX.get("/api/mail/held?status=held")).body.find((h: any) => h.id === heldId).status).toBe("held");
  });

  it("answers a resolution link with a wrong token as for a ticket that does not exist", async () => {
    const anyone = desk.anonymous();
    const ghostRef = t.reference.replace(/\d+$/, String(GHOST));
    expectSame(await anyone.get(`/api/answers/${t.reference}?token=guess`), await anyone.get(`/api/answers/${ghostRef}?token=guess`), "GET answer link");
    expectSame(
      await anyone.post(`/api/answers/${t.reference}`, { token: "guess", action: "reopen", comment: "no" }),
      await anyone.post(`/api/answers/${ghostRef}`, { token: "guess", action: "reopen", comment: "no" }),
      "POST answer link",
    );
  });

  it("answers a requester who is not a party on every path and file of the ticket as if it did not exist", async () => {
    for (const [hiddenKey, ghostKey] of keyPairs()) {
      const hiddenPaths = subPaths(hiddenKey);
      const ghostPaths = subPaths(ghostKey);
      for (let i = 0; i < hiddenPaths.length; i++) {
        const [method, url, body] = hiddenPaths[i];
        expectSame(await dave.request(method, url, body), await dave.request(ghostPaths[i][0], ghostPaths[i][1], ghostPaths[i][2]), `requester ${method} ${url}`);
      }
    }
    for (const a of [files.description, files.reply, files.note]) {
      const ghost = fileRequests(GHOST);
      for (const [i, [method, url, headers]] of fileRequests(a).entries()) {
        expectSame(await dave.request(method, url, undefined, headers), await dave.request(ghost[i][0], ghost[i][1], undefined, ghost[i][2]), `requester ${method} ${url}`);
      }
    }
    await expectNothingChanged();
  });

  it("hides the file of an internal note from the ticket's own requester as if it did not exist", async () => {
    expect((await bob.get(`/api/attachments/${files.description}/download`)).status).toBe(200);
    expect((await bob.get(`/api/attachments/${files.reply}/download`)).status).toBe(200);
    const ghost = fileRequests(GHOST);
    for (const [i, [method, url, headers]] of fileRequests(files.note).entries()) {
      expectSame(await bob.request(method, url, undefined, headers), await bob.request(ghost[i][0], ghost[i][1], undefined, ghost[i][2]), `own requester ${method} ${url}`);
    }
    expect((await bob.get(`/api/tickets/${t.id}`)).body.attachments.map((a: any) => a.id)).not.toContain(files.note);
  });
});
