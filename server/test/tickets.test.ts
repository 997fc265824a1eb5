/**
 * The ticket itself: references, priority, statuses, comments, the audit trail, custom fields
 * and the list. Each behaviour is checked through the API as the person who would notice it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

/** Creates a ticket and fails loudly with the server's answer if that does not work. */
async function file(client: Client, body: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await client.post("/api/tickets", { description: "", format: "text", ...body }, headers);
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body;
}

/** PATCHes with the ticket's current version (read just before). */
async function change(client: Client, id: number, body: Record<string, unknown>) {
  const current = await client.get(`/api/tickets/${id}`);
  if (current.status !== 200) throw new Error(`read: ${current.status} ${current.text}`);
  return client.patch(`/api/tickets/${id}`, { version: current.body.version, ...body });
}

async function events(client: Client, id: number) {
  const res = await client.get(`/api/tickets/${id}/events`);
  expect(res.status).toBe(200);
  return res.body as any[];
}

describe.each(dialects)("tickets on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, agent2: Client, requester: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    agent2 = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  describe("references", () => {
    it("numbers every type from one sequence and shows the type's prefix", async () => {
      const inc = await file(agent, { subject: "Printer on fire", type: "incident" });
      const req = await file(agent, { subject: "New laptop", type: "service_request" });
      const prb = await file(agent, { subject: "Printers keep burning", type: "problem" });
      const chg = await file(agent, { subject: "Replace printer fleet", type: "change" });
      expect([inc, req, prb, chg].map((t) => t.reference.split("-")[0])).toEqual(["INC", "REQ", "PRB", "CHG"]);
      const numbers = [inc, req, prb, chg].map((t) => t.number);
      expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2, numbers[0] + 3]);
      for (const t of [inc, req, prb, chg]) expect(t.reference).toBe(`${t.reference.split("-")[0]}-${t.number}`);
    });

    it("finds a ticket by id, by reference and by its bare number", async () => {
      const t = await file(requester, { subject: "Cannot print" });
      for (const key of [String(t.id), t.reference, String(t.number), t.reference.toLowerCase()]) {
        const res = await requester.get(`/api/tickets/${key}`);
        expect(res.status, key).toBe(200);
        expect(res.body.id, key).toBe(t.id);
      }
      expect((await requester.get(`/api/tickets/INC-999999`)).status).toBe(404);
      expect((await requester.get(`/api/tickets/not-a-ticket`)).status).toBe(404);
    });

    it("lets an agent file a phone call for an existing requester, who then sees it as theirs", async () => {
      const t = await file(agent, { subject: "Calls from the CEO's phone", requester_id: requester.user!.id, channel: "phone" });
      expect(t.requester.id).toBe(requester.user!.id);
      expect(t.channel).toBe("phone");
      expect(t.created_by.id).toBe(agent.user!.id);
      const mine = await requester.get(`/api/tickets/${t.id}`);
      expect(mine.status).toBe(200);
      const created = (await events(agent, t.id)).find((e) => e.action === "created");
      expect(created.actor.id).toBe(agent.user!.id);
      expect(created.new_value.on_behalf).toBe(true);
    });

    it("lets an agent file for someone new by email, creating them as a requester", async () => {
      const email = `walk.in.${dialect}@customer.test`;
      const t = await file(agent, { subject: "Walk-in: badge does not open door", requester: { email, name: "Wanda Walkin" }, channel: "phone" });
      expect(t.requester.email).toBe(email);
      expect(t.requester.name).toBe("Wanda Walkin");
      expect(t.channel).toBe("phone");
      const people = await agent.get(`/api/users?q=${encodeURIComponent(email)}`);
      expect(people.body.items).toHaveLength(1);
      expect(people.body.items[0]).toMatchObject({ id: t.requester.id, role: "requester", name: "Wanda Walkin" });

      // The same email again is the same person, not a second account.
      const again = await file(agent, { subject: "Walk-in again", requester: { email: email.toUpperCase() } });
      expect(again.requester.id).toBe(t.requester.id);
    });

    it("records the channel as api for an API token caller who does not name one, and refuses a requester filing for someone else", async () => {
      const t = await file(agent, { subject: "Through the API" });
      expect(t.channel).toBe("api");
      const forOther = await requester.post("/api/tickets", { subject: "For my boss", requester_id: agent.user!.id });
      expect(forOther.status).toBe(403);
    });

    it("applies a category's default team and type, unless the ticket says otherwise", async () => {
      const hwTeam = await makeTeam(admin, "Hardware");
      const cat = await admin.post("/api/categories", { name: "Laptop requests", default_team_id: hwTeam, default_type: "service_request" });
      expect(cat.status).toBe(201);
      const t = await file(requester, { subject: "I need a laptop", category_id: cat.body.id });
      expect(t.type).toBe("service_request");
      expect(t.reference).toMatch(/^REQ-/);
      expect(t.team).toEqual({ id: hwTeam, name: "Hardware" });
      expect(t.category).toEqual({ id: cat.body.id, name: "Laptop requests" });

      const explicit = await file(agent, { subject: "Laptop broken", category_id: cat.body.id, type: "incident", team_id: teamId });
      expect(explicit.type).toBe("incident");
      expect(explicit.team.id).toBe(teamId);
    });
  });

  describe("priority", () => {
    it("comes from impact × urgency through the matrix", async () => {
      const cases: Array<[string, string, string]> = [
        ["high", "high", "P1"],
        ["high", "low", "P3"],
        ["medium", "medium", "P3"],
        ["low", "low", "P4"],
      ];
      for (const [impact, urgency, priority] of cases) {
        const t = await file(requester, { subject: `${impact}/${urgency}`, impact, urgency });
        expect(t.priority, `${impact}/${urgency}`).toBe(priority);
        expect(t.priority_overridden).toBe(false);
      }
    });

    it("follows an admin's change of the matrix for new tickets, leaving existing ones alone", async () => {
      const before = await file(requester, { subject: "Before the change", impact: "low", urgency: "low" });
      expect(before.priority).toBe("P4");
      const original = (await admin.get("/api/settings/priority-matrix")).body;
      const matrix = structuredClone(original.matrix);
      matrix.low.low = "P2";
      expect((await agent.put("/api/settings/priority-matrix", { matrix })).status).toBe(403);
      const put = await admin.put("/api/settings/priority-matrix", { matrix });
      expect(put.status).toBe(200);
      expect(put.body.matrix.low.low).toBe("P2");
      try {
        const after = await file(requester, { subject: "After the change", impact: "low", urgency: "low" });
        expect(after.priority).toBe("P2");
        expect((await requester.get(`/api/tickets/${before.id}`)).body.priority).toBe("P4");
        // An incomplete matrix is refused, naming the missing cell.
        const broken = structuredClone(matrix);
        delete broken.high.medium;
        const bad = await admin.put("/api/settings/priority-matrix", { matrix: broken });
        expect(bad.status).toBe(400);
        expect(bad.text).toContain("matrix.high.medium");
      } finally {
        await admin.put("/api/settings/priority-matrix", original);
      }
    });

    it("can be overridden by an agent, which the audit trail says, and handed back to the matrix with null", async () => {
      const t = await file(requester, { subject: "Slow wifi", impact: "medium", urgency: "medium" });
      expect(t.priority).toBe("P3");
      // Re-rating follows the matrix until someone overrides it.
      const urgent = await change(agent, t.id, { urgency: "high" });
      expect(urgent.body.priority).toBe("P2");
      expect((await change(agent, t.id, { urgency: "medium" })).body.priority).toBe("P3");

      const over = await change(agent, t.id, { priority: "P1" });
      expect(over.status).toBe(200);
      expect(over.body.priority).toBe("P1");
      expect(over.body.priority_overridden).toBe(true);
      const ev = (await events(agent, t.id)).find((e) => e.action === "priority_overridden");
      expect(ev).toMatchObject({ field: "priority", old_value: "P3", new_value: "P1", actor: { id: agent.user!.id } });

      // While overridden, re-rating impact does not move the priority.
      const rerated = await change(agent, t.id, { impact: "low" });
      expect(rerated.body.priority).toBe("P1");

      const back = await change(agent, t.id, { priority: null });
      expect(back.status).toBe(200);
      expect(back.body.priority_overridden).toBe(false);
      expect(back.body.priority).toBe("P4"); // low impact × medium urgency
    });

    it("marks an agent's priority at creation as an override when it differs from the matrix", async () => {
      const t = await file(agent, { subject: "VIP laptop", impact: "low", urgency: "low", priority: "P2" });
      expect(t.priority).toBe("P2");
      expect(t.priority_overridden).toBe(true);
      expect((await events(agent, t.id)).map((e) => e.action)).toContain("priority_overridden");
      const forbidden = await requester.post("/api/tickets", { subject: "Me first", priority: "P1" });
      expect(forbidden.status).toBe(403);
    });
  });

  describe("statuses", () => {
    it("refuses an illegal transition and says which ones are allowed", async () => {
      const t = await file(requester, { subject: "Mouse missing" });
      const res = await change(agent, t.id, { status: "closed" });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_transition");
      expect(res.body.error.details.allowed).toEqual(expect.arrayContaining(["open", "in_progress", "resolved", "cancelled"]));
      expect(res.body.error.details.allowed).not.toContain("closed");
      expect(res.body.error.message).toContain("in_progress");
      expect((await agent.get(`/api/tickets/${t.id}`)).body.status.key).toBe("new");
      const unknown = await change(agent, t.id, { status: "limbo" });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.message).toContain("limbo");
    });

    it("treats closed as final", async () => {
      const t = await file(requester, { subject: "Toner low", type: "service_request" });
      expect((await change(agent, t.id, { status: "resolved", resolution_note: "Toner replaced" })).status).toBe(200);
      expect((await change(agent, t.id, { status: "closed" })).status).toBe(200);
      const res = await change(agent, t.id, { status: "open" });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_transition");
      expect(res.body.error.details.allowed).toEqual([]);
      expect(res.body.error.message).toMatch(/final/);
    });

    it("needs a resolution note to resolve, and a root cause for incidents and problems but not for service requests", async () => {
      const inc = await file(agent, { subject: "Email down", type: "incident" });
      const prb = await file(agent, { subject: "Mail server unstable", type: "problem" });
      const req = await file(agent, { subject: "Shared mailbox", type: "service_request" });

      for (const t of [inc, prb, req]) {
        const noNote = await change(agent, t.id, { status: "resolved" });
        expect(noNote.status).toBe(422);
        expect(noNote.body.error.details).toEqual([expect.objectContaining({ field: "resolution_note" })]);
      }
      for (const t of [inc, prb]) {
        const noCause = await change(agent, t.id, { status: "resolved", resolution_note: "Restarted" });
        expect(noCause.status).toBe(422);
        expect(noCause.body.error.details).toEqual([expect.objectContaining({ field: "root_cause" })]);
        // Nothing of the refused change was kept.
        expect((await agent.get(`/api/tickets/${t.id}`)).body.resolution_note).toBeNull();
      }
      const reqResolved = await change(agent, req.id, { status: "resolved", resolution_note: "Mailbox created" });
      expect(reqResolved.status).toBe(200);
      expect(reqResolved.body.resolved_at).not.toBeNull();
      const incResolved = await change(agent, inc.id, { status: "resolved", resolution_note: "Restarted", root_cause: "Disk full" });
      expect(incResolved.status).toBe(200);
      expect(incResolved.body).toMatchObject({ resolution_note: "Restarted", root_cause: "Disk full", status: { key: "resolved", category: "resolved" } });
    });

    it("reopens a resolved ticket when its requester replies", async () => {
      const t = await file(requester, { subject: "Screen flickers", type: "service_request" });
      await change(agent, t.id, { status: "resolved", resolution_note: "Cable swapped" });
      const reply = await requester.post(`/api/tickets/${t.id}/comments`, { body: "Still flickering", format: "text" });
      expect(reply.status).toBe(201);
      const after = (await requester.get(`/api/tickets/${t.id}`)).body;
      expect(after.status.key).toBe("open");
      expect(after.resolved_at).toBeNull();
      const ev = await events(agent, t.id);
      expect(ev.map((e) => e.action)).toContain("reopened");
      expect(ev.filter((e) => e.action === "status_changed").at(-1)).toMatchObject({ old_value: "resolved", new_value: "open", actor: { id: requester.user!.id } });
    });

    it("lets the requester reopen with a comment, or confirm, which closes the ticket", async () => {
      const t = await file(requester, { subject: "Keyboard sticky", type: "service_request" });
      await change(agent, t.id, { status: "resolved", resolution_note: "Cleaned" });

      const empty = await requester.post(`/api/tickets/${t.id}/reopen`, { comment: "   " });
      expect(empty.status).toBe(400);
      const reopened = await requester.post(`/api/tickets/${t.id}/reopen`, { comment: "Keys still stick" });
      expect(reopened.status).toBe(200);
      expect(reopened.body.status.key).toBe("open");
      expect(reopened.body.resolved_at).toBeNull();
      const comments = (await requester.get(`/api/tickets/${t.id}/comments`)).body;
      expect(comments.at(-1).body).toBe("<p>Keys still stick</p>");
      // Reopening an open ticket makes no sense.
      expect((await requester.post(`/api/tickets/${t.id}/reopen`, { comment: "again" })).status).toBe(422);

      await change(agent, t.id, { status: "resolved", resolution_note: "New keyboard" });
      const confirmed = await requester.post(`/api/tickets/${t.id}/confirm`, {});
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status.category).toBe("closed");
      expect(confirmed.body.closed_at).not.toBeNull();

      const late = await requester.post(`/api/tickets/${t.id}/comments`, { body: "One more thing", format: "text" });
      expect(late.status).toBe(409);
      expect((await requester.get(`/api/tickets/${t.id}/comments`)).body.map((c: any) => c.body)).not.toContain("<p>One more thing</p>");
    });

    it("does not let a requester set a working status, only cancel their own request", async () => {
      const t = await file(requester, { subject: "Forget it" });
      const res = await requester.patch(`/api/tickets/${t.id}`, { version: t.version, status: "in_progress" });
      expect(res.status).toBe(403);
      const cancel = await requester.patch(`/api/tickets/${t.id}`, { version: t.version, status: "cancelled" });
      expect(cancel.status).toBe(200);
      expect(cancel.body.status.category).toBe("cancelled");
    });

    it("tells the requester whether their request ever waited on them, also through an admin-added status", async () => {
      const seen = async (id: number) => (await requester.get(`/api/tickets/${id}`)).body.waited_on_requester;
      const straight = await file(requester, { subject: "Fixed at once" });
      expect(await seen(straight.id)).toBe(false);
      await change(agent, straight.id, { status: "in_progress" });
      await change(agent, straight.id, { status: "resolved", resolution_note: "Done" });
      expect(await seen(straight.id)).toBe(false);

      const asked = await file(requester, { subject: "Needs a screenshot" });
      await change(agent, asked.id, { status: "on_hold" });
      expect(await seen(asked.id)).toBe(true);
      await change(agent, asked.id, { status: "resolved", resolution_note: "Done" });
      expect(await seen(asked.id)).toBe(true);

      expect((await admin.post("/api/statuses", { key: "needs_photos", label: "Needs photos", requester_label: "Send us photos", category: "awaiting_requester" })).status).toBe(201);
      const custom = await file(requester, { subject: "Broken screen" });
      await change(agent, custom.id, { status: "needs_photos" });
      await change(agent, custom.id, { status: "in_progress" });
      expect(await seen(custom.id)).toBe(true);
      expect(await seen(straight.id)).toBe(false);
    });

    it("lets a requester submit their own draft", async () => {
      const draft = await file(requester, { subject: "Half-written", status: "draft" });
      expect(draft.status.key).toBe("draft");
      const submitted = await requester.patch(`/api/tickets/${draft.id}`, { version: draft.version, status: "new" });
      expect(submitted.status).toBe(200);
      expect(submitted.body.status.key).toBe("new");
    });

    it("uses an admin-added status according to its category", async () => {
      const created = await admin.post("/api/statuses", { key: "waiting_vendor", label: "Waiting for vendor", requester_label: "Being worked on", category: "awaiting_third_party" });
      expect(created.status).toBe(201);
      expect((await agent.post("/api/statuses", { key: "sneaky", label: "x", requester_label: "x", category: "open" })).status).toBe(403);
      const needsInfo = await admin.post("/api/statuses", { key: "needs_info", label: "Needs info", requester_label: "Waiting for you", category: "awaiting_requester" });
      expect(needsInfo.status).toBe(201);
      const workaround = await admin.post("/api/statuses", { key: "workaround", label: "Workaround given", requester_label: "Solved", category: "resolved" });
      expect(workaround.status).toBe(201);
      expect((await admin.post("/api/statuses", { key: "needs_info", label: "Again", requester_label: "Again", category: "open" })).status).toBe(409);

      const t = await file(requester, { subject: "VPN licence", type: "service_request" });
      const moved = await change(agent, t.id, { status: "waiting_vendor" });
      expect(moved.status).toBe(200);
      expect(moved.body.status).toEqual({ key: "waiting_vendor", label: "Waiting for vendor", requester_label: "Being worked on", category: "awaiting_third_party" });
      // Like every waiting status, it cannot close without being resolved first.
      const close = await change(agent, t.id, { status: "closed" });
      expect(close.status).toBe(422);
      expect(close.body.error.details.allowed).toEqual(expect.arrayContaining(["needs_info", "workaround", "resolved", "open"]));

      // An awaiting-requester status goes back to the desk when the requester answers.
      await change(agent, t.id, { status: "needs_info" });
      await requester.post(`/api/tickets/${t.id}/comments`, { body: "Here is the licence number", format: "text" });
      expect((await requester.get(`/api/tickets/${t.id}`)).body.status.key).toBe("open");

      // A resolved-category status needs a note like "resolved" does, and stamps resolved_at.
      expect((await change(agent, t.id, { status: "workaround" })).status).toBe(422);
      const solved = await change(agent, t.id, { status: "workaround", resolution_note: "Use the web client" });
      expect(solved.status).toBe(200);
      expect(solved.body.resolved_at).not.toBeNull();
      const confirmed = await requester.post(`/api/tickets/${t.id}/confirm`, {});
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status.category).toBe("closed");
    });
  });

  describe("comments", () => {
    it("keeps internal notes from the requester in comments, events and search", async () => {
      const t = await file(requester, { subject: "Disk noise" });
      await agent.post(`/api/tickets/${t.id}/comments`, { body: "Suspect quuxotronic controller failure", internal: true });
      await agent.post(`/api/tickets/${t.id}/comments`, { body: "We are looking at it", format: "text" });

      const seen = (await requester.get(`/api/tickets/${t.id}/comments`)).body;
      expect(seen.map((c: any) => c.body)).toEqual(["<p>We are looking at it</p>"]);
      expect((await agent.get(`/api/tickets/${t.id}/comments`)).body).toHaveLength(2);

      const reqEvents = (await events(requester, t.id)).map((e) => e.action);
      expect(reqEvents).toContain("reply_added");
      expect(reqEvents).not.toContain("note_added");
      expect((await events(agent, t.id)).map((e) => e.action)).toContain("note_added");

      const reqSearch = await requester.get("/api/tickets?q=quuxotronic");
      expect(reqSearch.status).toBe(200);
      expect(reqSearch.body.items).toEqual([]);
      const agentSearch = await agent.get("/api/tickets?q=quuxotronic");
      expect(agentSearch.body.items.map((i: any) => i.id)).toEqual([t.id]);
      // The requester does find their ticket by a word of the public reply.
      expect((await requester.get("/api/tickets?q=looking")).body.items.map((i: any) => i.id)).toContain(t.id);
    });

    it("refuses an internal note from a requester", async () => {
      const t = await file(requester, { subject: "Secret plans" });
      const res = await requester.post(`/api/tickets/${t.id}/comments`, { body: "only for agents", internal: true });
      expect(res.status).toBe(403);
      expect((await agent.get(`/api/tickets/${t.id}/comments`)).body).toEqual([]);
    });

    it("records @mentions of agents, by editor tag and by email, with a mentioned event", async () => {
      const t = await file(requester, { subject: "Needs a second pair of eyes" });
      const byTag = await agent.post(`/api/tickets/${t.id}/comments`, { body: `<p>Can you look, <span data-mention-id="${agent2.user!.id}">@${agent2.user!.name}</span>?</p>`, internal: true });
      expect(byTag.status).toBe(201);
      expect(byTag.body.mentions.map((m: any) => m.id)).toEqual([agent2.user!.id]);
      expect(byTag.body.body).toContain(`data-mention-id="${agent2.user!.id}"`);

      const byEmail = await agent.post(`/api/tickets/${t.id}/comments`, { body: `Ping @${admin.user!.email} please`, format: "text", internal: true });
      expect(byEmail.body.mentions.map((m: any) => m.id)).toEqual([admin.user!.id]);

      // Requesters are not "mentioned": mentions are for agents.
      const notAgent = await agent.post(`/api/tickets/${t.id}/comments`, { body: `<span data-mention-id="${requester.user!.id}">x</span> and @${requester.user!.email}`, internal: true });
      expect(notAgent.body.mentions).toEqual([]);

      const mentioned = (await events(agent, t.id)).filter((e) => e.action === "mentioned");
      expect(mentioned.map((e) => e.new_value)).toEqual([
        { comment_id: byTag.body.id, user_ids: [agent2.user!.id] },
        { comment_id: byEmail.body.id, user_ids: [admin.user!.id] },
      ]);
      const listed = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
      expect(listed.find((c: any) => c.id === byTag.body.id).mentions[0]).toMatchObject({ id: agent2.user!.id, email: agent2.user!.email });
    });

    it("never stores script, event handlers, javascript: or data: URLs or iframes, in descriptions or comments", async () => {
      const evil = [
        '<p>Hello <b>world</b> <a href="https://example.org/help">help</a></p>',
        "<script>alert('s')</script>",
        "<img src=x onerror=\"alert('e')\">",
        "<a href=\"javascript:alert('j')\">click</a>",
        "<a href=\"JaVaScRiPt&colon;alert('j2')\">click2</a>",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
        '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
        '<iframe src="https://evil.test/"></iframe>',
        '<div onclick="alert(\'c\')" style="background:url(javascript:alert(1))">styled</div>',
        "<svg><script>alert('svg')</script></svg>",
      ].join("");
      const assertClean = (html: string) => {
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/\bon\w+\s*=/i);
        expect(html).not.toMatch(/javascript/i);
        expect(html).not.toMatch(/data:/i);
        expect(html).not.toMatch(/<iframe/i);
        expect(html).not.toMatch(/<svg/i);
        expect(html).not.toMatch(/style=/i);
        expect(html).not.toMatch(/alert/);
        // What is harmless survives.
        expect(html).toContain("<b>world</b>");
        expect(html).toContain('href="https://example.org/help"');
      };

      const t = await file(requester, { subject: "Sanitise me", description: evil, format: "html" });
      assertClean(t.description);
      assertClean((await agent.get(`/api/tickets/${t.id}`)).body.description);

      const c = await agent.post(`/api/tickets/${t.id}/comments`, { body: evil });
      expect(c.status).toBe(201);
      assertClean(c.body.body);
      for (const stored of (await requester.get(`/api/tickets/${t.id}/comments`)).body) assertClean(stored.body);

      const edited = await change(agent, t.id, { description: evil });
      assertClean(edited.body.description);

      // A comment that is nothing but unsafe markup is refused rather than stored empty.
      const empty = await agent.post(`/api/tickets/${t.id}/comments`, { body: "<script>alert(1)</script>" });
      expect(empty.status).toBe(400);
    });

    it("escapes markup sent as text", async () => {
      const t = await file(requester, { subject: "Text", description: "Use <b>bold</b> & <script>x</script>\n\nsecond", format: "text" });
      expect(t.description).toBe("<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p><p>second</p>");
      const c = await requester.post(`/api/tickets/${t.id}/comments`, { body: "<b>not bold</b>", format: "text" });
      expect(c.body.body).toBe("<p>&lt;b&gt;not bold&lt;/b&gt;</p>");
    });
  });

  describe("audit trail", () => {
    it("writes an event for each change with actor, field, old and new value", async () => {
      const t = await file(requester, { subject: "Old subject" });
      const res = await change(agent, t.id, { subject: "New subject", team_id: teamId, assignee_id: agent.user!.id, add_tags: ["vpn"], status: "in_progress" });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(t.version + 1);
      const ev = await events(agent, t.id);
      const byField = (f: string) => ev.find((e) => e.field === f);
      expect(byField("subject")).toMatchObject({ action: "field_changed", old_value: "Old subject", new_value: "New subject" });
      expect(byField("team_id")).toMatchObject({ old_value: null, new_value: teamId });
      expect(byField("assignee_id")).toMatchObject({ old_value: null, new_value: agent.user!.id });
      expect(byField("tags")).toMatchObject({ old_value: [], new_value: ["vpn"] });
      expect(byField("status")).toMatchObject({ action: "status_changed", old_value: "new", new_value: "in_progress" });
      for (const f of ["subject", "team_id", "assignee_id", "tags", "status"]) {
        expect(byField(f).actor).toEqual({ id: agent.user!.id, name: agent.user!.name, email: agent.user!.email });
        expect(byField(f).via).toBe("api");
        expect(Date.parse(byField(f).created_at)).not.toBeNaN();
      }
      expect(ev[0]).toMatchObject({ action: "created", actor: { id: requester.user!.id } });
    });

    it("writes nothing, and changes nothing, when a change is refused", async () => {
      const t = await file(requester, { subject: "Untouched" });
      const before = await events(agent, t.id);
      const outsider = await desk.user("agent");

      const refusals = [
        await change(agent, t.id, { subject: "Half done", status: "closed" }), // illegal transition
        await change(agent, t.id, { subject: "Half done", assignee_id: outsider.user!.id, team_id: teamId }), // not in the team
        await change(agent, t.id, { subject: "Half done", team_id: 987654 }), // no such team
        await change(agent, t.id, { subject: "Half done", assignee_id: requester.user!.id }), // not an agent
        await agent.patch(`/api/tickets/${t.id}`, { version: t.version + 5, subject: "Half done" }), // stale
        await requester.patch(`/api/tickets/${t.id}`, { version: t.version, subject: "Half done" }), // not allowed
      ];
      expect(refusals.map((r) => r.status)).toEqual([422, 400, 400, 400, 409, 403]);
      const after = (await agent.get(`/api/tickets/${t.id}`)).body;
      expect(after.subject).toBe("Untouched");
      expect(after.version).toBe(t.version);
      expect(await events(agent, t.id)).toEqual(before);
    });

    it("writes no event and keeps the version for a change that changes nothing", async () => {
      const t = await file(requester, { subject: "Same" });
      const res = await change(agent, t.id, { subject: "Same" });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(t.version);
      expect((await events(agent, t.id)).map((e) => e.action)).toEqual(["created"]);
    });
  });
});

