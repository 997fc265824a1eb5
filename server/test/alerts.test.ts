/**
 * Monitoring alerts as a ticket channel: Alertmanager v4 and generic payloads, one open
 * ticket per fingerprint (also under concurrent posts), idempotent retries, recovery notes
 * and auto-resolve, clear refusals of bad payloads, and token authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { Client as HttpClient, createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const FIRING_END = "0001-01-01T00:00:00Z";

function amAlert(fp: string, over: Record<string, unknown> = {}) {
  return {
    status: "firing",
    labels: { alertname: "HighCPU", instance: `web-${fp}`, severity: "critical" },
    annotations: { summary: `CPU above 90% on web-${fp}`, description: "Load has been high for 10 minutes." },
    startsAt: "2026-11-25T10:00:00.123456789Z",
    endsAt: FIRING_END,
    generatorURL: "http://prometheus:9090/graph?g0.expr=cpu",
    fingerprint: fp,
    ...over,
  };
}

function amPayload(alerts: object[], status = "firing") {
  return {
    version: "4",
    groupKey: '{}:{alertname="HighCPU"}',
    truncatedAlerts: 0,
    status,
    receiver: "tessera",
    groupLabels: { alertname: "HighCPU" },
    commonLabels: { alertname: "HighCPU" },
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    alerts,
  };
}

describe.each(dialects)("monitoring alerts on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, integration: Client, requester: Client;
  let teamId: number;

  const alertTickets = async () => desk.ctx.db.selectFrom("tickets").selectAll().where("channel", "=", "alert").orderBy("id").execute();
  const notesOn = async (ticketId: number) => desk.ctx.db.selectFrom("comments").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();

  beforeAll(async () => {
    // Repeat counts are written when a test flushes them (or the server closes), never by the timer mid-test.
    desk = await createDesk(dialect, { TESSERA_ALERT_REPEAT_FLUSH_SECONDS: "3600" });
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Operations");
    integration = await desk.user("agent", { name: "Alertmanager" });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  it("opens one incident per alert of an Alertmanager v4 payload, with priority from severity", async () => {
    const res = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a1"), amAlert("a2", { labels: { alertname: "HighCPU", instance: "web-a2", severity: "warning" } })]));
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.outcome)).toEqual(["created", "created"]);
    const tickets = await alertTickets();
    expect(tickets).toHaveLength(2);
    expect(tickets.map((t) => [t.type, t.channel, t.priority, t.requester_id])).toEqual([
      ["incident", "alert", "P1", integration.user!.id],
      ["incident", "alert", "P3", integration.user!.id],
    ]);
    expect(tickets[0].subject).toBe("HighCPU: CPU above 90% on web-a1");
    const shown = (await integration.get(`/api/tickets/${tickets[0].id}`)).body;
    expect(shown.description).toContain("Fingerprint: a1");
    expect(shown.description).toContain("instance = web-a1");
    expect(shown.tags).toContain("alert");
    // The integration account that "requested" them gets no mail about them.
    expect(
      await desk.ctx.db
        .selectFrom("mail_outbox")
        .selectAll()
        .where(
          "ticket_id",
          "in",
          tickets.map((t) => t.id),
        )
        .execute(),
    ).toEqual([]);
  });

  it("changes nothing when the same notification comes again (a retry or a repeat)", async () => {
    const again = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a1"), amAlert("a2")]));
    expect(again.status).toBe(200);
    expect(again.body.results.map((r: any) => r.outcome)).toEqual(["repeat", "repeat"]);
    const tickets = await alertTickets();
    expect(tickets).toHaveLength(2);
    expect(await notesOn(tickets[0].id)).toEqual([]);
  });

  it("adds a note to the open ticket when its alert fires again, instead of a new ticket", async () => {
    const res = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a1", { startsAt: "2026-11-25T12:00:00Z" })]));
    expect(res.body.results[0]).toMatchObject({ outcome: "noted" });
    const tickets = await alertTickets();
    expect(tickets).toHaveLength(2);
    expect(res.body.results[0].ticket_id).toBe(tickets[0].id);
    const notes = await notesOn(tickets[0].id);
    expect(notes).toHaveLength(1);
    expect(notes[0].internal).toBe(1);
    // The first firing and its repeat were occurrences 1 and 2.
    expect(notes[0].body).toContain("occurrence 3");
  });

  it("counts 1000 identical firings sent in batches as 1000 occurrences, last seen at the latest, without a write per repeat", async () => {
    const first = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("storm")]));
    expect(first.body.results[0].outcome).toBe("created");
    const id = first.body.results[0].ticket_id;
    const createdAt = desk.clock.now().toISOString();
    const eventsOf = async () => (await desk.ctx.db.selectFrom("ticket_events").select("id").where("ticket_id", "=", id).execute()).length;
    const eventsBefore = await eventsOf();
    // Alertmanager re-sends a firing alert at every repeat interval; here 999 more, in four payloads.
    let lastAt = createdAt;
    for (const size of [250, 250, 250, 249]) {
      desk.clock.advance(60_000);
      lastAt = desk.clock.now().toISOString();
      const res = await integration.post("/api/alerts/alertmanager", amPayload(Array.from({ length: size }, () => amAlert("storm"))));
      expect(res.status, res.text).toBe(200);
      expect(new Set(res.body.results.map((r: any) => `${r.outcome} ${r.ticket_id}`))).toEqual(new Set([`repeat ${id}`]));
    }
    const row = () => desk.ctx.db.selectFrom("alert_incidents").select(["occurrences", "last_seen_at"]).where("fingerprint", "=", "storm").executeTakeFirstOrThrow();
    // Until the flush nothing was written for the repeats: not the count, not the time, no event, no note.
    expect(await row()).toEqual({ occurrences: 1, last_seen_at: createdAt });
    expect(await eventsOf()).toBe(eventsBefore);
    expect(await notesOn(id)).toEqual([]);

    await desk.app.alertRepeats.flush();
    expect(await row()).toEqual({ occurrences: 1000, last_seen_at: lastAt });
    const shown = (await integration.get(`/api/tickets/${id}`)).body;
    expect(shown.alert).toEqual({ source: "alertmanager", fingerprint: "storm", last_status: "firing", occurrences: 1000, first_seen_at: createdAt, last_seen_at: lastAt });
    expect(await eventsOf()).toBe(eventsBefore);
  });

  it("adds up the repeats two nodes counted, keeps the later last-seen time, and writes a node's count when it shuts down", async () => {
    const first = await integration.post("/api/alerts/generic", { source: "zabbix", fingerprint: "nodes-1", severity: "critical", summary: "Link down on sw1", status: "firing" });
    const id = first.body.results[0].ticket_id;
    const node2 = await buildApp(desk.ctx);
    const viaNode2 = new HttpClient(node2, integration.auth, integration.user);
    const repeat = (c: Client) => c.post("/api/alerts/generic", { source: "zabbix", fingerprint: "nodes-1", severity: "critical", summary: "Link down on sw1", status: "firing" });

    desk.clock.advance(1_000);
    for (let i = 0; i < 30; i++) expect((await repeat(viaNode2)).body.results[0].outcome).toBe("repeat");
    const node2SawLast = desk.clock.now().toISOString();
    desk.clock.advance(1_000);
    for (let i = 0; i < 20; i++) expect((await repeat(integration)).body.results[0].outcome).toBe("repeat");
    const node1SawLast = desk.clock.now().toISOString();

    await desk.app.alertRepeats.flush();
    let alert = (await integration.get(`/api/tickets/${id}`)).body.alert;
    expect([alert.occurrences, alert.last_seen_at]).toEqual([21, node1SawLast]);
    // Node 2 shuts down later: its count is added, and its earlier time does not move last seen back.
    expect(node2SawLast < node1SawLast).toBe(true);
    await node2.close();
    alert = (await integration.get(`/api/tickets/${id}`)).body.alert;
    expect([alert.occurrences, alert.last_seen_at]).toEqual([51, node1SawLast]);
  });

  it("does not add repeats counted for a closed ticket to the new incident its alert opened", async () => {
    const fire = (startsAt: string) => integration.post("/api/alerts/alertmanager", amPayload([amAlert("moved", { startsAt })]));
    const old = (await fire("2026-11-27T08:00:00Z")).body.results[0].ticket_id;
    for (let i = 0; i < 5; i++) await fire("2026-11-27T08:00:00Z");
    await desk.ctx.db.updateTable("tickets").set({ status: "closed", status_category: "closed" }).where("id", "=", old).execute();
    const next = await fire("2026-11-27T09:00:00Z");
    expect(next.body.results[0].outcome).toBe("created");
    await desk.app.alertRepeats.flush();
    const alert = (await integration.get(`/api/tickets/${next.body.results[0].ticket_id}`)).body.alert;
    expect(alert.occurrences).toBe(1);
  });

  it("opens exactly one ticket for concurrent identical alerts", async () => {
    const body = { source: "uptime-kuma", fingerprint: "site-down-42", severity: "critical", summary: "shop.example.com is down", details: { status: 503 }, status: "firing" };
    const answers = await Promise.all(Array.from({ length: 8 }, () => integration.post("/api/alerts/generic", body)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const outcomes = answers.map((a) => a.body.results[0].outcome).sort();
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "created")).toEqual(Array(7).fill("repeat"));
    const mine = (await alertTickets()).filter((t) => t.subject === "shop.example.com is down");
    expect(mine).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.results[0].ticket_id))).toEqual(new Set([mine[0].id]));
  });

  it("notes a recovery, and resolves the incident with a note and a root cause when the settings say so", async () => {
    const t = (await alertTickets())[1];
    const noted = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a2", { status: "resolved", endsAt: "2026-11-25T10:30:00Z" })], "resolved"));
    expect(noted.body.results[0]).toMatchObject({ outcome: "noted_resolved", ticket_id: t.id });
    expect((await desk.ctx.db.selectFrom("tickets").select("status_category").where("id", "=", t.id).executeTakeFirstOrThrow()).status_category).not.toBe("resolved");
    expect((await notesOn(t.id)).at(-1)!.body).toContain("Alert resolved at 2026-11-25T10:30:00Z");

    const settings = (await admin.get("/api/alerts/settings")).body;
    expect(settings.resolve_on_resolved).toBe(false);
    const put = await admin.put("/api/alerts/settings", { ...settings, resolve_on_resolved: true, team_id: teamId, severity_priorities: { ...settings.severity_priorities, warning: "P2" } });
    expect(put.status).toBe(200);

    const fresh = await integration.post("/api/alerts/generic", {
      source: "zabbix",
      fingerprint: "disk-db1",
      severity: "Warning",
      summary: "Disk 91% full on db1",
      details: "volume /var/lib/postgresql",
      status: "firing",
    });
    expect(fresh.status, fresh.text).toBe(200);
    const created = await desk.ctx.db.selectFrom("tickets").selectAll().where("id", "=", fresh.body.results[0].ticket_id).executeTakeFirstOrThrow();
    expect([created.priority, created.team_id]).toEqual(["P2", teamId]);
    const resolved = await integration.post("/api/alerts/generic", { source: "zabbix", fingerprint: "disk-db1", severity: "warning", summary: "Disk 91% full on db1", status: "resolved" });
    expect(resolved.body.results[0]).toMatchObject({ outcome: "resolved", ticket_id: created.id });
    const after = (await integration.get(`/api/tickets/${created.id}`)).body;
    expect(after.status.category).toBe("resolved");
    expect(after.resolution_note).toMatch(/Resolved automatically: zabbix reported "Disk 91% full on db1" as resolved/);
    expect(after.root_cause).toMatch(/cleared on its own/);

    // Flapping: it fires again, so the resolved ticket reopens rather than a new one opening.
    const refire = await integration.post("/api/alerts/generic", { source: "zabbix", fingerprint: "disk-db1", severity: "warning", summary: "Disk 91% full on db1", status: "firing" });
    expect(refire.status, refire.text).toBe(200);
    expect(refire.body.results[0]).toMatchObject({ outcome: "noted", ticket_id: created.id });
    expect((await integration.get(`/api/tickets/${created.id}`)).body.status.category).toBe("open");
  });

  it("opens a new incident, linked to the old one, when the alert fires after its ticket was closed", async () => {
    const t = (await alertTickets())[0];
    await desk.ctx.db.updateTable("tickets").set({ status: "closed", status_category: "closed" }).where("id", "=", t.id).execute();
    const res = await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a1", { startsAt: "2026-11-26T08:00:00Z" })]));
    expect(res.body.results[0].outcome).toBe("created");
    const newId = res.body.results[0].ticket_id;
    expect(newId).not.toBe(t.id);
    const links = await desk.ctx.db.selectFrom("ticket_links").selectAll().where("source_id", "=", newId).execute();
    expect(links.map((l) => [l.kind, l.target_id])).toEqual([["related", t.id]]);
    expect((await integration.post("/api/alerts/alertmanager", amPayload([amAlert("a1", { startsAt: "2026-11-26T08:00:00Z" })]))).body.results[0]).toMatchObject({
      outcome: "repeat",
      ticket_id: newId,
    });
  });

  it("leaves a ticket an agent already resolved resolved when its alert recovers", async () => {
    const agent = await desk.user("agent", { teams: [teamId] });
    const fired = await integration.post("/api/alerts/generic", { source: "zabbix", fingerprint: "mem-app2", severity: "info", summary: "Memory high on app2", status: "firing" });
    const id = fired.body.results[0].ticket_id;
    const t = (await agent.get(`/api/tickets/${id}`)).body;
    expect((await agent.patch(`/api/tickets/${id}`, { version: t.version, status: "resolved", resolution_note: "Restarted the leaking worker", root_cause: "Memory leak in worker 3.2" })).status).toBe(
      200,
    );
    const recovered = await integration.post("/api/alerts/generic", { source: "zabbix", fingerprint: "mem-app2", severity: "info", summary: "Memory high on app2", status: "resolved" });
    expect(recovered.body.results[0]).toMatchObject({ outcome: "noted_resolved", ticket_id: id });
    const after = (await agent.get(`/api/tickets/${id}`)).body;
    expect([after.status.category, after.root_cause]).toEqual(["resolved", "Memory leak in worker 3.2"]);
    const events = (await agent.get(`/api/tickets/${id}/events`)).body.map((e: any) => e.action);
    expect(events).toContain("alert_recovered");
  });

  it("ignores a recovery of an alert it never saw", async () => {
    const res = await integration.post("/api/alerts/generic", { source: "nagios", fingerprint: "never-seen", severity: "critical", summary: "x", status: "resolved" });
    expect(res.body.results[0]).toMatchObject({ outcome: "ignored", ticket_id: null });
  });

  it("refuses bad payloads with a clear message and creates nothing", async () => {
    const before = (await alertTickets()).length;
    const cases: Array<[object | string, RegExp]> = [
      [{ ...amPayload([amAlert("b1")]), version: "3" }, /version.*"4"/],
      [amPayload([]), /alerts: must hold at least one alert/],
      [amPayload([amAlert("b2"), { ...amAlert("b3"), fingerprint: undefined }]), /alerts\.1\.fingerprint/],
      [amPayload([amAlert("b4", { status: "burning" })]), /alerts\.0\.status: must be "firing" or "resolved"/],
      [amPayload([amAlert("b5", { startsAt: "yesterday" })]), /alerts\.0\.startsAt: must be an RFC 3339 time/],
      ["{not json", /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const res =
        typeof body === "string"
          ? await integration.request("POST", "/api/alerts/alertmanager", body, { "content-type": "application/json" })
          : await integration.post("/api/alerts/alertmanager", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const generic = await integration.post("/api/alerts/generic", { source: "x", fingerprint: "y", severity: "critical", status: "firing" });
    expect(generic.status).toBe(400);
    expect(generic.body.error.message).toMatch(/summary/);
    const extra = await integration.post("/api/alerts/generic", { source: "x", fingerprint: "y", severity: "critical", summary: "s", status: "firing", priority: "P1" });
    expect(extra.status).toBe(400);
    expect((await alertTickets()).length).toBe(before);
  });

  it("takes alerts only with an API token of an agent or admin", async () => {
    const body = { source: "x", fingerprint: "auth", severity: "info", summary: "s", status: "firing" };
    const none = await desk.anonymous().post("/api/alerts/generic", body);
    expect(none.status).toBe(401);
    const wrong = await desk.anonymous().request("POST", "/api/alerts/generic", body, { authorization: "Bearer not-a-token" });
    expect(wrong.status).toBe(401);
    expect((await requester.post("/api/alerts/generic", body)).status).toBe(403);
    const browser = await desk.login(admin.user!.email);
    const session = await browser.post("/api/alerts/generic", body);
    expect(session.status).toBe(403);
    expect(session.body.error.message).toMatch(/API token/);
    expect((await integration.get("/api/alerts/settings")).status).toBe(403);
    const badTeam = await admin.put("/api/alerts/settings", { severity_priorities: {}, default_priority: "P3", resolve_on_resolved: false, team_id: 999999 });
    expect(badTeam.status).toBe(400);
    expect(badTeam.body.error.message).toMatch(/team_id/);
  });
});
