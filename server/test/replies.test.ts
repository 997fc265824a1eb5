import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { returnSnoozedTickets } from "../src/tickets/snooze.ts";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const HOUR = 3600_000;

describe.each(dialects)("canned replies, macros and snooze on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, sam: Client, ana: Client, outsider: Client, lead: Client, requester: Client;
  let teamId: number, otherTeam: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Network");
    otherTeam = await makeTeam(admin, "Facilities");
    sam = await desk.user("agent", { teams: [teamId], name: "Sam Rivera" });
    ana = await desk.user("agent", { teams: [teamId], name: "Ana Costa" });
    lead = await desk.user("supervisor", { teams: [teamId], name: "Lee Lead" });
    outsider = await desk.user("agent", { teams: [otherTeam], name: "Otto Outside" });
    requester = await desk.user("requester", { name: "Jane Q. Doe" });
  });
  afterAll(() => desk.close());

  const newTicket = async (subject: string, extra: Record<string, unknown> = {}) => {
    const t = (await requester.post("/api/tickets", { subject })).body;
    const assigned = await sam.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: sam.user!.id, ...extra });
    expect(assigned.status).toBe(200);
    return assigned.body;
  };
  const titles = async (c: Client, url = "/api/canned-replies") => (await c.get(url)).body.map((r: any) => r.title ?? r.name).sort();

  describe("canned replies", () => {
    it("keeps personal replies to their owner, team replies to the team, and everyone's for all agents", async () => {
      expect((await sam.post("/api/canned-replies", { title: "Sam's own", body: "Hi {{requester.first_name}}" })).status).toBe(201);
      const shared = await sam.post("/api/canned-replies", { title: "Network restart", body: "Please restart the router.", scope: "team", team_id: teamId });
      expect(shared.status).toBe(201);
      expect(shared.body).toMatchObject({ scope: "team", team: { id: teamId, name: "Network" }, owner: { id: sam.user!.id }, editable: true });
      expect((await admin.post("/api/canned-replies", { title: "Thanks for waiting", body: "Thanks, {{requester.first_name}}.", scope: "everyone" })).status).toBe(201);

      expect(await titles(sam)).toEqual(["Network restart", "Sam's own", "Thanks for waiting"]);
      expect(await titles(ana)).toEqual(["Network restart", "Thanks for waiting"]);
      expect(await titles(outsider)).toEqual(["Thanks for waiting"]);
      // Admins manage every team's shared replies, but nobody's personal ones.
      expect(await titles(admin, "/api/canned-replies?list=shared")).toEqual(["Network restart", "Thanks for waiting"]);
      expect((await requester.get("/api/canned-replies")).status).toBe(403);

      // A teammate may use it but not change it; the owner and the team's supervisor may.
      const id = shared.body.id;
      const teammates = (await ana.get("/api/canned-replies")).body.find((r: any) => r.id === id);
      expect(teammates.editable).toBe(false);
      const refused = await ana.patch(`/api/canned-replies/${id}`, { body: "Mine now" });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/owner/);
      expect((await outsider.patch(`/api/canned-replies/${id}`, { body: "x" })).status).toBe(404);
      expect((await lead.patch(`/api/canned-replies/${id}`, { body: "Please restart the router and wait a minute." })).status).toBe(200);
      expect((await sam.get("/api/canned-replies")).body.find((r: any) => r.id === id).body).toBe("Please restart the router and wait a minute.");
    });

    it("refuses bad input with a message that names the field, and changes nothing", async () => {
      const before = await titles(sam);
      const empty = await sam.post("/api/canned-replies", { title: " ", body: "x" });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(/title/);
      const noTeam = await sam.post("/api/canned-replies", { title: "T", body: "x", scope: "team" });
      expect(noTeam.status).toBe(400);
      expect(noTeam.body.error.message).toMatch(/team_id: name the team/);
      const notMine = await sam.post("/api/canned-replies", { title: "T", body: "x", scope: "team", team_id: otherTeam });
      expect(notMine.status).toBe(403);
      expect(notMine.body.error.message).toMatch(/team you belong to/);
      expect((await sam.post("/api/canned-replies", { title: "T", body: "x", scope: "everyone" })).status).toBe(403);
      expect((await sam.post("/api/canned-replies", { title: "T", body: "x", scope: "team", team_id: 999999 })).status).toBe(400);
      expect((await sam.post("/api/canned-replies", { title: "T", body: "x", owner_id: 1 })).status).toBe(400);
      expect((await sam.post("/api/canned-replies", { title: "T", body: "x".repeat(20_001) })).status).toBe(400);
      expect(await titles(sam)).toEqual(before);
    });

    it("lets the owner delete theirs and nobody else's", async () => {
      const mine = (await ana.post("/api/canned-replies", { title: "Ana temp", body: "x" })).body;
      expect((await sam.delete(`/api/canned-replies/${mine.id}`)).status).toBe(404);
      expect((await ana.delete(`/api/canned-replies/${mine.id}`)).status).toBe(204);
      expect((await ana.delete(`/api/canned-replies/${mine.id}`)).status).toBe(404);
    });
  });

  describe("macros", () => {
    let pendingKey: string;
    beforeAll(async () => {
      const statuses = (await admin.get("/api/statuses")).body;
      pendingKey = statuses.find((s: any) => s.category === "awaiting_requester").key;
    });

    it("only supervisors and admins share macros; agents keep personal ones; saved actions are checked", async () => {
      const agentShared = await sam.post("/api/macros", { name: "Share", actions: { priority: "P1" }, scope: "team", team_id: teamId });
      expect(agentShared.status).toBe(403);
      expect(agentShared.body.error.message).toMatch(/supervisors and admins/);
      expect((await sam.post("/api/macros", { name: "Mine", actions: { priority: "P1" } })).status).toBe(201);
      expect((await lead.post("/api/macros", { name: "Team macro", actions: { add_tags: ["vpn"] }, scope: "team", team_id: teamId })).status).toBe(201);
      expect(await titles(ana, "/api/macros")).toEqual(["Team macro"]);
      expect(await titles(outsider, "/api/macros")).toEqual([]);

      const nothing = await sam.post("/api/macros", { name: "Empty", actions: {} });
      expect(nothing.status).toBe(400);
      expect(nothing.body.error.message).toMatch(/must change or add something/);
      const badStatus = await sam.post("/api/macros", { name: "Bad", actions: { status: "nope" } });
      expect(badStatus.status).toBe(400);
      expect(badStatus.body.error.message).toMatch(/actions\.status: there is no active status called "nope"/);
      const resolve = await sam.post("/api/macros", { name: "Resolve", actions: { status: "resolved" } });
      expect(resolve.status).toBe(400);
      expect(resolve.body.error.message).toMatch(/resolution note/);
      expect((await sam.post("/api/macros", { name: "Ghost", actions: { assignee: 999999 } })).status).toBe(400);
      expect((await sam.post("/api/macros", { name: "Both", actions: { add_tags: ["a"], remove_tags: ["a"] } })).status).toBe(400);
      expect((await sam.post("/api/macros", { name: "Evil", actions: { priority: "P1", requester_id: 5 } })).status).toBe(400);
    });

    it("previews the changes old → new with placeholders filled, applies them in one go, and undoes them", async () => {
      const t = await newTicket("Refund for duplicate charge", { add_tags: ["billing"], status: "open" });
      const macro = (
        await sam.post("/api/macros", {
          name: "Refund requested",
          actions: {
            status: pendingKey,
            priority: "P2",
            add_tags: ["refund"],
            remove_tags: ["billing"],
            reply: "Hi {{requester.first_name}}, {{ticket.reference}} is with billing. {{agent.first_name}} {{unknown.thing}}",
            note: "Refund checked by {{agent.name}}",
          },
        })
      ).body;

      const preview = await sam.get(`/api/macros/${macro.id}/preview?ticket=${t.reference}`);
      expect(preview.status).toBe(200);
      const byField = Object.fromEntries(preview.body.changes.map((c: any) => [c.field, c]));
      expect(byField.status).toMatchObject({ from: t.status.label, to: expect.stringMatching(/.+/) });
      expect(byField.priority).toMatchObject({ from: t.priority, to: "P2" });
      expect(byField.tags.to).toBe("+refund −billing");
      expect(preview.body.reply).toBe(`Hi Jane, ${t.reference} is with billing. Sam {{unknown.thing}}`);
      expect(preview.body.note).toBe("Refund checked by Sam Rivera");
      expect(preview.body.ticket.version).toBe(t.version);
      expect(preview.body.problems).toEqual([]);
      // A preview changes nothing.
      expect((await sam.get(`/api/tickets/${t.id}`)).body.version).toBe(t.version);

      const applied = await sam.post(`/api/macros/${macro.id}/apply`, { ticket: t.reference, version: t.version });
      expect(applied.status).toBe(200);
      const after = applied.body.ticket;
      expect(after.status.key).toBe(pendingKey);
      expect(after.priority).toBe("P2");
      expect(after.tags).toEqual(["refund"]);
      expect(applied.body.application.comment_ids).toHaveLength(2);
      const comments = (await sam.get(`/api/tickets/${t.id}/comments`)).body;
      expect(comments.map((c: any) => c.internal)).toEqual([false, true]);
      expect(comments[0].body).toContain("Hi Jane");
      const events = (await sam.get(`/api/tickets/${t.id}/events`)).body;
      const viaMacro = events.filter((e: any) => e.via === `macro:${macro.id}`).map((e: any) => e.action);
      expect(viaMacro).toEqual(expect.arrayContaining(["status_changed", "field_changed", "reply_added", "note_added", "macro_applied"]));
      // The requester sees the reply but nothing of the note or the macro.
      expect((await requester.get(`/api/tickets/${t.id}/comments`)).body).toHaveLength(1);

      const undo = await sam.post(`/api/macro-applications/${applied.body.application.id}/undo`);
      expect(undo.status).toBe(200);
      expect(undo.body.ticket.status.key).toBe(t.status.key);
      expect(undo.body.ticket.priority).toBe(t.priority);
      expect(undo.body.ticket.tags).toEqual(["billing"]);
      expect(undo.body.kept).toEqual([]);
      expect(undo.body.application.undone_at).not.toBeNull();
      // The reply cannot be unsent.
      expect((await sam.get(`/api/tickets/${t.id}/comments`)).body).toHaveLength(2);
      const again = await sam.post(`/api/macro-applications/${applied.body.application.id}/undo`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already undone/);
    });

    it("refuses a stale version with the current ticket, and changes nothing when any part fails", async () => {
      const t = await newTicket("Printer offline");
      const macro = (await sam.post("/api/macros", { name: "Escalate", actions: { priority: "P1", reply: "Escalated, {{requester.first_name}}." } })).body;
      await ana.patch(`/api/tickets/${t.id}`, { version: t.version, subject: "Printer offline (3rd floor)" });
      const stale = await sam.post(`/api/macros/${macro.id}/apply`, { ticket: t.id, version: t.version });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe("version_conflict");
      expect(stale.body.error.details.current.subject).toBe("Printer offline (3rd floor)");
      const fresh = (await sam.get(`/api/tickets/${t.id}`)).body;
      expect(fresh.priority).not.toBe("P1");
      expect((await sam.get(`/api/tickets/${t.id}/comments`)).body).toHaveLength(0);

      // Assigning to someone outside the ticket's team fails in updateTicket: the reply is not posted either.
      const otto = (await admin.post("/api/macros", { name: "Give to Otto", actions: { assignee: outsider.user!.id, reply: "Otto will help." }, scope: "everyone" })).body;
      const failed = await sam.post(`/api/macros/${otto.id}/apply`, { ticket: t.id, version: fresh.version });
      expect(failed.status).toBe(400);
      expect(failed.body.error.message).toMatch(/^The macro “Give to Otto” was not applied, and nothing changed: assignee_id: the assignee is not a member/);
      expect((await sam.get(`/api/tickets/${t.id}`)).body.version).toBe(fresh.version);
      expect((await sam.get(`/api/tickets/${t.id}/comments`)).body).toHaveLength(0);

      const noop = (await sam.post("/api/macros", { name: "Already P3", actions: { priority: fresh.priority } })).body;
      const nothing = await sam.post(`/api/macros/${noop.id}/apply`, { ticket: t.id, version: fresh.version });
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.message).toMatch(/would change nothing/);
    });

    it("undoes only while nobody changed the ticket since, and only for who applied it", async () => {
      const t = await newTicket("Laptop fan loud");
      const macro = (await sam.post("/api/macros", { name: "Take and P2", actions: { assignee: "me", priority: "P2", team_id: teamId } })).body;
      const applied = (await ana.post(`/api/macros/${macro.id}/apply`, { ticket: t.id, version: t.version })).status;
      expect(applied).toBe(404); // Sam's personal macro is not Ana's to apply
      const mine = (await sam.post(`/api/macros/${macro.id}/apply`, { ticket: t.id, version: t.version })).body;
      expect((await ana.post(`/api/macro-applications/${mine.application.id}/undo`)).status).toBe(404);
      await ana.patch(`/api/tickets/${t.id}`, { version: mine.ticket.version, add_tags: ["loud"] });
      const late = await sam.post(`/api/macro-applications/${mine.application.id}/undo`);
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/changed after the macro “Take and P2” was applied/);
      expect((await sam.get(`/api/tickets/${t.id}`)).body.priority).toBe("P2");
    });

    it("does only what the agent could do by hand: an assignee of 'me' is whoever applies it, and hidden tickets stay hidden", async () => {
      const shared = (await lead.post("/api/macros", { name: "Take it", actions: { assignee: "me" }, scope: "team", team_id: teamId })).body;
      const t = await newTicket("Monitor flickers");
      const res = await ana.post(`/api/macros/${shared.id}/apply`, { ticket: t.id, version: t.version });
      expect(res.status).toBe(200);
      expect(res.body.ticket.assignee.id).toBe(ana.user!.id);
      const events = (await ana.get(`/api/tickets/${t.id}/events`)).body;
      expect(events.find((e: any) => e.field === "assignee_id" && e.via === `macro:${shared.id}`).actor.id).toBe(ana.user!.id);

      const everyone = (await admin.post("/api/macros", { name: "P4 please", actions: { priority: "P4" }, scope: "everyone" })).body;
      const hidden = (await admin.post("/api/tickets", { subject: "Facilities only", team_id: otherTeam })).body;
      expect((await sam.get(`/api/macros/${everyone.id}/preview?ticket=${hidden.id}`)).status).toBe(404);
      expect((await sam.post(`/api/macros/${everyone.id}/apply`, { ticket: hidden.id, version: hidden.version })).status).toBe(404);
      expect((await admin.get(`/api/tickets/${hidden.id}`)).body.priority).not.toBe("P4");
      expect((await requester.post(`/api/macros/${everyone.id}/apply`, { ticket: hidden.id, version: 1 })).status).toBe(403);
    });

    it("says a status a ticket cannot go back to stays, when undoing", async () => {
      const raw = (await requester.post("/api/tickets", { subject: "Wi-Fi slow" })).body;
      const t = (await sam.patch(`/api/tickets/${raw.id}`, { version: raw.version, team_id: teamId })).body;
      expect(t.status.key).toBe("new");
      const macro = (await sam.post("/api/macros", { name: "Wait", actions: { status: pendingKey } })).body;
      const applied = (await sam.post(`/api/macros/${macro.id}/apply`, { ticket: t.id, version: t.version })).body;
      const undo = await sam.post(`/api/macro-applications/${applied.application.id}/undo`);
      expect(undo.status).toBe(200);
      expect(undo.body.kept[0]).toMatch(/cannot go back to New/);
      expect(undo.body.ticket.status.key).toBe(pendingKey);
    });
  });

  describe("snooze", () => {
    const mine = async (c: Client) => (await c.get("/api/tickets?assignee=me&snoozed=false&limit=200")).body.items.map((t: any) => t.id);

    it("takes a ticket out of My open tickets until its time, then brings it back marked and notifies", async () => {
      const t = await newTicket("Call back Thursday");
      const until = new Date(desk.clock.now().getTime() + 20 * HOUR).toISOString();
      const res = await sam.post(`/api/tickets/${t.id}/snooze`, { until });
      expect(res.status).toBe(200);
      expect(res.body.snoozed_until).toBe(until);
      expect(res.body.version).toBe(t.version); // snoozing is not an edit a colleague could collide with
      expect(await mine(sam)).not.toContain(t.id);
      expect((await sam.get("/api/tickets/count?assignee=me&snoozed=true")).body.count).toBeGreaterThan(0);
      expect((await sam.get("/api/tickets?assignee=me&snoozed=true")).body.items.map((x: any) => x.id)).toContain(t.id);
      // Requesters never see it.
      expect((await requester.get(`/api/tickets/${t.id}`)).body.snoozed_until).toBeNull();

      desk.clock.advance(20 * HOUR + 1000);
      // Back as soon as its time passes, whether or not the sweep has run.
      expect(await mine(sam)).toContain(t.id);
      const back = (await sam.get(`/api/tickets/${t.id}`)).body;
      expect(back).toMatchObject({ snoozed_until: null, back_from_snooze: true });
      expect(await returnSnoozedTickets(desk.ctx)).toBeGreaterThanOrEqual(1);
      expect(await returnSnoozedTickets(desk.ctx)).toBe(0);
      const notes = (await sam.get("/api/notifications?unread=true")).body.items;
      expect(notes.some((n: any) => n.kind === "snooze_ended" && n.ticket_id === t.id)).toBe(true);
      const events = (await sam.get(`/api/tickets/${t.id}/events`)).body.map((e: any) => e.action);
      expect(events).toEqual(expect.arrayContaining(["snoozed", "snooze_ended"]));

      // The mark goes once an agent acts on it.
      await sam.post(`/api/tickets/${t.id}/comments`, { body: "Called back.", internal: true });
      expect((await sam.get(`/api/tickets/${t.id}`)).body.back_from_snooze).toBe(false);
    });

    it("wakes at once when the requester replies, and can be woken by hand", async () => {
      const t = await newTicket("Waiting for the courier");
      await sam.post(`/api/tickets/${t.id}/snooze`, { until: new Date(desk.clock.now().getTime() + 48 * HOUR).toISOString() });
      expect(await mine(sam)).not.toContain(t.id);
      expect((await requester.post(`/api/tickets/${t.id}/comments`, { body: "It arrived!", format: "text" })).status).toBe(201);
      expect(await mine(sam)).toContain(t.id);
      const back = (await sam.get(`/api/tickets/${t.id}`)).body;
      expect(back).toMatchObject({ snoozed_until: null, back_from_snooze: true });
      const ended = (await sam.get(`/api/tickets/${t.id}/events`)).body.find((e: any) => e.action === "snooze_ended");
      expect(ended.new_value).toEqual({ by: "requester_reply" });

      await sam.post(`/api/tickets/${t.id}/snooze`, { until: new Date(desk.clock.now().getTime() + 2 * HOUR).toISOString() });
      const woken = await sam.delete(`/api/tickets/${t.id}/snooze`);
      expect(woken.status).toBe(200);
      expect(woken.body).toMatchObject({ snoozed_until: null, back_from_snooze: false });
      expect(await mine(sam)).toContain(t.id);
      expect((await sam.delete(`/api/tickets/${t.id}/snooze`)).status).toBe(200);
    });

    it("leaves snoozed tickets out of the unassigned queue and its count", async () => {
      const raw = (await requester.post("/api/tickets", { subject: "Nobody's yet" })).body;
      const t = (await sam.patch(`/api/tickets/${raw.id}`, { version: raw.version, team_id: teamId })).body;
      const queue = `/api/tickets?assignee=none&team=${teamId}&snoozed=false&limit=200`;
      const count = `/api/tickets/count?assignee=none&team=${teamId}&snoozed=false`;
      const before = (await ana.get(count)).body.count;
      expect((await ana.get(queue)).body.items.map((x: any) => x.id)).toContain(t.id);
      await ana.post(`/api/tickets/${t.id}/snooze`, { until: new Date(desk.clock.now().getTime() + HOUR).toISOString() });
      expect((await ana.get(queue)).body.items.map((x: any) => x.id)).not.toContain(t.id);
      expect((await ana.get(count)).body.count).toBe(before - 1);
      // "All open" still lists it, marked.
      const all = (await ana.get("/api/tickets?status_category=new,open&limit=200")).body.items.find((x: any) => x.id === t.id);
      expect(all.snoozed_until).not.toBeNull();
    });

    it("refuses what cannot be snoozed, with reasons, and changes nothing", async () => {
      const t = await newTicket("Snooze edge cases");
      const now = desk.clock.now().getTime();
      const past = await sam.post(`/api/tickets/${t.id}/snooze`, { until: new Date(now - HOUR).toISOString() });
      expect(past.status).toBe(400);
      expect(past.body.error.message).toMatch(/until: must be at least a minute from now/);
      expect((await sam.post(`/api/tickets/${t.id}/snooze`, { until: new Date(now + 400 * 24 * HOUR).toISOString() })).status).toBe(400);
      expect((await sam.post(`/api/tickets/${t.id}/snooze`, { until: "tomorrow" })).status).toBe(400);
      expect((await sam.get(`/api/tickets/${t.id}`)).body.snoozed_until).toBeNull();
      expect((await requester.post(`/api/tickets/${t.id}/snooze`, { until: new Date(now + HOUR).toISOString() })).status).toBe(403);
      const hidden = (await admin.post("/api/tickets", { subject: "Not Sam's", team_id: otherTeam })).body;
      expect((await sam.post(`/api/tickets/${hidden.id}/snooze`, { until: new Date(now + HOUR).toISOString() })).status).toBe(404);

      const resolved = await sam.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Done", root_cause: "n/a" });
      expect(resolved.status).toBe(200);
      const done = await sam.post(`/api/tickets/${t.id}/snooze`, { until: new Date(now + HOUR).toISOString() });
      expect(done.status).toBe(409);
      expect(done.body.error.message).toMatch(/only open tickets can be snoozed/);
    });
  });
});
