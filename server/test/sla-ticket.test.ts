/** A ticket's SLA clock through the HTTP API, with a controllable clock. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const MIN = 60_000;
const H = 60 * MIN;
const WEEK = ["mon", "tue", "wed", "thu", "fri"];

describe.each(dialects)("a ticket's SLA on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let teamId: number;
  let alwaysId: number;
  let n = 0;

  /** Moves the test clock forward to an instant. */
  const moveTo = (iso: string) => {
    const delta = Date.parse(iso) - desk.clock.now().getTime();
    if (delta < 0) throw new Error(`the clock is already past ${iso}`);
    desk.clock.advance(delta);
  };

  /** A category of its own and a policy timing the tickets filed in it. */
  async function policyFor(targets: object, extra: Record<string, unknown> = {}) {
    const category = (await admin.post("/api/categories", { name: `SLA case ${++n}` })).body;
    const res = await admin.post("/api/sla/policies", { name: `Policy ${n}`, calendar_id: alwaysId, conditions: { category_ids: [category.id] }, targets, ...extra });
    if (res.status !== 201) throw new Error(res.text);
    return { categoryId: category.id as number, policy: res.body };
  }

  const file = async (categoryId: number, body: Record<string, unknown> = {}) => {
    const res = await requester.post("/api/tickets", { subject: "Printer on fire", category_id: categoryId, ...body });
    if (res.status !== 201) throw new Error(res.text);
    return res.body;
  };
  const sla = async (id: number, who: Client = agent) => (await who.get(`/api/tickets/${id}/sla`)).body;
  const ticket = async (id: number) => (await agent.get(`/api/tickets/${id}`)).body;
  const change = async (id: number, body: Record<string, unknown>, who: Client = agent) => {
    const t = await ticket(id);
    const res = await who.patch(`/api/tickets/${id}`, { version: t.version, ...body });
    if (res.status !== 200) throw new Error(res.text);
    return res.body;
  };
  const events = async (id: number) => (await admin.get(`/api/tickets/${id}/events`)).body as any[];

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service desk");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
    alwaysId = (await admin.get("/api/sla/calendars")).body.find((c: any) => c.is_default).id;
    moveTo("2027-01-04T08:00:00Z");
  });
  afterAll(() => desk.close());

  it("starts the clock at creation and shows the deadlines on the ticket and in the list", async () => {
    const { categoryId, policy } = await policyFor({ P3: { first_response: 60, resolution: 8 * 60 } });
    const created = desk.clock.now().getTime();
    const t = await file(categoryId);
    expect((await ticket(t.id)).sla).toEqual({ state: "on_track", kind: "first_response", due_at: new Date(created + H).toISOString(), remaining_business_seconds: 3600 });
    const s = await sla(t.id);
    expect(s.policy).toEqual({ id: policy.id, name: policy.name });
    expect(s.clock).toMatchObject({ state: "running", used_business_seconds: 0, paused_seconds: 0 });
    expect(s.targets.map((x: any) => [x.kind, x.state, x.due_at])).toEqual([
      ["first_response", "running", new Date(created + H).toISOString()],
      ["resolution", "running", new Date(created + 8 * H).toISOString()],
    ]);
    const audit = (await events(t.id)).find((e) => e.action === "sla_policy_changed");
    expect(audit.new_value).toMatchObject({ id: policy.id, name: policy.name, priority: "P3" });
    desk.clock.advance(50 * MIN);
    const listed = (await agent.get(`/api/tickets?category=${categoryId}`)).body.items[0];
    expect(listed.sla).toMatchObject({ state: "at_risk", kind: "first_response", remaining_business_seconds: 600 });
  });

  it("meets the first response with the first public agent reply, not with a note or the requester's message", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 30, resolution: 600 } });
    const t = await file(categoryId);
    desk.clock.advance(5 * MIN);
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Looking at the logs", internal: true });
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Any news?" });
    let s = await sla(t.id);
    expect(s.targets[0]).toMatchObject({ kind: "first_response", state: "running", met_at: null });
    desk.clock.advance(5 * MIN);
    const replyAt = desk.clock.now().toISOString();
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "On it." });
    s = await sla(t.id);
    expect(s.targets[0]).toMatchObject({ kind: "first_response", state: "met", met_at: replyAt, used_business_seconds: 600 });
    expect(s.targets[0].outcome).toMatchObject({ result: "met", by_business_seconds: 20 * 60, used_business_seconds: 600 });
    expect(s.badge).toMatchObject({ state: "on_track", kind: "resolution" });
    const outcome = (await events(t.id)).find((e) => e.action === "sla_outcome");
    expect(outcome.via).toMatch(/^sla:/);
    expect(outcome.new_value).toMatchObject({ kind: "first_response", result: "met" });
  });

  it("pauses while awaiting the requester and resumes with the paused time kept", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 4 * 60 } });
    const t = await file(categoryId);
    const created = desk.clock.now().getTime();
    desk.clock.advance(H);
    await change(t.id, { status: "on_hold" });
    let s = await sla(t.id);
    expect(s.clock).toMatchObject({ state: "paused", pause_reason: "awaiting_requester", used_business_seconds: 3600 });
    expect(s.targets[0]).toMatchObject({ state: "paused", due_at: null, remaining_business_seconds: 3 * 3600 });
    expect((await ticket(t.id)).sla).toEqual({ state: "paused", kind: "resolution", due_at: null, remaining_business_seconds: 3 * 3600 });
    desk.clock.advance(2 * H);
    // The requester's answer brings it back: the clock resumes, two hours later than planned.
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Here is the screenshot" });
    s = await sla(t.id);
    expect(s.clock).toMatchObject({ state: "running", paused_seconds: 2 * 3600 });
    expect(s.targets[0]).toMatchObject({ state: "running", due_at: new Date(created + 6 * H).toISOString(), used_business_seconds: 3600 });
  });

  it("counts a pause that has only just begun, and each pause after it", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 4 * 60 } });
    const t = await file(categoryId);
    expect((await sla(t.id)).clock).toMatchObject({ state: "running", pauses: 0 });
    desk.clock.advance(H);
    await change(t.id, { status: "on_hold" });
    const pausedAt = desk.clock.now().toISOString();
    expect((await sla(t.id)).clock).toMatchObject({ state: "paused", since: pausedAt, paused_seconds: 0, pauses: 1 });
    const explained = (await agent.get(`/api/tickets/${t.id}/sla/explain`)).body.summary;
    expect(explained).toMatch(/The clock is paused \(.+\); .+, paused from this moment\.$/);
    expect(explained).not.toMatch(/never paused/);
    desk.clock.advance(12 * MIN);
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Here it is" });
    expect((await sla(t.id)).clock).toMatchObject({ state: "running", paused_seconds: 12 * 60, pauses: 1 });
    desk.clock.advance(H);
    await change(t.id, { status: "on_hold" });
    desk.clock.advance(5 * MIN);
    expect((await sla(t.id)).clock).toMatchObject({ state: "paused", paused_seconds: 17 * 60, pauses: 2 });
  });

  it("does not pause on a status the policy does not pause on", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 120 } }, { pause_on: ["awaiting_requester"] });
    const t = await file(categoryId);
    await change(t.id, { status: "pending" });
    expect((await sla(t.id)).clock.state).toBe("running");
  });

  it("matches the policy again when the priority changes, and says so in the audit", async () => {
    const { categoryId } = await policyFor({ P1: { first_response: 15, resolution: 120 }, P3: { first_response: 240, resolution: 2400 } });
    const t = await file(categoryId);
    expect((await sla(t.id)).targets[0].target_minutes).toBe(240);
    desk.clock.advance(10 * MIN);
    await change(t.id, { priority: "P1" });
    const s = await sla(t.id);
    expect(s.priority).toBe("P1");
    expect(s.targets.map((x: any) => x.target_minutes)).toEqual([15, 120]);
    // The ten minutes already used still count against the new target.
    expect(s.targets[0]).toMatchObject({ used_business_seconds: 600, remaining_business_seconds: 300 });
    const ev = (await events(t.id)).find((e) => e.action === "sla_terms_changed");
    expect(ev.old_value).toMatchObject({ priority: "P3" });
    expect(ev.new_value).toMatchObject({ priority: "P1", targets: { first_response: 15, resolution: 120 } });
  });

  it("moves a ticket to another policy when a matched field changes (VIP organization, sub-category)", async () => {
    const org = (await admin.post("/api/organizations", { name: "VIP Corp" })).body;
    const parent = (await admin.post("/api/categories", { name: "Hardware" })).body;
    const child = (await admin.post("/api/categories", { name: "Laptops", parent_id: parent.id })).body;
    const vip = (
      await admin.post("/api/sla/policies", { name: "VIP", calendar_id: alwaysId, conditions: { organization_ids: [org.id], category_ids: [parent.id] }, targets: { P3: { resolution: 60 } } })
    ).body;
    const hw = (await admin.post("/api/sla/policies", { name: "Hardware", calendar_id: alwaysId, conditions: { category_ids: [parent.id] }, targets: { P3: { resolution: 600 } } })).body;
    const vipUser = await desk.user("requester", { organization_id: org.id });
    const t = (await vipUser.post("/api/tickets", { subject: "Laptop dead", category_id: child.id })).body;
    expect((await sla(t.id)).policy.name).toBe("VIP");
    await change(t.id, { requester_id: requester.user!.id });
    const s = await sla(t.id);
    expect(s.policy.name).toBe("Hardware");
    const ev = (await events(t.id)).filter((e) => e.action === "sla_policy_changed").pop();
    expect(ev.old_value).toEqual({ id: vip.id, name: "VIP" });
    expect(ev.new_value).toMatchObject({ id: hw.id, name: "Hardware" });
  });

  it("times each requester message with the next-response target", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 30, next_response: 20, resolution: 600 } });
    const t = await file(categoryId);
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Hello" });
    expect((await sla(t.id)).targets.map((x: any) => x.kind)).toEqual(["first_response", "resolution"]);
    desk.clock.advance(MIN);
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Still broken" });
    desk.clock.advance(MIN);
    await requester.post(`/api/tickets/${t.id}/comments`, { body: "Really broken" });
    let s = await sla(t.id);
    const nr = s.targets.find((x: any) => x.kind === "next_response");
    expect(nr).toMatchObject({ cycle: 1, state: "running", target_minutes: 20, used_business_seconds: 60 });
    expect(s.badge.kind).toBe("next_response");
    desk.clock.advance(25 * MIN);
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Replacing it" });
    s = await sla(t.id);
    expect(s.targets.find((x: any) => x.kind === "next_response")).toMatchObject({ state: "breached", outcome: { result: "breached", by_business_seconds: 6 * 60 } });
    // Met late before any sweep: the breach is still in the audit, once.
    expect((await events(t.id)).filter((e) => e.action === "sla_breached").map((e) => e.new_value)).toEqual([expect.objectContaining({ kind: "next_response", met_late: true })]);
  });

  it("stops at resolution, resumes on reopening, and keeps every outcome", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 120 } });
    const t = await file(categoryId);
    desk.clock.advance(30 * MIN);
    await change(t.id, { status: "resolved", resolution_note: "Rebooted", root_cause: "Memory leak" });
    let s = await sla(t.id);
    expect(s.clock.state).toBe("stopped");
    expect(s.targets[0]).toMatchObject({ state: "met", outcome: { result: "met", by_business_seconds: 90 * 60 } });
    expect((await ticket(t.id)).sla.state).toBe("met");
    desk.clock.advance(5 * H);
    await requester.post(`/api/tickets/${t.id}/reopen`, { comment: "Back again" });
    s = await sla(t.id);
    expect(s.clock.state).toBe("running");
    expect(s.targets[0]).toMatchObject({ state: "running", met_at: null, used_business_seconds: 30 * 60, outcome: null });
    desk.clock.advance(2 * H);
    await change(t.id, { status: "resolved", resolution_note: "Replaced the RAM", root_cause: "Bad RAM" });
    s = await sla(t.id);
    expect(s.outcomes.map((o: any) => [o.kind, o.result])).toEqual([
      ["resolution", "met"],
      ["resolution", "breached"],
    ]);
    expect(s.outcomes[1].by_business_seconds).toBe(30 * 60);
    // Closing keeps the clock stopped and the outcomes as they were.
    await requester.post(`/api/tickets/${t.id}/confirm`, {});
    expect((await sla(t.id)).outcomes).toHaveLength(2);
  });

  it("shows a requester only the expected answer and resolution times", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 60, resolution: 600 } });
    const created = desk.clock.now().getTime();
    const t = await file(categoryId);
    const mine = await requester.get(`/api/tickets/${t.id}/sla`);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      audience: "requester",
      ticket_id: t.id,
      first_response: { expected_at: new Date(created + H).toISOString(), done_at: null },
      resolution: { expected_at: new Date(created + 10 * H).toISOString(), done_at: null },
    });
    expect(JSON.stringify(mine.body)).not.toMatch(/policy|breach|warn|calendar/);
    expect((await requester.get(`/api/tickets/${t.id}`)).body.sla).toBeNull();
    expect((await requester.get(`/api/tickets`)).body.items.every((x: any) => x.sla === null)).toBe(true);
    expect((await requester.get(`/api/tickets/${t.id}/sla/explain`)).status).toBe(403);
    const stranger = await desk.user("requester");
    expect((await stranger.get(`/api/tickets/${t.id}/sla`)).status).toBe(404);
    // While the clock waits for them, there is no expected time.
    await change(t.id, { status: "on_hold" });
    expect((await sla(t.id, requester)).resolution).toEqual({ expected_at: null, done_at: null });
  });

  it("sorts by SLA (breached, at risk, then due time) and filters tickets breaching soon, also in saved views", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 100 } });
    const late = await file(categoryId, { subject: "late" });
    desk.clock.advance(80 * MIN);
    const risky = await file(categoryId, { subject: "at risk" });
    desk.clock.advance(5 * MIN);
    const fresh = await file(categoryId, { subject: "fresh" });
    const paused = await file(categoryId, { subject: "paused" });
    await change(paused.id, { status: "on_hold" });
    desk.clock.advance(70 * MIN);
    // late: 155 min of 100 → breached; risky: 75 of 100 → at risk; fresh: 70 of 100 → on track.
    const sorted = (await agent.get(`/api/tickets?category=${categoryId}&sort=sla`)).body.items.map((x: any) => [x.subject, x.sla.state]);
    expect(sorted).toEqual([
      ["late", "breached"],
      ["at risk", "at_risk"],
      ["fresh", "on_track"],
      ["paused", "paused"],
    ]);
    const page1 = await agent.get(`/api/tickets?category=${categoryId}&sort=sla&limit=2`);
    const page2 = await agent.get(`/api/tickets?category=${categoryId}&sort=sla&limit=2&cursor=${page1.body.next_cursor}`);
    expect([...page1.body.items, ...page2.body.items].map((x: any) => x.subject)).toEqual(["late", "at risk", "fresh", "paused"]);
    const soon = (await agent.get(`/api/tickets?category=${categoryId}&sla=breaching_soon&sort=sla`)).body.items.map((x: any) => x.id);
    expect(soon).toEqual([late.id, risky.id]);
    expect((await agent.get(`/api/tickets/count?category=${categoryId}&sla=breached`)).body.count).toBe(1);
    expect((await agent.get(`/api/tickets?category=${categoryId}&sla=paused`)).body.items.map((x: any) => x.id)).toEqual([paused.id]);
    expect((await agent.get(`/api/tickets?category=${categoryId}&sla=on_track`)).body.items.map((x: any) => x.id)).toEqual([fresh.id]);
    expect((await agent.get(`/api/tickets?sla=soon`)).status).toBe(400);
    const view = await agent.post("/api/views", { name: "Breaching soon", filters: { sla: "breaching_soon", sort: "sla", category: String(categoryId) } });
    expect(view.status, view.text).toBe(201);
    expect((await agent.post("/api/views", { name: "Bad", filters: { sla: "whenever" } })).status).toBe(400);
  });

  it("stops the clock of a merged duplicate and of children resolved with their major incident", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 600 } });
    const a = await file(categoryId);
    const b = await file(categoryId);
    expect((await agent.post(`/api/tickets/${b.id}/merge`, { into: a.id })).status).toBe(200);
    expect((await sla(b.id)).clock.state).toBe("stopped");
    expect((await sla(a.id)).clock.state).toBe("running");

    const parent = await file(categoryId);
    const child = await file(categoryId);
    await change(parent.id, { team_id: teamId, is_major_incident: true });
    expect((await agent.post(`/api/tickets/${child.id}/links`, { kind: "parent", target: parent.id })).status).toBe(201);
    await change(parent.id, { status: "resolved", resolution_note: "Fixed upstream", root_cause: "Provider outage" });
    const c = await sla(child.id);
    expect(c.clock.state).toBe("stopped");
    expect(c.targets[0].state).toBe("met");
  });

  it("pauses the clocks of tickets changed in bulk", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 600 } });
    const a = await file(categoryId);
    const b = await file(categoryId);
    const res = await agent.post("/api/tickets/bulk", { ids: [a.id, b.id], changes: { status: "pending" } });
    expect(res.body.results.every((r: any) => r.ok)).toBe(true);
    expect((await sla(a.id)).clock).toMatchObject({ state: "paused", pause_reason: "awaiting_third_party" });
    expect((await sla(b.id)).clock.state).toBe("paused");
  });

  it("explains the clock in business hours: outside hours, a holiday, a pause, and the deadline", async () => {
    const cal = (
      await admin.post("/api/sla/calendars", {
        name: "Lyon office",
        time_zone: "Europe/Paris",
        hours: WEEK.map((day) => ({ day, start: "09:00", end: "17:00" })),
        holidays: [{ name: "Armistice", date: "2027-11-11", yearly: true }],
      })
    ).body;
    const category = (await admin.post("/api/categories", { name: "Lyon" })).body;
    await admin.post("/api/sla/policies", { name: "Lyon hours", calendar_id: cal.id, conditions: { category_ids: [category.id] }, targets: { P3: { first_response: 4 * 60, resolution: 16 * 60 } } });
    // Wednesday 10 November 2027, 16:00 in Lyon.
    moveTo("2027-11-10T15:00:00Z");
    const t = await file(category.id);
    let s = await sla(t.id);
    // 1 h on Wednesday, the holiday, then Friday from 09:00: the first response is due Friday 12:00.
    expect(s.targets[0].due_at).toBe("2027-11-12T11:00:00.000Z");
    moveTo("2027-11-12T09:00:00Z"); // Friday 10:00
    await change(t.id, { status: "on_hold" });
    moveTo("2027-11-12T13:00:00Z"); // Friday 14:00
    await change(t.id, { status: "open" });
    s = await sla(t.id);
    // Two hours were used before the pause; the other two follow it: due Friday 16:00.
    expect(s.targets[0].due_at).toBe("2027-11-12T15:00:00.000Z");
    moveTo("2027-11-12T13:30:00Z");
    const ex = await agent.get(`/api/tickets/${t.id}/sla/explain`);
    expect(ex.status).toBe(200);
    expect(ex.body.timeline.map((e: any) => [e.kind, e.reason])).toEqual([
      ["counting", null],
      ["outside_hours", null],
      ["holiday", "Armistice"],
      ["outside_hours", null],
      ["counting", null],
      ["paused", "awaiting_requester"],
      ["counting", null],
    ]);
    expect(ex.body.timeline[2].sentence).toBe("Holiday (Armistice) from Thu 11 Nov 2027, 00:00 (Europe/Paris) to Fri 12 Nov 2027, 00:00 (Europe/Paris): not counted.");
    expect(ex.body.timeline[5].sentence).toBe("Paused from Fri 12 Nov 2027, 10:00 (Europe/Paris) to Fri 12 Nov 2027, 14:00 (Europe/Paris) (4 h) while waiting for the requester: not counted.");
    expect(ex.body.timeline[6]).toMatchObject({ to: null, business_seconds: 1800, sentence: "Counting from Fri 12 Nov 2027, 14:00 (Europe/Paris) until now: 30 min of business time." });
    const fr = ex.body.deadlines[0];
    expect(fr).toMatchObject({ kind: "first_response", state: "running", due_at: "2027-11-12T15:00:00.000Z", paused_seconds: 4 * 3600, used_business_seconds: 2.5 * 3600 });
    expect(fr.sentence).toBe(
      'First response: 4 h of business time from Wed 10 Nov 2027, 16:00 (Europe/Paris), counted only in the business hours of "Lyon office"; the clock was paused for 4 h, which does not count. 2 h 30 min of business time used so far, 1 h 30 min left: due at Fri 12 Nov 2027, 16:00 (Europe/Paris).',
    );
    expect(ex.body.summary).toMatch(
      /^This ticket is timed by the policy "Lyon hours" for P3, in the calendar "Lyon office" \(Europe\/Paris\)\. The clock is running; 2 h 30 min of business time used, paused for 4 h in all\.$/,
    );
    expect(ex.body.changes[0]).toMatchObject({ action: "sla_policy_changed", sentence: 'The policy "Lyon hours" applies (P3).' });
  });

  it("recomputes a ticket after its policy changed, and records it in the audit", async () => {
    const { categoryId, policy } = await policyFor({ P3: { resolution: 600 } });
    const t = await file(categoryId);
    const created = desk.clock.now().getTime();
    expect((await admin.patch(`/api/sla/policies/${policy.id}`, { targets: { P3: { resolution: 120 } } })).status).toBe(200);
    // Stored deadlines stay until recomputed...
    expect((await sla(t.id)).targets[0].due_at).toBe(new Date(created + 10 * H).toISOString());
    expect((await agent.post(`/api/tickets/${t.id}/sla/recompute`)).status).toBe(403);
    // ...a dry run says what recomputing would give, and changes nothing...
    const dry = await admin.post(`/api/tickets/${t.id}/sla/recompute?dry_run=true`);
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.targets[0]).toMatchObject({ target_minutes: 120, due_at: new Date(created + 2 * H).toISOString() });
    expect((await sla(t.id)).targets[0].due_at).toBe(new Date(created + 10 * H).toISOString());
    expect((await ticket(t.id)).sla.due_at).toBe(new Date(created + 10 * H).toISOString());
    expect((await events(t.id)).some((e) => e.action === "sla_recomputed")).toBe(false);
    const res = await admin.post(`/api/tickets/${t.id}/sla/recompute`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.targets[0]).toMatchObject({ target_minutes: 120, due_at: new Date(created + 2 * H).toISOString() });
    expect((await ticket(t.id)).sla.due_at).toBe(new Date(created + 2 * H).toISOString());
    const ev = (await events(t.id)).find((e) => e.action === "sla_recomputed");
    expect(ev.actor.id).toBe(admin.user!.id);
    expect(ev.old_value[0]).toMatchObject({ kind: "resolution", target_minutes: 600 });
    expect(ev.new_value.targets[0]).toMatchObject({ kind: "resolution", target_minutes: 120 });

    // The batch form does the same for every open ticket of a policy.
    const other = await file(categoryId);
    await admin.patch(`/api/sla/policies/${policy.id}`, { targets: { P3: { resolution: 90 } } });
    const batch = await admin.post("/api/sla/recompute", { policy_id: policy.id, limit: 1 });
    expect(batch.body).toEqual({ recomputed: 1, next_after_id: t.id });
    const rest = await admin.post("/api/sla/recompute", { policy_id: policy.id, after_id: batch.body.next_after_id });
    expect(rest.body).toEqual({ recomputed: 1, next_after_id: null });
    expect((await sla(other.id)).targets[0].target_minutes).toBe(90);
  });

  it("starts a draft's clock when it is submitted, and stops it for good when cancelled", async () => {
    const { categoryId, policy } = await policyFor({ P3: { first_response: 60, resolution: 600 } });
    const draft = await file(categoryId, { status: "draft" });
    expect((await sla(draft.id, admin)).clock.state).toBe("none");
    desk.clock.advance(3 * H);
    const submittedAt = desk.clock.now().getTime();
    const submitted = await requester.patch(`/api/tickets/${draft.id}`, { version: draft.version, status: "new" });
    expect(submitted.status, submitted.text).toBe(200);
    const s = await sla(draft.id);
    expect(s.clock).toMatchObject({ state: "running", since: new Date(submittedAt).toISOString() });
    expect(s.targets[0].due_at).toBe(new Date(submittedAt + H).toISOString());

    await change(draft.id, { status: "cancelled" });
    desk.clock.advance(5 * H);
    const after = await sla(draft.id);
    expect(after.clock).toMatchObject({ state: "stopped", pause_reason: "cancelled" });
    expect(after.targets.map((x: any) => x.state)).toEqual(["stopped", "stopped"]);
    expect(after.outcomes).toEqual([]);
    expect((await ticket(draft.id)).sla).toMatchObject({ state: "none", due_at: null });
    // With no open ticket left on it, the policy can go; the ticket keeps its name.
    expect((await admin.delete(`/api/sla/policies/${policy.id}`)).status).toBe(204);
    expect((await sla(draft.id)).policy).toEqual({ id: null, name: policy.name });
  });

  it("leaves tickets no policy matches without an SLA", async () => {
    const t = (await requester.post("/api/tickets", { subject: "No category" })).body;
    expect((await ticket(t.id)).sla).toEqual({ state: "none", kind: null, due_at: null, remaining_business_seconds: null });
    const s = await sla(t.id);
    expect(s).toMatchObject({ policy: null, targets: [], clock: { state: "none" } });
    expect((await agent.get(`/api/tickets/${t.id}/sla/explain`)).body.summary).toMatch(/No SLA policy applies/);
  });
});