describe.each(dialects)("custom fields on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    agent = await desk.user("agent");
    requester = await desk.user("requester");
    const fields = [
      { key: "asset_tag", label: "Asset tag", type: "text", visible_to_requester: true },
      { key: "affected_users", label: "Affected users", type: "number" },
      { key: "site", label: "Site", type: "select", options: ["Berlin", "Lisbon"], visible_to_requester: true },
    ];
    for (const f of fields) {
      const res = await admin.post("/api/custom-fields", f);
      if (res.status !== 201) throw new Error(`field: ${res.status} ${res.text}`);
    }
  });
  afterAll(() => desk.close());

  it("can only be defined by an admin, and a select needs options", async () => {
    expect((await agent.post("/api/custom-fields", { key: "x", label: "X", type: "text" })).status).toBe(403);
    const noOptions = await admin.post("/api/custom-fields", { key: "colour", label: "Colour", type: "select" });
    expect(noOptions.status).toBe(400);
    expect(noOptions.text).toContain("options");
    expect((await admin.post("/api/custom-fields", { key: "asset_tag", label: "Again", type: "text" })).status).toBe(409);
  });

  it("stores values of each type and gives them back typed", async () => {
    const t = await file(agent, { subject: "Fields", custom_fields: { asset_tag: "LT-0042", affected_users: 12, site: "Lisbon" } });
    expect(t.custom_fields).toEqual({ asset_tag: "LT-0042", affected_users: 12, site: "Lisbon" });
    const changed = await change(agent, t.id, { custom_fields: { affected_users: 30, site: null } });
    expect(changed.status).toBe(200);
    expect(changed.body.custom_fields).toEqual({ asset_tag: "LT-0042", affected_users: 30 });
    const ev = (await events(agent, t.id)).filter((e) => e.field?.startsWith("custom_fields."));
    expect(ev.map((e) => [e.field, e.old_value && String(e.old_value), e.new_value && String(e.new_value)])).toEqual([
      ["custom_fields.affected_users", "12", "30"],
      ["custom_fields.site", "Lisbon", null],
    ]);
  });

  it("refuses a value of the wrong type, naming the field", async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ affected_users: "many" }, "custom_fields.affected_users"],
      [{ site: "Paris" }, "custom_fields.site"],
      [{ asset_tag: 42 }, "custom_fields.asset_tag"],
      [{ no_such_field: "x" }, "custom_fields.no_such_field"],
    ];
    for (const [values, field] of bad) {
      const res = await agent.post("/api/tickets", { subject: "Bad field", custom_fields: values });
      expect(res.status, field).toBe(400);
      expect(
        res.body.error.details.map((d: any) => d.field),
        field,
      ).toContain(field);
    }
    const t = await file(agent, { subject: "Good field" });
    const patch = await change(agent, t.id, { custom_fields: { affected_users: "lots" } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details[0].field).toBe("custom_fields.affected_users");
  });

  it("shows a requester only the fields meant for them, and refuses the others", async () => {
    const t = await file(agent, { subject: "Mixed", requester_id: requester.user!.id, custom_fields: { asset_tag: "LT-1", affected_users: 3 } });
    const seen = (await requester.get(`/api/tickets/${t.id}`)).body;
    expect(seen.custom_fields).toEqual({ asset_tag: "LT-1" });
    expect((await agent.get(`/api/tickets/${t.id}`)).body.custom_fields).toEqual({ asset_tag: "LT-1", affected_users: 3 });
    expect((await requester.get("/api/custom-fields")).body.map((f: any) => f.key).sort()).toEqual(["asset_tag", "site"]);
    const hidden = await requester.post("/api/tickets", { subject: "Sneaky", custom_fields: { affected_users: 1000 } });
    expect(hidden.status).toBe(400);
    expect(hidden.body.error.details[0].field).toBe("custom_fields.affected_users");
  });

  it("enforces a required field when a ticket is created", async () => {
    const res = await admin.post("/api/custom-fields", { key: "cost_centre", label: "Cost centre", type: "text", required: true, visible_to_requester: true });
    expect(res.status).toBe(201);
    try {
      const missing = await requester.post("/api/tickets", { subject: "No cost centre" });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details[0].field).toBe("custom_fields.cost_centre");
      expect((await agent.post("/api/tickets", { subject: "Blank", custom_fields: { cost_centre: "" } })).status).toBe(400);
      const given = await requester.post("/api/tickets", { subject: "With cost centre", custom_fields: { cost_centre: "CC-7" } });
      expect(given.status).toBe(201);
      expect(given.body.custom_fields.cost_centre).toBe("CC-7");
    } finally {
      await admin.patch(`/api/custom-fields/${res.body.id}`, { active: false });
    }
    expect((await requester.post("/api/tickets", { subject: "Field retired" })).status).toBe(201);
  });
});

