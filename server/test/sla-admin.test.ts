/** Admin screens' API for SLAs: calendars, policies, their order, the preview, and refusals. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const office = (zone = "Europe/Paris") => ({
  time_zone: zone,
  hours: ["mon", "tue", "wed", "thu", "fri"].map((day) => ({ day, start: "09:00", end: "17:00" })),
});

describe.each(dialects)("SLA administration on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let defaultCalendarId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    agent = await desk.user("agent");
    requester = await desk.user("requester");
    defaultCalendarId = (await admin.get("/api/sla/calendars")).body.find((c: any) => c.is_default).id;
  });
  afterAll(() => desk.close());

  it("starts with a default 24×7 calendar that cannot be deleted", async () => {
    const list = await agent.get("/api/sla/calendars");
    expect(list.status).toBe(200);
    const def = list.body.find((c: any) => c.is_default);
    expect(def).toMatchObject({ name: "24×7", time_zone: "UTC", weekly_business_minutes: 7 * 24 * 60, holidays: [] });
    const del = await admin.delete(`/api/sla/calendars/${def.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/default 24×7 calendar cannot be deleted/);
  });

  it("creates a calendar with shifts, an overnight shift and holidays, and shows it back", async () => {
    const res = await admin.post("/api/sla/calendars", {
      name: "Paris office",
      ...office(),
      hours: [...office().hours, { day: "sat", start: "22:00", end: "02:00", overnight: true }],
      holidays: [
        { name: "Christmas", date: "2026-12-25", yearly: true },
        { name: "Closure", date: "2026-12-28", end_date: "2026-12-31" },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: "Paris office", time_zone: "Europe/Paris", is_default: false, weekly_business_minutes: 5 * 480 + 240, policies: [] });
    expect(res.body.hours[5]).toEqual({ day: "sat", start: "22:00", end: "02:00", overnight: true });
    expect(res.body.holidays[0]).toMatchObject({ name: "Christmas", yearly: true });
  });

  it("refuses bad calendars with a 400 naming the field, and stores nothing", async () => {
    const before = (await admin.get("/api/sla/calendars")).body.length;
    const cases: Array<[object, RegExp]> = [
      [{ name: "Bad zone", ...office("Europe/Atlantis") }, /^time_zone: "Europe\/Atlantis" is not a time zone/],
      [{ name: "Inverted", time_zone: "UTC", hours: [{ day: "mon", start: "17:00", end: "09:00" }] }, /^hours\[0\]\.end: the shift ends \(09:00\) before it starts \(17:00\)/],
      [
        {
          name: "Overlap",
          time_zone: "UTC",
          hours: [
            { day: "mon", start: "09:00", end: "13:00" },
            { day: "mon", start: "12:00", end: "18:00" },
          ],
        },
        /^hours\[1\]: overlaps hours\[0\]/,
      ],
      [{ name: "Bad time", time_zone: "UTC", hours: [{ day: "mon", start: "9:00", end: "25:00" }] }, /hours\.0\.start/],
      [{ name: "Bad holiday", time_zone: "UTC", hours: office().hours, holidays: [{ name: "x", date: "2027-01-10", end_date: "2027-01-02" }] }, /^holidays\[0\]\.end_date: ends/],
      [{ name: "Closed", time_zone: "UTC", hours: office().hours, holidays: [{ name: "x", date: "2020-01-01", end_date: "2040-12-31" }] }, /^holidays: the holidays leave no working time/],
      [{ name: "Empty", time_zone: "UTC", hours: [] }, /^hours: a calendar needs at least one working shift/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post("/api/sla/calendars", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toMatch(message);
    }
    expect((await admin.get("/api/sla/calendars")).body.length).toBe(before);
  });

  it("refuses a second calendar with the same name (409)", async () => {
    await admin.post("/api/sla/calendars", { name: "Twice", ...office() });
    const again = await admin.post("/api/sla/calendars", { name: "Twice", ...office() });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/"Twice" already exists/);
  });

  it("changes a calendar, refusing a bad change without storing any of it", async () => {
    const cal = (await admin.post("/api/sla/calendars", { name: "Editable", ...office() })).body;
    const bad = await admin.patch(`/api/sla/calendars/${cal.id}`, { name: "Renamed", time_zone: "Nowhere/City" });
    expect(bad.status).toBe(400);
    expect((await admin.get(`/api/sla/calendars/${cal.id}`)).body.name).toBe("Editable");
    const ok = await admin.patch(`/api/sla/calendars/${cal.id}`, { time_zone: "America/New_York" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: "Editable", time_zone: "America/New_York" });
    expect((await admin.get("/api/sla/calendars/999999")).status).toBe(404);
  });

  it("will not delete a calendar a policy uses, and says which", async () => {
    const cal = (await admin.post("/api/sla/calendars", { name: "In use", ...office() })).body;
    const pol = await admin.post("/api/sla/policies", { name: "Uses it", calendar_id: cal.id, targets: { P1: { first_response: 30 } } });
    expect(pol.status, pol.text).toBe(201);
    const del = await admin.delete(`/api/sla/calendars/${cal.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/used by "Uses it"/);
    expect((await admin.get(`/api/sla/calendars/${cal.id}`)).body.policies).toEqual([{ id: pol.body.id, name: "Uses it" }]);
    expect((await admin.delete(`/api/sla/policies/${pol.body.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/sla/calendars/${cal.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/sla/calendars/${cal.id}`)).status).toBe(404);
  });

  it("refuses bad policies with a 400 naming the field, and stores nothing", async () => {
    const before = (await admin.get("/api/sla/policies")).body.length;
    const base = { name: "Bad", calendar_id: defaultCalendarId, targets: { P1: { first_response: 30, resolution: 240 } } };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, targets: { P1: { first_response: -5 } } }, /targets\.P1\.first_response: must be more than 0 minutes/],
      [{ ...base, targets: { P1: { first_response: 1.5 } } }, /targets\.P1\.first_response/],
      [{ ...base, targets: { P9: { first_response: 10 } } }, /targets/],
      [{ ...base, targets: {} }, /^targets: set at least one target/],
      [{ ...base, targets: { P1: { first_response: 300, resolution: 60 } } }, /^targets\.P1\.first_response: is longer than the resolution target/],
      [{ ...base, calendar_id: 999999 }, /^calendar_id: no calendar has the id 999999/],
      [{ ...base, warn_percent: 100 }, /warn_percent/],
      [{ ...base, conditions: { category_ids: [999999] } }, /^conditions\.category_ids: no category has the id 999999/],
      [{ ...base, escalations: [{ level: "breach", actions: [{ type: "reassign_team", team_id: 999999 }] }] }, /^escalations\[0\]\.actions\[0\]\.team_id: no team has the id 999999/],
      [{ ...base, escalations: [{ level: "breach", actions: [{ type: "notify_user", user_id: requester.user!.id }] }] }, /no active agent has the id/],
      [{ ...base, escalations: [{ level: "later", actions: [{ type: "notify_assignee" }] }] }, /escalations\.0\.level/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post("/api/sla/policies", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await admin.get("/api/sla/policies")).body.length).toBe(before);
  });

  it("keeps policies in order, new ones last, and reorders them only with the full list", async () => {
    const a = (await admin.post("/api/sla/policies", { name: "Order A", calendar_id: defaultCalendarId, targets: { P2: { resolution: 60 } } })).body;
    const b = (await admin.post("/api/sla/policies", { name: "Order B", calendar_id: defaultCalendarId, targets: { P2: { resolution: 60 } } })).body;
    expect(b.position).toBeGreaterThan(a.position);
    expect(b.escalations.map((e: any) => e.level)).toEqual(["warning", "breach"]);
    const ids = (await admin.get("/api/sla/policies")).body.map((p: any) => p.id);
    const partial = await admin.put("/api/sla/policies/order", { ids: [b.id, a.id] });
    if (ids.length > 2) {
      expect(partial.status).toBe(400);
      expect(partial.body.error.message).toMatch(/must list every policy; missing/);
    }
    expect((await admin.put("/api/sla/policies/order", { ids: [...ids, ids[0]] })).status).toBe(400);
    expect((await admin.put("/api/sla/policies/order", { ids: [...ids.slice(1), 424242] })).status).toBe(400);
    const reordered = await admin.put("/api/sla/policies/order", { ids: [...ids].reverse() });
    expect(reordered.status).toBe(200);
    expect(reordered.body.map((p: any) => p.id)).toEqual([...ids].reverse());
  });

  it("numbers policies 1, 2, 3 in the order they are tried, with no gap after a delete", async () => {
    const make = async (name: string) => (await admin.post("/api/sla/policies", { name, calendar_id: defaultCalendarId, targets: { P4: { resolution: 60 } } })).body;
    const [x, y, z] = [await make("Rank X"), await make("Rank Y"), await make("Rank Z")];
    expect((await admin.delete(`/api/sla/policies/${y.id}`)).status).toBe(204);
    const list = (await admin.get("/api/sla/policies")).body;
    expect(list.map((p: any) => p.position)).toEqual(list.map((_: unknown, i: number) => i + 1));
    const zPlace = list.findIndex((p: any) => p.id === z.id) + 1;
    expect((await admin.get(`/api/sla/policies/${z.id}`)).body.position).toBe(zPlace);
    expect((await admin.get(`/api/sla/policies/${x.id}`)).body.position).toBe(zPlace - 1);
    const moved = (await admin.put("/api/sla/policies/order", { ids: [z.id, ...list.map((p: any) => p.id).filter((id: number) => id !== z.id)] })).body;
    expect(moved.slice(0, 1).map((p: any) => [p.name, p.position])).toEqual([["Rank Z", 1]]);
    expect(moved.map((p: any) => p.position)).toEqual(moved.map((_: unknown, i: number) => i + 1));
  });

  it("lets agents read policies and preview, but only admins change them", async () => {
    expect((await agent.get("/api/sla/policies")).status).toBe(200);
    expect((await agent.post("/api/sla/calendars", { name: "Agent's", ...office() })).status).toBe(403);
    expect((await agent.post("/api/sla/policies", { name: "Agent's", calendar_id: defaultCalendarId, targets: { P1: { resolution: 5 } } })).status).toBe(403);
    expect((await requester.get("/api/sla/policies")).status).toBe(403);
    expect((await requester.get("/api/sla/calendars")).status).toBe(403);
    expect((await agent.put("/api/sla/settings", { auto_close_days: 3 })).status).toBe(403);
  });

  it("previews when a P2 incident created at a given time is due, in the calendar's own words", async () => {
    const cal = (await admin.post("/api/sla/calendars", { name: "Preview office", ...office(), holidays: [{ name: "Armistice", date: "2027-11-11", yearly: true }] })).body;
    const pol = (await admin.post("/api/sla/policies", { name: "Preview policy", active: false, calendar_id: cal.id, targets: { P2: { first_response: 120, resolution: 16 * 60 } } })).body;
    // Wednesday 10 November 2027, 16:00 in Paris (15:00Z); Thursday the 11th is a holiday.
    const res = await agent.post("/api/sla/preview", { policy_id: pol.id, priority: "P2", created_at: "2027-11-10T15:00:00Z" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.calendar).toEqual({ id: cal.id, name: "Preview office", time_zone: "Europe/Paris" });
    const [fr, resolution] = res.body.targets;
    expect(fr).toMatchObject({ kind: "first_response", target_minutes: 120, due_at: "2027-11-12T09:00:00.000Z", due_local: "Fri 12 Nov 2027, 10:00 (Europe/Paris)" });
    expect(fr.sentence).toBe(
      'A P2 incident created Wed 10 Nov 2027, 16:00 (Europe/Paris) is due for its first response by Fri 12 Nov 2027, 10:00 (Europe/Paris): 2 h of business time in "Preview office" under "Preview policy".',
    );
    // 16 h: 1 h on Wednesday, none on the holiday, 8 h on Friday, 7 h on Monday.
    expect(resolution).toMatchObject({ kind: "resolution", due_local: "Mon 15 Nov 2027, 16:00 (Europe/Paris)" });

    // An unsaved calendar being edited, with ad hoc targets.
    const draft = await agent.post("/api/sla/preview", {
      calendar: { time_zone: "Asia/Tokyo", hours: [{ day: "mon", start: "22:00", end: "06:00", overnight: true }] },
      targets: { first_response: 60 },
      priority: "P1",
      created_at: "2027-11-08T12:00:00Z",
    });
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body.targets[0].due_local).toBe("Mon 8 Nov 2027, 23:00 (Asia/Tokyo)");

    const bad = await agent.post("/api/sla/preview", { calendar: { time_zone: "Mars/Base", hours: office().hours }, targets: { first_response: 60 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^calendar\.time_zone/);
    expect((await agent.post("/api/sla/preview", { priority: "P1" })).status).toBe(400);
    const none = await agent.post("/api/sla/preview", { policy_id: pol.id, priority: "P4" });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/has no targets for P4/);
  });

  it("keeps the auto-close setting, 0 to 365 days", async () => {
    expect((await agent.get("/api/sla/settings")).body).toEqual({ auto_close_days: 7 });
    expect((await admin.put("/api/sla/settings", { auto_close_days: -1 })).status).toBe(400);
    expect((await admin.put("/api/sla/settings", { auto_close_days: 3 })).body).toEqual({ auto_close_days: 3 });
    expect((await agent.get("/api/sla/settings")).body).toEqual({ auto_close_days: 3 });
  });

  it("documents the SLA routes in the OpenAPI description", async () => {
    const doc = await admin.get("/api/openapi.json");
    for (const path of [
      "/api/sla/calendars",
      "/api/sla/policies",
      "/api/sla/policies/order",
      "/api/sla/preview",
      "/api/tickets/{id}/sla",
      "/api/tickets/{id}/sla/explain",
      "/api/tickets/{id}/sla/recompute",
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it("will not delete a policy that still times open tickets", async () => {
    const teamId = await makeTeam(admin, "Deletion team");
    const pol = (await admin.post("/api/sla/policies", { name: "Timing one", calendar_id: defaultCalendarId, conditions: { channels: ["phone"] }, targets: { P3: { resolution: 600 } } })).body;
    const others = (await admin.get("/api/sla/policies")).body.map((p: any) => p.id).filter((id: number) => id !== pol.id);
    expect((await admin.put("/api/sla/policies/order", { ids: [pol.id, ...others] })).status).toBe(200);
    const t = await agent.post("/api/tickets", { subject: "By phone", channel: "phone", team_id: teamId, requester_id: requester.user!.id });
    expect(t.status).toBe(201);
    const del = await admin.delete(`/api/sla/policies/${pol.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/1 open ticket\(s\) are timed by "Timing one"/);
  });
});
