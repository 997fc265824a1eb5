/**
 * Reply drafts kept on the server per ticket and agent: they follow the agent to another
 * device, are private to their author, go away when the reply is posted, and the team sees
 * who is drafting in the list and on the ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

async function file(client: Client, subject: string, extra: Record<string, unknown> = {}) {
  const res = await client.post("/api/tickets", { subject, description: "", format: "text", ...extra });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body as { id: number; reference: string };
}

describe.each(dialects)("reply drafts on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, lee: Client, sam: Client, outsider: Client, requester: Client;
  let opsTeam: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    opsTeam = await makeTeam(admin, "Ops");
    const otherTeam = await makeTeam(admin, "Facilities");
    lee = await desk.user("agent", { name: "Lee Park", teams: [opsTeam] });
    sam = await desk.user("agent", { name: "Sam Ortiz", teams: [opsTeam] });
    outsider = await desk.user("agent", { name: "Out Sider", teams: [otherTeam] });
    requester = await desk.user("requester", { name: "Jane Roe" });
  });
  afterAll(() => desk.close());

  const ticketFor = (subject: string) =>
    file(requester, subject).then(async (t) => {
      // In Ops' queue, so the outsider (Facilities) cannot see it.
      const cur = await admin.get(`/api/tickets/${t.id}`);
      const res = await admin.patch(`/api/tickets/${t.id}`, { version: cur.body.version, team_id: opsTeam });
      if (res.status !== 200) throw new Error(`team: ${res.status} ${res.text}`);
      return t;
    });

  it("saves a draft, loads it from another session of the same agent, and replaces it", async () => {
    const t = await ticketFor("Printer jams on tray 2");
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body).toBeNull();

    const saved = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "note", body: "Ask @Sam Ortiz about the rollers", mentions: [{ id: sam.user!.id, name: "Sam Ortiz" }], version: 0 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ticket_id: t.id, mode: "note", body: "Ask @Sam Ortiz about the rollers", mentions: [{ id: sam.user!.id, name: "Sam Ortiz" }], version: 1 });

    // Another device: a browser session of the same agent, found by reference too.
    const browser = await desk.login(lee.user!.email);
    const loaded = await browser.get(`/api/tickets/${t.reference}/draft`);
    expect(loaded.body).toMatchObject({ body: "Ask @Sam Ortiz about the rollers", mode: "note", version: 1 });

    desk.clock.advance(60_000);
    const replaced = await browser.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Hi Jane, try tray 1 for now.", version: 1 });
    expect(replaced.body).toMatchObject({
      mode: "reply",
      body: "Hi Jane, try tray 1 for now.",
      mentions: [],
      version: 2,
      updated_at: new Date(Date.parse(saved.body.updated_at) + 60_000).toISOString(),
    });
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body).toMatchObject({ body: "Hi Jane, try tray 1 for now.", version: 2 });
  });

  it("refuses a save based on an older version and names the stored draft, changing nothing", async () => {
    const t = await ticketFor("VPN drops hourly");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "First", version: 0 });
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Second", version: 1 });
    const stale = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "From a stale tab", version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/changed elsewhere/);
    expect(stale.body.error.details.current).toMatchObject({ body: "Second", version: 2 });
    const again = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Also stale", version: 0 });
    expect(again.status).toBe(409);
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body).toMatchObject({ body: "Second", version: 2 });
    // Without a version the save overwrites.
    expect((await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Third" })).body).toMatchObject({ body: "Third", version: 3 });
  });

  it("keeps each agent's draft to themselves", async () => {
    const t = await ticketFor("Badge reader at door 3");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Lee's words" });
    await sam.put(`/api/tickets/${t.id}/draft`, { mode: "note", body: "Sam's words" });
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Lee's words");
    expect((await sam.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Sam's words");
    expect((await sam.delete(`/api/tickets/${t.id}/draft`)).status).toBe(204);
    expect((await sam.get(`/api/tickets/${t.id}/draft`)).body).toBeNull();
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Lee's words");
  });

  it("refuses requesters and agents who cannot see the ticket, as the rest of the API does", async () => {
    const t = await ticketFor("Monitor flickers");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Secret plan" });
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", { mode: "reply", body: "x" }],
      ["DELETE", undefined],
    ] as const) {
      const asRequester = await requester.request(method, `/api/tickets/${t.id}/draft`, body);
      expect(asRequester.status).toBe(403);
      expect(asRequester.body.error.message).toBe("Only agents can do this.");
      const asOutsider = await outsider.request(method, `/api/tickets/${t.id}/draft`, body);
      expect(asOutsider.status).toBe(404);
    }
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Secret plan");
    // The requester's view of the ticket names no drafts.
    const seen = await requester.get(`/api/tickets/${t.id}`);
    expect(seen.body.drafts).toEqual([]);
    expect((await requester.get(`/api/tickets?limit=200`)).body.items.find((r: any) => r.id === t.id).draft_by).toEqual([]);
  });

  it("refuses a draft longer than a reply may be, or with a mode the composer does not have, with a clear message", async () => {
    const t = await ticketFor("Huge paste");
    const long = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "x".repeat(200_001) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/^body\.body: must be at most 200,000 characters/);
    const atLimit = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "y".repeat(200_000) });
    expect(atLimit.status).toBe(200);
    const tooBig = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "z".repeat(1_100_000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toMatch(/larger than this server accepts/);
    const badMode = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "email", body: "hello" });
    expect(badMode.status).toBe(400);
    expect(badMode.body.error.message).toMatch(/^body\.mode: /);
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("y".repeat(200_000));
  });

  it("deletes the draft when its body is blank", async () => {
    const t = await ticketFor("Blank it");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Something" });
    const blank = await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "   \n " });
    expect(blank.status).toBe(200);
    expect(blank.body).toBeNull();
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body).toBeNull();
  });

  it("drops the author's draft when they post on the ticket, and keeps a teammate's", async () => {
    const t = await ticketFor("Keyboard missing keys");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "We'll send a new one" });
    await sam.put(`/api/tickets/${t.id}/draft`, { mode: "note", body: "Stock is low" });
    const posted = await lee.post(`/api/tickets/${t.id}/comments`, { body: "We'll send a new one", format: "text" });
    expect(posted.status).toBe(201);
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body).toBeNull();
    expect((await sam.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Stock is low");
    // A refused comment leaves the draft alone.
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "note", body: "Kept" });
    expect((await lee.post(`/api/tickets/${t.id}/comments`, { body: "<script></script>", format: "html" })).status).toBe(400);
    expect((await lee.get(`/api/tickets/${t.id}/draft`)).body.body).toBe("Kept");
  });

  it("goes with its ticket", async () => {
    const t = await ticketFor("Removed later");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Bye" });
    // No API deletes tickets; retention or an admin's cleanup removes the row itself.
    await desk.ctx.db.deleteFrom("tickets").where("id", "=", t.id).execute();
    const left = await desk.ctx.db.selectFrom("reply_drafts").select("user_id").where("ticket_id", "=", t.id).execute();
    expect(left).toEqual([]);
  });

  it("shows who is drafting in the ticket and in its list row, without the text", async () => {
    const t = await ticketFor("Laptop fan loud");
    const quiet = await ticketFor("Nobody writes here");
    await lee.put(`/api/tickets/${t.id}/draft`, { mode: "reply", body: "Lee's reply" });
    desk.clock.advance(1_000);
    await sam.put(`/api/tickets/${t.id}/draft`, { mode: "note", body: "Sam's note" });

    const detail = await lee.get(`/api/tickets/${t.id}`);
    expect(detail.body.drafts).toEqual([
      { user: { id: sam.user!.id, name: "Sam Ortiz" }, mode: "note", updated_at: expect.any(String) },
      { user: { id: lee.user!.id, name: "Lee Park" }, mode: "reply", updated_at: expect.any(String) },
    ]);
    expect(JSON.stringify(detail.body)).not.toContain("Sam's note");

    const list = await sam.get(`/api/tickets?limit=200`);
    const row = list.body.items.find((r: any) => r.id === t.id);
    expect(row.draft_by).toEqual([
      { id: lee.user!.id, name: "Lee Park" },
      { id: sam.user!.id, name: "Sam Ortiz" },
    ]);
    expect(list.body.items.find((r: any) => r.id === quiet.id).draft_by).toEqual([]);
    expect(JSON.stringify(list.body)).not.toContain("Lee's reply");

    await lee.post(`/api/tickets/${t.id}/comments`, { body: "Lee's reply", format: "text" });
    const after = await sam.get(`/api/tickets?limit=200`);
    expect(after.body.items.find((r: any) => r.id === t.id).draft_by).toEqual([{ id: sam.user!.id, name: "Sam Ortiz" }]);
    expect((await sam.get(`/api/tickets/${t.id}`)).body.drafts.map((d: any) => d.user.name)).toEqual(["Sam Ortiz"]);
  });
});
