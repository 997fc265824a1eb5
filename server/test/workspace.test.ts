import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

describe.each(dialects)("agent workspace API on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, sam: Client, ana: Client, outsider: Client, requester: Client;
  let teamId: number, otherTeam: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Network");
    otherTeam = await makeTeam(admin, "Facilities");
    sam = await desk.user("agent", { teams: [teamId], name: "Sam Rivera" });
    ana = await desk.user("agent", { teams: [teamId], name: "Ana Costa" });
    outsider = await desk.user("agent", { teams: [otherTeam] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  const unread = async (c: Client) => (await c.get("/api/notifications?unread=true")).body;

  it("notifies an agent who is assigned, mentioned, or whose requester replies, and lets them mark it read", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Switch port dead" })).body;
    const assigned = await sam.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: ana.user!.id });
    expect(assigned.status).toBe(200);
    await sam.post(`/api/tickets/${t.id}/comments`, { body: `<p>Ask <span data-mention-id="${ana.user!.id}">@Ana</span></p>`, internal: true });
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Still dead", format: "text" });

    const mine = await unread(ana);
    expect(mine.items.map((n: any) => n.kind).sort()).toEqual(["assigned", "mention", "requester_reply"]);
    expect(mine.unread_count).toBe(3);
    expect(mine.items[0].summary).toContain(t.reference);
    expect((await unread(sam)).unread_count).toBe(0); // nobody is told about their own actions

    expect((await ana.post(`/api/notifications/${mine.items[0].id}/read`)).status).toBe(204);
    expect((await unread(ana)).unread_count).toBe(2);
    expect((await sam.post(`/api/notifications/${mine.items[1].id}/read`)).status).toBe(404);
    await ana.post("/api/notifications/read-all");
    expect((await unread(ana)).unread_count).toBe(0);
  });

  it("counts tickets with the list's filters and only those the caller may see", async () => {
    await requester.post("/api/tickets", { subject: "Count me" });
    const all = (await admin.get("/api/tickets/count")).body.count;
    const listed = (await admin.get("/api/tickets?limit=200")).body.items.length;
    expect(all).toBe(listed);
    const none = (await outsider.get(`/api/tickets/count?team=${teamId}`)).body.count;
    expect(none).toBe(0);
    const unassigned = (await sam.get("/api/tickets/count?assignee=none&status_category=new,open")).body.count;
    expect(unassigned).toBeGreaterThan(0);
  });

  it("applies a bulk change ticket by ticket and reports each outcome", async () => {
    const a = (await requester.post("/api/tickets", { subject: "Bulk A" })).body;
    const b = (await requester.post("/api/tickets", { subject: "Bulk B" })).body;
    const hidden = (await outsider.post("/api/tickets", { subject: "Not yours", team_id: otherTeam })).body;
    const res = await sam.post("/api/tickets/bulk", { ids: [a.id, b.id, hidden.id], changes: { team_id: teamId, priority: "P1", add_tags: ["outage"] } });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.results.map((r: any) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ ok: true });
    expect(byId.get(b.id)).toMatchObject({ ok: true });
    expect(byId.get(hidden.id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    const after = (await sam.get(`/api/tickets/${a.id}`)).body;
    expect(after.priority).toBe("P1");
    expect(after.tags).toEqual(["outage"]);
    expect((await requester.post("/api/tickets/bulk", { ids: [a.id], changes: { priority: "P4" } })).status).toBe(403);
  });

  it("saves views, shares them with a team, and keeps them from other teams", async () => {
    const personal = await sam.post("/api/views", { name: "My P1s", filters: { priority: ["P1"], assignee: "me" }, columns: ["priority", "subject"] });
    expect(personal.status).toBe(201);
    const shared = await sam.post("/api/views", { name: "Network queue", filters: { team: String(teamId), status_category: "new,open" }, team_id: teamId });
    expect(shared.status).toBe(201);
    expect((await sam.post("/api/views", { name: "Not mine to share", team_id: otherTeam })).status).toBe(403);
    const bad = await sam.post("/api/views", { name: "Broken", filters: { priority: "P9" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/filters\.priority/);

    expect((await ana.get("/api/views")).body.map((v: any) => v.name)).toEqual(["Network queue"]);
    expect((await outsider.get("/api/views")).body).toEqual([]);
    expect((await ana.patch(`/api/views/${shared.body.id}`, { name: "Mine now" })).status).toBe(403);
    expect((await outsider.delete(`/api/views/${personal.body.id}`)).status).toBe(404);
    expect((await sam.delete(`/api/views/${personal.body.id}`)).status).toBe(204);
  });

  it("shows which agents are on a ticket, and not to requesters", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Presence" })).body;
    await sam.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId });
    expect((await sam.post(`/api/tickets/${t.id}/presence`, { state: "typing" })).status).toBe(204);
    const seen = (await ana.get(`/api/tickets/${t.id}/presence`)).body;
    expect(seen).toEqual([expect.objectContaining({ user: { id: sam.user!.id, name: "Sam Rivera" }, state: "typing" })]);
    expect((await sam.get(`/api/tickets/${t.id}/presence`)).body).toEqual([]); // not yourself
    expect((await outsider.post(`/api/tickets/${t.id}/presence`, { state: "viewing" })).status).toBe(404);
    expect((await requester.post(`/api/tickets/${t.id}/presence`, { state: "viewing" })).status).toBe(403);
    desk.clock.advance(31_000);
    expect((await ana.get(`/api/tickets/${t.id}/presence`)).body).toEqual([]);
    await sam.post(`/api/tickets/${t.id}/presence`, { state: "left" });
  });
});