describe.each(dialects)("the ticket list on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, other: Client, alice: Client, bob: Client;
  let teamA: number, teamB: number, catId: number;
  const t: Record<string, any> = {};
  let early: string, middle: string;

  const ids = (res: { status: number; body: any; text: string }) => {
    expect(res.status, res.text).toBe(200);
    return res.body.items.map((i: any) => i.id).sort((a: number, b: number) => a - b);
  };
  const sorted = (...xs: any[]) => xs.map((x) => x.id).sort((a, b) => a - b);

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamA = await makeTeam(admin, "Network");
    teamB = await makeTeam(admin, "Facilities");
    agent = await desk.user("agent", { teams: [teamA, teamB] });
    other = await desk.user("agent", { teams: [teamA] });
    alice = await desk.user("requester");
    bob = await desk.user("requester");
    catId = (await admin.post("/api/categories", { name: "Network" })).body.id;

    t.a1 = await file(alice, { subject: "Router blinking amber", impact: "high", urgency: "high" });
    desk.clock.advance(60_000);
    early = desk.clock.now().toISOString();
    t.a2 = await file(alice, { subject: "Desk lamp broken", type: "service_request", category_id: catId });
    t.b1 = await file(bob, { subject: "Switch port dead", impact: "low", urgency: "low" });
    desk.clock.advance(60_000);
    middle = desk.clock.now().toISOString();
    t.b2 = await file(agent, { subject: "Firmware rollout", type: "change", requester_id: bob.user!.id, team_id: teamA, assignee_id: agent.user!.id, tags: ["firmware", "network"] });
    t.n1 = await file(agent, { subject: "Aircon too loud", requester_id: alice.user!.id, team_id: teamB, assignee_id: agent.user!.id, tags: ["noise"] });
    t.n2 = await file(agent, { subject: "Cable tray sagging", requester_id: bob.user!.id, team_id: teamA, assignee_id: other.user!.id });
    // a1 is touched later, so it is the most recently updated.
    desk.clock.advance(60_000);
    await change(agent, t.a1.id, { status: "in_progress", team_id: teamA });
  });
  afterAll(() => desk.close());

  it("filters by status, type, priority and team", async () => {
    expect(ids(await agent.get("/api/tickets?status=in_progress"))).toEqual(sorted(t.a1));
    expect(ids(await agent.get("/api/tickets?status=new,in_progress&type=incident"))).toEqual(sorted(t.a1, t.b1, t.n1, t.n2));
    expect(ids(await agent.get("/api/tickets?type=service_request,change"))).toEqual(sorted(t.a2, t.b2));
    expect(ids(await agent.get("/api/tickets?priority=P1"))).toEqual(sorted(t.a1));
    expect(ids(await agent.get("/api/tickets?priority=P4"))).toEqual(sorted(t.b1));
    expect(ids(await agent.get(`/api/tickets?team=${teamB}`))).toEqual(sorted(t.n1));
    expect(ids(await agent.get(`/api/tickets?team=${teamA}`))).toEqual(sorted(t.a1, t.b2, t.n2));
    expect(ids(await agent.get("/api/tickets?team=none"))).toEqual(sorted(t.a2, t.b1));
    expect(ids(await agent.get("/api/tickets?status_category=new"))).toEqual(sorted(t.a2, t.b1, t.b2, t.n1, t.n2));
  });

  it("filters by assignee: me, none or a person", async () => {
    expect(ids(await agent.get("/api/tickets?assignee=me"))).toEqual(sorted(t.b2, t.n1));
    expect(ids(await other.get("/api/tickets?assignee=me"))).toEqual(sorted(t.n2));
    expect(ids(await agent.get("/api/tickets?assignee=none"))).toEqual(sorted(t.a1, t.a2, t.b1));
    expect(ids(await agent.get(`/api/tickets?assignee=${other.user!.id},none`))).toEqual(sorted(t.a1, t.a2, t.b1, t.n2));
  });

  it("filters by requester, category and tag", async () => {
    expect(ids(await agent.get(`/api/tickets?requester=${alice.user!.id}`))).toEqual(sorted(t.a1, t.a2, t.n1));
    expect(ids(await bob.get("/api/tickets?requester=me"))).toEqual(sorted(t.b1, t.b2, t.n2));
    expect(ids(await agent.get(`/api/tickets?category=${catId}`))).toEqual(sorted(t.a2));
    expect(ids(await agent.get("/api/tickets?tag=network"))).toEqual(sorted(t.b2));
    expect(ids(await agent.get("/api/tickets?tag=noise,firmware"))).toEqual(sorted(t.b2, t.n1));
    expect(ids(await agent.get("/api/tickets?tag=NOISE"))).toEqual(sorted(t.n1));
  });

  it("filters by created and updated time ranges", async () => {
    expect(ids(await agent.get(`/api/tickets?created_before=${encodeURIComponent(early)}`))).toEqual(sorted(t.a1));
    expect(ids(await agent.get(`/api/tickets?created_after=${encodeURIComponent(middle)}`))).toEqual(sorted(t.b2, t.n1, t.n2));
    expect(ids(await agent.get(`/api/tickets?created_before=${encodeURIComponent(middle)}`))).toEqual(sorted(t.a1, t.a2, t.b1));
    expect(ids(await agent.get(`/api/tickets?created_after=${encodeURIComponent(early)}&created_before=${encodeURIComponent(middle)}`))).toEqual(sorted(t.a2, t.b1));
    const lastChange = new Date(Date.parse(middle) + 30_000).toISOString();
    expect(ids(await agent.get(`/api/tickets?updated_after=${encodeURIComponent(lastChange)}`))).toEqual(sorted(t.a1));
    expect(ids(await agent.get(`/api/tickets?updated_before=${encodeURIComponent(lastChange)}`))).toEqual(sorted(t.a2, t.b1, t.b2, t.n1, t.n2));
    expect((await agent.get("/api/tickets?created_after=yesterday")).status).toBe(400);
  });

  it("searches text and finds references", async () => {
    expect(ids(await agent.get("/api/tickets?q=router"))).toEqual(sorted(t.a1));
    expect(ids(await agent.get("/api/tickets?q=ROUTER%20amber"))).toEqual(sorted(t.a1));
    expect(ids(await agent.get("/api/tickets?q=rout"))).toEqual(sorted(t.a1)); // the last word is a prefix
    expect(ids(await agent.get("/api/tickets?q=router%20lamp"))).toEqual([]); // every word must match
    expect(ids(await agent.get(`/api/tickets?q=${t.b1.reference}`))).toEqual(sorted(t.b1));
    expect(ids(await agent.get(`/api/tickets?q=${t.b1.number}`))).toEqual(sorted(t.b1));
    expect(ids(await agent.get(`/api/tickets?q=${encodeURIComponent("' OR 1=1 --")}`))).toEqual([]);
    expect(ids(await agent.get(`/api/tickets?q=${encodeURIComponent('router*)(":')}`))).toEqual(sorted(t.a1));
  });

  it("sorts by the requested column", async () => {
    const order = async (sort: string) => (await agent.get(`/api/tickets?sort=${sort}`)).body.items.map((i: any) => i.id);
    const byNumber = [t.a1, t.a2, t.b1, t.b2, t.n1, t.n2].map((x) => x.id);
    expect(await order("number")).toEqual(byNumber);
    expect(await order("-number")).toEqual([...byNumber].reverse());
    expect((await order("-updated_at"))[0]).toBe(t.a1.id);
    expect((await order("updated_at")).at(-1)).toBe(t.a1.id);
    const prios = (await agent.get("/api/tickets?sort=priority")).body.items.map((i: any) => i.priority);
    expect(prios).toEqual([...prios].sort());
    expect(prios[0]).toBe("P1");
    expect((await agent.get("/api/tickets?sort=subject")).status).toBe(400);
  });

  it("pages through every ticket exactly once with the cursor, whatever the sort", async () => {
    for (let i = 0; i < 19; i++) await file(alice, { subject: `Bulk ${i}`, impact: (["high", "medium", "low"] as const)[i % 3] });
    const all = ids(await admin.get("/api/tickets?limit=200"));
    expect(all.length).toBe(25);
    for (const sort of ["-updated_at", "number", "-priority", "created_at"]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: any = await admin.get(`/api/tickets?limit=7&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(7);
        seen.push(...res.body.items.map((i: any) => i.id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages, sort).toBe(4);
      expect(seen.length, sort).toBe(25);
      expect(
        [...seen].sort((a, b) => a - b),
        sort,
      ).toEqual(all);
    }
  });

  it("refuses a cursor it did not give out", async () => {
    for (const cursor of ["garbage", Buffer.from('{"a":1}').toString("base64url"), Buffer.from("[1]").toString("base64url")]) {
      const res = await agent.get(`/api/tickets?cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.details[0].field).toBe("cursor");
    }
  });
});
