/**
 * Links between tickets, parents and children, major incidents, merging and splitting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

async function file(client: Client, body: Record<string, unknown>) {
  const res = await client.post("/api/tickets", { description: "", format: "text", ...body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body;
}

async function change(client: Client, id: number, body: Record<string, unknown>) {
  const current = await client.get(`/api/tickets/${id}`);
  if (current.status !== 200) throw new Error(`read: ${current.status} ${current.text}`);
  return client.patch(`/api/tickets/${id}`, { version: current.body.version, ...body });
}

const linksOf = async (client: Client, id: number) => {
  const res = await client.get(`/api/tickets/${id}`);
  expect(res.status).toBe(200);
  return (res.body.links as any[]).map((l) => [l.kind, l.ticket.id]);
};

describe.each(dialects)("links, merge and split on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client, requester2: Client, watcher: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Ops");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
    requester2 = await desk.user("requester");
    watcher = await desk.user("agent", { teams: [teamId] });
  });
  afterAll(() => desk.close());

  describe("links", () => {
    it("shows a related link from both sides, records it, and can remove it", async () => {
      const a = await file(agent, { subject: "Wifi floor 2" });
      const b = await file(agent, { subject: "Wifi floor 3" });
      const res = await agent.post(`/api/tickets/${a.id}/links`, { kind: "related", target: b.reference });
      expect(res.status).toBe(201);
      expect(res.body.links).toEqual([{ id: expect.any(Number), kind: "related", ticket: { id: b.id, reference: b.reference, subject: "Wifi floor 3", status: "new" } }]);
      expect(await linksOf(agent, b.id)).toEqual([["related", a.id]]);
      const ev = (await agent.get(`/api/tickets/${b.id}/events`)).body.find((e: any) => e.action === "linked");
      expect(ev.new_value).toMatchObject({ kind: "related", ticket_id: a.id, reference: a.reference });

      expect((await agent.post(`/api/tickets/${a.id}/links`, { kind: "related", target: b.id })).status).toBe(409);
      expect((await agent.post(`/api/tickets/${a.id}/links`, { kind: "related", target: a.id })).status).toBe(400);

      const removed = await agent.delete(`/api/tickets/${b.id}/links/${res.body.links[0].id}`);
      expect(removed.status).toBe(204);
      expect(await linksOf(agent, a.id)).toEqual([]);
      expect(await linksOf(agent, b.id)).toEqual([]);
      expect((await agent.get(`/api/tickets/${a.id}/events`)).body.map((e: any) => e.action)).toContain("unlinked");
    });

    it("shows a parent link as child from the parent's side, whichever end made it", async () => {
      const parent = await file(agent, { subject: "Office move" });
      const c1 = await file(agent, { subject: "Move desks" });
      const c2 = await file(agent, { subject: "Move phones" });
      expect((await agent.post(`/api/tickets/${c1.id}/links`, { kind: "parent", target: parent.id })).status).toBe(201);
      expect((await agent.post(`/api/tickets/${parent.id}/links`, { kind: "child", target: c2.id })).status).toBe(201);
      expect(await linksOf(agent, parent.id)).toEqual([
        ["child", c1.id],
        ["child", c2.id],
      ]);
      expect(await linksOf(agent, c1.id)).toEqual([["parent", parent.id]]);
      expect(await linksOf(agent, c2.id)).toEqual([["parent", parent.id]]);

      // A ticket has one parent, and no ticket is its own ancestor.
      const other = await file(agent, { subject: "Another project" });
      expect((await agent.post(`/api/tickets/${c1.id}/links`, { kind: "parent", target: other.id })).status).toBe(409);
      const cycle = await agent.post(`/api/tickets/${parent.id}/links`, { kind: "parent", target: c1.id });
      expect(cycle.status).toBe(400);
      expect(await linksOf(agent, parent.id)).toEqual([
        ["child", c1.id],
        ["child", c2.id],
      ]);
    });

    it("shows duplicate_of as duplicated_by from the other side", async () => {
      const a = await file(agent, { subject: "Printer jam" });
      const b = await file(agent, { subject: "Printer jammed again" });
      expect((await agent.post(`/api/tickets/${b.id}/links`, { kind: "duplicate_of", target: a.id })).status).toBe(201);
      expect(await linksOf(agent, b.id)).toEqual([["duplicate_of", a.id]]);
      expect(await linksOf(agent, a.id)).toEqual([["duplicated_by", b.id]]);
    });

    it("allows caused_by only from an incident to a problem", async () => {
      const inc = await file(agent, { subject: "Site down", type: "incident" });
      const inc2 = await file(agent, { subject: "Site slow", type: "incident" });
      const prb = await file(agent, { subject: "Load balancer flaps", type: "problem" });
      const chg = await file(agent, { subject: "Replace load balancer", type: "change" });

      const ok = await agent.post(`/api/tickets/${inc.id}/links`, { kind: "caused_by", target: prb.reference });
      expect(ok.status).toBe(201);
      expect(await linksOf(agent, prb.id)).toEqual([["causes", inc.id]]);

      for (const [from, to] of [
        [prb, inc2],
        [inc2, inc],
        [inc2, chg],
        [chg, prb],
      ]) {
        const res = await agent.post(`/api/tickets/${from.id}/links`, { kind: "caused_by", target: to.id });
        expect(res.status, `${from.type} → ${to.type}`).toBe(400);
        expect(res.body.error.details[0].field).toBe("kind");
      }
      expect(await linksOf(agent, inc2.id)).toEqual([]);
    });

    it("lets only agents link tickets", async () => {
      const a = await file(requester, { subject: "Mine A" });
      const b = await file(requester, { subject: "Mine B" });
      expect((await requester.post(`/api/tickets/${a.id}/links`, { kind: "related", target: b.id })).status).toBe(403);
      expect((await requester.post(`/api/tickets/${a.id}/merge`, { into: b.id })).status).toBe(403);
    });
  });

  describe("parents and major incidents", () => {
    it("does not resolve a parent while a child is open, and says which", async () => {
      const parent = await file(agent, { subject: "Onboard new hire", type: "service_request" });
      const child = await file(agent, { subject: "Create account", type: "service_request" });
      const done = await file(agent, { subject: "Order laptop", type: "service_request" });
      await agent.post(`/api/tickets/${parent.id}/links`, { kind: "child", target: child.id });
      await agent.post(`/api/tickets/${parent.id}/links`, { kind: "child", target: done.id });
      await change(agent, done.id, { status: "resolved", resolution_note: "Delivered" });

      const refused = await change(agent, parent.id, { status: "resolved", resolution_note: "All done" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(child.reference);
      expect(refused.body.error.message).not.toContain(done.reference);
      expect(refused.body.error.details.open_children).toEqual([{ id: child.id, reference: child.reference }]);
      expect((await agent.get(`/api/tickets/${parent.id}`)).body.status.key).toBe("new");
      expect((await agent.get(`/api/tickets/${child.id}`)).body.status.key).toBe("new");

      await change(agent, child.id, { status: "resolved", resolution_note: "Account created" });
      const resolved = await change(agent, parent.id, { status: "resolved", resolution_note: "All done" });
      expect(resolved.status).toBe(200);
      // Resolving the parent did not touch the children's own notes.
      expect((await agent.get(`/api/tickets/${child.id}`)).body.resolution_note).toBe("Account created");
    });

    it("resolves a major incident's open child incidents with its resolution note", async () => {
      const major = await file(agent, { subject: "Email outage", type: "incident", is_major_incident: true });
      expect(major.is_major_incident).toBe(true);
      const reports = [];
      for (const who of [requester, requester2, requester]) reports.push(await file(who, { subject: "Cannot send email" }));
      const alreadyDone = await file(requester2, { subject: "Email bounced once" });
      for (const r of [...reports, alreadyDone]) expect((await agent.post(`/api/tickets/${major.id}/links`, { kind: "child", target: r.id })).status).toBe(201);
      await change(agent, alreadyDone.id, { status: "resolved", resolution_note: "Address typo", root_cause: "User error" });
      const versionsBefore = await Promise.all(reports.map(async (r) => (await agent.get(`/api/tickets/${r.id}`)).body.version));

      const res = await change(agent, major.id, { status: "resolved", resolution_note: "Mail relay restarted", root_cause: "Relay certificate expired" });
      expect(res.status).toBe(200);

      for (const [i, r] of reports.entries()) {
        const child = (await agent.get(`/api/tickets/${r.id}`)).body;
        expect(child.status.category).toBe("resolved");
        expect(child.resolution_note).toBe("Mail relay restarted");
        expect(child.root_cause).toBe("Relay certificate expired");
        expect(child.resolved_at).not.toBeNull();
        expect(child.version).toBeGreaterThan(versionsBefore[i]);
        const ev = (await agent.get(`/api/tickets/${r.id}/events`)).body.filter((e: any) => e.action === "status_changed");
        expect(ev.at(-1)).toMatchObject({ old_value: "new", new_value: "resolved", actor: { id: agent.user!.id } });
        expect(ev.at(-1).via).toMatch(/^major_incident:/);
        expect(ev.at(-1).via).toBe(`major_incident:${major.reference}`);
        // The requester sees their ticket resolved, with the note.
        const seen = (await (i === 1 ? requester2 : requester).get(`/api/tickets/${r.id}`)).body;
        expect(seen.resolution_note).toBe("Mail relay restarted");
      }
      const untouched = (await agent.get(`/api/tickets/${alreadyDone.id}`)).body;
      expect(untouched.resolution_note).toBe("Address typo");
    });

    it("makes only incidents major incidents", async () => {
      const req = await agent.post("/api/tickets", { subject: "Not an incident", type: "service_request", is_major_incident: true });
      expect(req.status).toBe(400);
      expect(req.body.error.details[0].field).toBe("is_major_incident");
    });
  });

  describe("merge", () => {
    it("moves the duplicate's comments and watchers to the primary and closes it with a link", async () => {
      const primary = await file(requester, { subject: "VPN will not connect" });
      const dup = await file(agent, { subject: "VPN broken for me too", requester_id: requester2.user!.id, watcher_ids: [watcher.user!.id] });
      await requester.post(`/api/tickets/${primary.id}/comments`, { body: "Primary detail", format: "text" });
      const c1 = await requester2.post(`/api/tickets/${dup.id}/comments`, { body: "Error 809 with xylocarp", format: "text" });
      const c2 = await agent.post(`/api/tickets/${dup.id}/comments`, { body: "Same as the other one", internal: true });

      const res = await agent.post(`/api/tickets/${dup.reference}/merge`, { into: primary.reference });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(primary.id);
      expect(res.body.watchers.map((w: any) => w.id).sort()).toEqual([requester2.user!.id, watcher.user!.id].sort());
      expect(res.body.links).toEqual([expect.objectContaining({ kind: "duplicated_by", ticket: expect.objectContaining({ id: dup.id }) })]);

      const comments = (await agent.get(`/api/tickets/${primary.id}/comments`)).body.map((c: any) => c.id);
      expect(comments).toEqual(expect.arrayContaining([c1.body.id, c2.body.id]));
      expect(comments).toHaveLength(3);
      expect((await agent.get(`/api/tickets/${dup.id}/comments`)).body).toEqual([]);

      const closed = (await agent.get(`/api/tickets/${dup.id}`)).body;
      expect(closed.status.category).toBe("closed");
      expect(closed.closed_at).not.toBeNull();
      expect(closed.merged_into).toMatchObject({ id: primary.id, reference: primary.reference });
      expect(closed.links).toEqual([expect.objectContaining({ kind: "duplicate_of", ticket: expect.objectContaining({ id: primary.id }) })]);
      expect((await agent.get(`/api/tickets/${dup.id}/events`)).body.map((e: any) => e.action)).toContain("merged_into");
      expect((await agent.get(`/api/tickets/${primary.id}/events`)).body.map((e: any) => e.action)).toContain("merged_from");

      // The duplicate's requester now follows the primary: they see it and their own words on it,
      // but not the internal note that came with the merge.
      const theirs = await requester2.get(`/api/tickets/${primary.id}`);
      expect(theirs.status).toBe(200);
      expect((await requester2.get(`/api/tickets/${primary.id}/comments`)).body.map((c: any) => c.id)).not.toContain(c2.body.id);
      expect((await requester2.get(`/api/tickets/${dup.id}`)).body.merged_into.id).toBe(primary.id);

      // Search finds the moved words on the primary, and lists no longer show the duplicate.
      const found = (await agent.get("/api/tickets?q=xylocarp")).body.items.map((i: any) => i.id);
      expect(found).toEqual([primary.id]);
      expect((await agent.get("/api/tickets?limit=200")).body.items.map((i: any) => i.id)).not.toContain(dup.id);

      // A closed ticket cannot be merged again, and nothing merges into itself.
      expect((await agent.post(`/api/tickets/${dup.id}/merge`, { into: primary.id })).status).toBe(409);
      expect((await agent.post(`/api/tickets/${primary.id}/merge`, { into: primary.id })).status).toBe(400);
    });
  });

  describe("split", () => {
    it("makes a child ticket from a comment", async () => {
      const parent = await file(requester, { subject: "Two problems" });
      const comment = await requester.post(`/api/tickets/${parent.id}/comments`, { body: "Also my <b>monitor</b> flickers", format: "html" });
      expect(comment.status).toBe(201);

      const res = await agent.post(`/api/tickets/${parent.id}/split`, { comment_id: comment.body.id, subject: "Monitor flickers" });
      expect(res.status).toBe(201);
      const child = res.body;
      expect(child.id).not.toBe(parent.id);
      expect(child.subject).toBe("Monitor flickers");
      expect(child.description).toBe("Also my <b>monitor</b> flickers");
      expect(child.requester.id).toBe(requester.user!.id);
      expect(child.links).toEqual([expect.objectContaining({ kind: "parent", ticket: expect.objectContaining({ id: parent.id }) })]);
      expect(await linksOf(agent, parent.id)).toEqual([["child", child.id]]);
      expect((await agent.get(`/api/tickets/${parent.id}/events`)).body.map((e: any) => e.action)).toContain("split_to");
      expect((await requester.get(`/api/tickets/${child.reference}`)).status).toBe(200);

      // The comment must belong to the ticket being split.
      const elsewhere = await file(requester, { subject: "Elsewhere" });
      const foreign = await requester.post(`/api/tickets/${elsewhere.id}/comments`, { body: "unrelated", format: "text" });
      const bad = await agent.post(`/api/tickets/${parent.id}/split`, { comment_id: foreign.body.id });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe("comment_id");
      expect((await requester.post(`/api/tickets/${parent.id}/split`, { comment_id: comment.body.id })).status).toBe(403);
    });
  });
});