describe.each(dialects)("live updates on %s", (dialect) => {
  let desk: TestDesk;
  let base: string;
  let admin: Client, agent: Client, outsider: Client, alice: Client, bob: Client;
  let teamId: number, other: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Desk");
    other = await makeTeam(admin, "Other");
    agent = await desk.user("agent", { teams: [teamId] });
    outsider = await desk.user("agent", { teams: [other] });
    alice = await desk.user("requester");
    bob = await desk.user("requester");
    base = await desk.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => desk.close());

  /** Collects the events of one stream until `until` returns true (or `ms` pass). */
  async function listen(c: Client, act: () => Promise<unknown>, until: (events: Array<{ event: string; data: any }>) => boolean, ms = 8000) {
    const ac = new AbortController();
    const res = await fetch(`${base}/api/live`, { headers: { authorization: `Bearer ${c.auth.token}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const events: Array<{ event: string; data: any }> = [];
    let buffer = "";
    await reader.read(); // the "connected" comment: subscribed
    await act();
    const deadline = setTimeout(() => ac.abort(), ms);
    try {
      while (!until(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += new TextDecoder().decode(value);
        let i;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch (err) {
      // Only the deadline ends a stream early (its caller then sees what arrived); anything else fails.
      if (!ac.signal.aborted) throw err;
    } finally {
      clearTimeout(deadline);
      ac.abort();
    }
    return events;
  }

  it("tells an agent about a new ticket in their team, without a reload", async () => {
    let id = 0;
    const events = await listen(
      agent,
      async () => (id = (await alice.post("/api/tickets", { subject: "Live one" })).body.id),
      (evs) => evs.some((e) => e.event === "ticket" && e.data.ticket_id === id),
    );
    expect(events.find((e) => e.event === "ticket" && e.data.ticket_id === id)?.data.action).toBe("created");
  });

  it("never streams another requester's ticket or an internal note to a requester", async () => {
    const mine = (await alice.post("/api/tickets", { subject: "Alice's" })).body;
    let bobsId = 0;
    const events = await listen(
      alice,
      async () => {
        bobsId = (await bob.post("/api/tickets", { subject: "Bob's" })).body.id;
        await agent.post(`/api/tickets/${mine.id}/comments`, { body: "internal remark", internal: true });
        await agent.post(`/api/tickets/${mine.id}/comments`, { body: "public answer" });
      },
      (evs) => evs.some((e) => e.event === "ticket" && e.data.action === "reply_added"),
    );
    const tickets = events.filter((e) => e.event === "ticket");
    expect(tickets.some((e) => e.data.ticket_id === bobsId)).toBe(false);
    expect(tickets.some((e) => e.data.action === "note_added")).toBe(false);
    // Nor the note's words in any payload, whatever event might carry them.
    expect(JSON.stringify(events)).not.toContain("internal remark");
    expect(JSON.stringify(events)).not.toContain("Bob's");
    expect(tickets.some((e) => e.data.ticket_id === mine.id && e.data.action === "reply_added")).toBe(true);
  });

  it("streams presence to teammates and notifications to their owner only", async () => {
    const t = (await alice.post("/api/tickets", { subject: "Watch me" })).body;
    await admin.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId });
    const forAgent = await listen(
      agent,
      async () => {
        await admin.post(`/api/tickets/${t.id}/presence`, { state: "typing" });
        await admin.post(`/api/tickets/${t.id}/comments`, { body: `ping @${agent.user!.email}`, internal: true });
      },
      (evs) => evs.some((e) => e.event === "presence") && evs.some((e) => e.event === "notification"),
    );
    expect(forAgent.find((e) => e.event === "presence")?.data).toMatchObject({ ticket_id: t.id, state: "typing" });
    expect(forAgent.find((e) => e.event === "notification")?.data).toMatchObject({ kind: "mention", ticket_id: t.id });

    // A ticket of the outsider's own team, filed after the presence, marks the end: the stream
    // keeps its order, so anything about the first ticket would have arrived before it.
    let marker = 0;
    const forOutsider = await listen(
      outsider,
      async () => {
        await admin.post(`/api/tickets/${t.id}/presence`, { state: "viewing" });
        marker = (await admin.post("/api/tickets", { subject: "For the other team", team_id: other })).body.id;
      },
      (evs) => evs.some((e) => e.event === "ticket" && e.data.ticket_id === marker),
    );
    expect(forOutsider.filter((e) => e.event === "ticket" && e.data.ticket_id === marker).map((e) => e.data.action)).toContain("created");
    expect(forOutsider.filter((e) => e.data.ticket_id !== marker)).toEqual([]);
  }, 20_000);
});
