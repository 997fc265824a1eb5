import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

describe.each(dialects)("ticket lifecycle on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  it("takes a request from submission to confirmed closure, with every step in the audit trail", async () => {
    const created = await requester.post("/api/tickets", { subject: "VPN drops every hour", description: "Since Monday.", format: "text", urgency: "high" });
    expect(created.status).toBe(201);
    const t = created.body;
    expect(t.reference).toMatch(/^INC-\d+$/);
    expect(t.status.key).toBe("new");
    expect(t.priority).toBe("P2");
    expect(t.channel).toBe("api");

    const byRef = await agent.get(`/api/tickets/${t.reference}`);
    expect(byRef.status).toBe(200);
    expect(byRef.body.id).toBe(t.id);

    const taken = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: agent.user!.id });
    expect(taken.status).toBe(200);
    expect(taken.body.assignee.id).toBe(agent.user!.id);

    const note = await agent.post(`/api/tickets/${t.id}/comments`, { body: "Check the <b>MTU</b>", internal: true });
    expect(note.status).toBe(201);
    const reply = await agent.post(`/api/tickets/${t.id}/comments`, { body: "Please try the new profile.", format: "text" });
    expect(reply.status).toBe(201);

    const seen = await requester.get(`/api/tickets/${t.id}/comments`);
    expect(seen.body.map((c: any) => c.body)).toEqual(["<p>Please try the new profile.</p>"]);

    const afterReply = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect(afterReply.first_response_at).not.toBeNull();
    expect(afterReply.status.key).toBe("open");

    const noNote = await agent.patch(`/api/tickets/${t.id}`, { version: afterReply.version, status: "resolved" });
    expect(noNote.status).toBe(422);
    expect(noNote.body.error.message).toMatch(/resolution_note/);

    const resolved = await agent.patch(`/api/tickets/${t.id}`, { version: afterReply.version, status: "resolved", resolution_note: "New VPN profile", root_cause: "MTU too large" });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolved_at).not.toBeNull();

    const confirmed = await requester.post(`/api/tickets/${t.id}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status.key).toBe("closed");
    expect(confirmed.body.closed_at).not.toBeNull();

    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body.map((e: any) => e.action);
    expect(events).toEqual(expect.arrayContaining(["created", "field_changed", "note_added", "reply_added", "status_changed", "resolution_confirmed"]));
    const requesterEvents = (await requester.get(`/api/tickets/${t.id}/events`)).body.map((e: any) => e.action);
    expect(requesterEvents).not.toContain("note_added");
  });

  it("asks for a fresh resolution note after a reopened ticket is resolved again", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Printer jams", type: "service_request" })).body;
    const resolved = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, status: "resolved", resolution_note: "Cleared the tray" });
    expect(resolved.status).toBe(200);
    const reopened = await requester.post(`/api/tickets/${t.id}/reopen`, { comment: "It jams again." });
    expect(reopened.body.status.category).toBe("open");
    expect(reopened.body.resolution_note).toBeNull();
    const again = await agent.patch(`/api/tickets/${t.id}`, { version: reopened.body.version, status: "resolved" });
    expect(again.status).toBe(422);
    expect(again.body.error.message).toMatch(/resolution_note/);
    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body;
    expect(events.find((e: any) => e.field === "resolution_note" && e.new_value === null)?.old_value).toBe("Cleared the tray");
  });

  it("refuses to split an internal note into a ticket its requester would read", async () => {
    const t = (await requester.post("/api/tickets", { subject: "Laptop slow" })).body;
    const note = (await agent.post(`/api/tickets/${t.id}/comments`, { body: "Internal: the disk is failing", internal: true })).body;
    const split = await agent.post(`/api/tickets/${t.id}/split`, { comment_id: note.id });
    expect(split.status).toBe(422);
    expect(split.body.error.message).toMatch(/internal note/);
    const list = await requester.get("/api/tickets?q=failing");
    expect(list.body.items).toHaveLength(0);
  });

  it("files a request under a subcategory with the team and type its parent category defaults", async () => {
    const parent = (await admin.post("/api/categories", { name: "Hardware", default_team_id: teamId, default_type: "service_request" })).body;
    const child = (await admin.post("/api/categories", { name: "Laptops", parent_id: parent.id })).body;
    const t = await requester.post("/api/tickets", { subject: "New laptop please", category_id: child.id });
    expect(t.status).toBe(201);
    expect(t.body.team?.id).toBe(teamId);
    expect(t.body.type).toBe("service_request");
    expect(t.body.reference).toMatch(/^REQ-/);
  });
});
