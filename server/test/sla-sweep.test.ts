/** The SLA sweep: warnings and breaches exactly once (also racing and after a restart), escalations, auto-close. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import pino from "pino";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { loadConfig } from "../src/config.ts";
import { openInstance } from "../src/boot.ts";
import { dueTickets, startSlaSweeper, sweepOnce, SWEEP_LOCK_KEY } from "../src/sla/sweeper.ts";

const MIN = 60_000;
const H = 60 * MIN;

describe.each(dialects)("the SLA sweep on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, supervisor: Client, watcher: Client, requester: Client;
  let teamId: number, tier2: number, alwaysId: number;
  let n = 0;

  async function policyFor(targets: object, extra: Record<string, unknown> = {}) {
    const category = (await admin.post("/api/categories", { name: `Sweep case ${++n}` })).body;
    const res = await admin.post("/api/sla/policies", { name: `Sweep policy ${n}`, calendar_id: alwaysId, conditions: { category_ids: [category.id] }, targets, ...extra });
    if (res.status !== 201) throw new Error(res.text);
    return { categoryId: category.id as number, policy: res.body };
  }
  const file = async (categoryId: number, body: Record<string, unknown> = {}) => {
    const res = await agent.post("/api/tickets", { subject: "Mail is down", category_id: categoryId, team_id: teamId, assignee_id: agent.user!.id, requester_id: requester.user!.id, ...body });
    if (res.status !== 201) throw new Error(res.text);
    return res.body;
  };
  const events = async (id: number, action?: string) => ((await admin.get(`/api/tickets/${id}/events`)).body as any[]).filter((e) => !action || e.action === action);
  const notes = async (who: Client, ticketId: number) =>
    ((await who.get("/api/notifications?limit=100")).body.items as any[])
      .filter((x) => x.ticket_id === ticketId)
      .map((x) => x.kind)
      .sort();
  const change = async (id: number, body: Record<string, unknown>) => {
    const t = (await agent.get(`/api/tickets/${id}`)).body;
    const res = await agent.patch(`/api/tickets/${id}`, { version: t.version, ...body });
    if (res.status !== 200) throw new Error(res.text);
    return res.body;
  };

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "First line");
    tier2 = await makeTeam(admin, "Second line");
    agent = await desk.user("agent", { teams: [teamId] });
    supervisor = await desk.user("supervisor", { teams: [tier2] });
    watcher = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
    alwaysId = (await admin.get("/api/sla/calendars")).body.find((c: any) => c.is_default).id;
    // Nothing else of this file's making is due when a test sweeps: each test sweeps only after its own setup.
    await admin.put("/api/sla/settings", { auto_close_days: 0 });
  });
  afterAll(() => desk.close());

  it("finds due tickets through the index on their stored deadline, not by reading every ticket", async () => {
    const q = dueTickets(desk.ctx, desk.clock.now().toISOString()).compile();
    // The query with its values written in, for EXPLAIN.
    let n = 0;
    const literal = q.sql.replace(/\?|\$\d+/g, () => `'${String(q.parameters[n++])}'`);
    let plan: string;
    if (dialect === "sqlite") {
      plan = (await sql<{ detail: string }>`explain query plan ${sql.raw(literal)}`.execute(desk.ctx.db)).rows.map((r) => r.detail).join("\n");
    } else {
      // On a small table PostgreSQL rightly prefers a scan; what matters is that the index can serve the query.
      plan = await desk.ctx.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        return (await sql<{ "QUERY PLAN": string }>`explain ${sql.raw(literal)}`.execute(trx)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    }
    expect(plan).toMatch(/tickets_sla_check/);
    expect(plan).not.toMatch(/SCAN tickets(?! USING)|Seq Scan on tickets/);
  });

  it("says nothing of a muted ticket's warning and breach, and still tells of the others", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 60, resolution: 600 } });
    const muted = await file(categoryId);
    const other = await file(categoryId);
    expect((await agent.put(`/api/tickets/${muted.id}/notification-mute`, { until: null })).status).toBe(200);
    desk.clock.advance(61 * MIN);
    expect(await sweepOnce(desk.ctx)).toMatchObject({ warnings: 2, breaches: 2 });
    expect((await events(muted.id, "sla_breached")).length).toBe(1);
    expect(await notes(agent, muted.id)).toEqual([]);
    expect(await notes(agent, other.id)).toEqual(["sla_breach", "sla_warning"]);
  });

  it("fires the warning and the breach once each, however often it sweeps", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 60, resolution: 600 } });
    const t = await file(categoryId);
    desk.clock.advance(44 * MIN);
    expect((await sweepOnce(desk.ctx)).warnings).toBe(0);
    desk.clock.advance(2 * MIN); // 46 minutes: past 75 % of an hour
    const first = await sweepOnce(desk.ctx);
    expect(first).toMatchObject({ warnings: 1, breaches: 0 });
    expect((await sweepOnce(desk.ctx)).warnings).toBe(0);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.sla.state).toBe("at_risk");
    desk.clock.advance(15 * MIN);
    expect(await sweepOnce(desk.ctx)).toMatchObject({ warnings: 0, breaches: 1 });
    expect(await sweepOnce(desk.ctx)).toMatchObject({ warnings: 0, breaches: 0, tickets: 0 });
    expect((await events(t.id, "sla_warning")).length).toBe(1);
    const breach = await events(t.id, "sla_breached");
    expect(breach).toHaveLength(1);
    expect(breach[0]).toMatchObject({ via: expect.stringMatching(/^sla:Sweep policy/), new_value: { kind: "first_response", cycle: 1 } });
    expect(await notes(agent, t.id)).toEqual(["sla_breach", "sla_warning"]);
    const s = (await agent.get(`/api/tickets/${t.id}/sla`)).body;
    expect(s.badge.state).toBe("breached");
    expect(s.targets[0]).toMatchObject({ state: "breached", warned_at: expect.any(String), breached_at: expect.any(String) });
  });

  it("fires once when two sweeps race, with and without the node lock", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 10, resolution: 20 } });
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await file(categoryId));
    desk.clock.advance(30 * MIN);
    await Promise.all([sweepOnce(desk.ctx, { lock: false }), sweepOnce(desk.ctx, { lock: false })]);
    for (const t of tickets) {
      expect((await events(t.id, "sla_warning")).length).toBe(2);
      expect((await events(t.id, "sla_breached")).length).toBe(2);
    }
    // The badge columns the lists sort on were refreshed for the whole batch; nothing is left to check.
    const stored = await desk.ctx.db
      .selectFrom("tickets")
      .select(["sla_state", "sla_next_check_at", "sla_sort"])
      .where(
        "id",
        "in",
        tickets.map((t) => t.id),
      )
      .execute();
    expect(stored.every((r) => r.sla_state === "breached" && r.sla_next_check_at === null && r.sla_sort.startsWith("0"))).toBe(true);
    const more = [await file(categoryId), await file(categoryId)];
    desk.clock.advance(30 * MIN);
    if (dialect === "postgres") {
      // While another node holds the tick, a node leaves it to that one.
      await desk.ctx.db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(${SWEEP_LOCK_KEY})`.execute(conn);
        try {
          expect(await sweepOnce(desk.ctx)).toMatchObject({ skipped: true, breaches: 0 });
        } finally {
          await sql`select pg_advisory_unlock(${SWEEP_LOCK_KEY})`.execute(conn);
        }
      });
    }
    await Promise.all([sweepOnce(desk.ctx), sweepOnce(desk.ctx)]);
    for (const t of more) expect((await events(t.id, "sla_breached")).length).toBe(2);
  });

  it("fires a deadline missed while Tessera was down once, when it starts again", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 120 } });
    const t = await file(categoryId);
    // Tessera is "down": nothing sweeps while the deadline passes.
    desk.clock.advance(3 * H);
    const schema = dialect === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(desk.ctx.db)).rows[0].s : undefined;
    const config = loadConfig({}, { TESSERA_DATA_DIR: desk.dataDir, LOG_LEVEL: "silent", ...(dialect === "postgres" ? { DATABASE_URL: process.env.TEST_DATABASE_URL! } : {}) });
    const restarted = await openInstance(config, { clock: desk.clock, pgSchema: schema, log: pino({ level: "silent" }) });
    try {
      const stop = await startSlaSweeper(restarted.ctx);
      await stop(); // waits for the sweep it ran at start, and its commit
      expect((await events(t.id, "sla_warning")).length).toBe(1);
      expect((await events(t.id, "sla_breached")).length).toBe(1);
      // Neither the restarted node nor the old one fires it again.
      expect((await sweepOnce(restarted.ctx)).breaches).toBe(0);
      expect((await sweepOnce(desk.ctx)).breaches).toBe(0);
      expect((await events(t.id, "sla_breached")).length).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it("escalates as the policy says, each step in the audit with the policy's name", async () => {
    const { categoryId, policy } = await policyFor(
      { P3: { first_response: 30, resolution: 600 }, P2: { first_response: 20, resolution: 300 } },
      {
        escalations: [
          { level: "warning", kinds: ["first_response"], actions: [{ type: "notify_user", user_id: watcher.user!.id }] },
          { level: "breach", kinds: ["first_response"], actions: [{ type: "reassign_team", team_id: tier2 }, { type: "raise_priority" }, { type: "notify_supervisors" }] },
        ],
      },
    );
    const t = await file(categoryId);
    desk.clock.advance(25 * MIN);
    await sweepOnce(desk.ctx);
    expect(await notes(watcher, t.id)).toEqual(["sla_warning"]);
    desk.clock.advance(10 * MIN);
    await sweepOnce(desk.ctx);
    const after = (await admin.get(`/api/tickets/${t.id}`)).body;
    expect(after.team.id).toBe(tier2);
    expect(after.assignee).toBeNull(); // the assignee is not in the second line
    expect(after.priority).toBe("P2");
    const via = `sla:${policy.name}`;
    const all = await events(t.id);
    expect(all.filter((e) => e.action === "field_changed" && ["team_id", "assignee_id", "priority"].includes(e.field)).map((e) => [e.field, e.old_value, e.new_value, e.via])).toEqual([
      ["team_id", teamId, tier2, via],
      ["assignee_id", agent.user!.id, null, via],
      ["priority", "P3", "P2", via],
    ]);
    expect(all.filter((e) => e.action === "sla_escalated").map((e) => [e.new_value.level, e.new_value.action, e.via])).toEqual([
      ["warning", "notify_user", via],
      ["breach", "reassign_team", via],
      ["breach", "raise_priority", via],
      ["breach", "notify_supervisors", via],
    ]);
    expect(await notes(supervisor, t.id)).toEqual(["sla_breach"]);
    // The raised priority brings P2's targets; the first response, already breached, does not breach again.
    expect(all.find((e) => e.action === "sla_terms_changed").new_value).toMatchObject({ priority: "P2" });
    const s = (await admin.get(`/api/tickets/${t.id}/sla`)).body;
    expect(s.targets.map((x: any) => x.target_minutes)).toEqual([20, 300]);
    desk.clock.advance(H);
    await sweepOnce(desk.ctx);
    expect((await events(t.id, "sla_breached")).length).toBe(1);
    expect((await admin.get(`/api/tickets/${t.id}`)).body.priority).toBe("P2");
  });

  it("raises the priority one step when one sweep finds two targets breached, and keeps a ticket raised past the policy's targets under its SLA", async () => {
    // Like the demo's VIP policy: no P1 targets, and a breach raises the priority.
    const { categoryId } = await policyFor(
      { P3: { first_response: 10, resolution: 20 }, P2: { first_response: 5, resolution: 15 } },
      { escalations: [{ level: "breach", kinds: [], actions: [{ type: "raise_priority" }] }] },
    );
    const t = await file(categoryId);
    desk.clock.advance(30 * MIN); // first response and resolution both breached, found by one sweep
    expect((await sweepOnce(desk.ctx)).breaches).toBe(2);
    const after = (await admin.get(`/api/tickets/${t.id}`)).body;
    expect(after.priority).toBe("P2");
    const raised = (await events(t.id, "sla_escalated")).map((e) => e.new_value);
    expect(raised.filter((x) => x.action === "raise_priority" && !x.skipped)).toHaveLength(1);
    expect(raised.filter((x) => x.action === "raise_priority" && x.skipped)).toHaveLength(1);
    let s = (await admin.get(`/api/tickets/${t.id}/sla`)).body;
    expect(s.targets.map((x: any) => x.target_minutes)).toEqual([5, 15]);

    // Raised (here by hand) to a priority the policy has no targets for: it keeps the nearest one's.
    await change(t.id, { priority: "P1" });
    expect((await admin.get(`/api/tickets/${t.id}`)).body.priority).toBe("P1");
    s = (await admin.get(`/api/tickets/${t.id}/sla`)).body;
    expect(s.targets.map((x: any) => x.target_minutes)).toEqual([5, 15]);
    expect(s.badge.state).toBe("breached");
    const row = await desk.ctx.db.selectFrom("tickets").select(["sla_state", "sla_sort"]).where("id", "=", t.id).executeTakeFirstOrThrow();
    expect(row.sla_state).not.toBe("none");
    const kept = (await events(t.id, "sla_terms_changed")).pop();
    expect(kept.via).toBe("api"); // the change that caused it
    expect(kept.new_value).toMatchObject({ priority: "P1", targets_of: "P2", reason: expect.stringContaining("no targets for P1") });
  });

  it("times a ticket filed more urgent than any of its policy's targets by the strictest, and keeps one lowered past them under its SLA", async () => {
    const { categoryId } = await policyFor({ P2: { resolution: 300 }, P3: { resolution: 600 } }, { escalations: [] });
    const urgent = await file(categoryId, { priority: "P1" });
    expect((await admin.get(`/api/tickets/${urgent.id}`)).body.priority).toBe("P1");
    expect((await admin.get(`/api/tickets/${urgent.id}/sla`)).body.targets.map((x: any) => x.target_minutes)).toEqual([300]);
    expect((await events(urgent.id, "sla_policy_changed"))[0].new_value).toMatchObject({ priority: "P1", targets_of: "P2" });
    const t = await file(categoryId);
    await change(t.id, { priority: "P4" });
    expect((await admin.get(`/api/tickets/${t.id}/sla`)).body.targets.map((x: any) => x.target_minutes)).toEqual([600]);
    expect((await events(t.id, "sla_terms_changed")).pop().new_value).toMatchObject({ priority: "P4", targets_of: "P3", reason: expect.stringContaining("no targets for P4") });
  });

  it("records a warning and a breach found long after they happened at their own times, and notifies nobody", async () => {
    const { categoryId } = await policyFor(
      { P3: { first_response: 10, resolution: 600 } },
      {
        escalations: [
          { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }] },
          { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_user", user_id: watcher.user!.id }] },
        ],
      },
    );
    const t = await file(categoryId);
    desk.clock.advance(3 * H); // the first response breached hours before anything swept
    expect((await sweepOnce(desk.ctx)).breaches).toBeGreaterThan(0);
    const target = await desk.ctx.db.selectFrom("sla_targets").selectAll().where("ticket_id", "=", t.id).where("kind", "=", "first_response").executeTakeFirstOrThrow();
    expect(target.breached_at).toBe(target.due_at);
    expect(target.warned_at).toBe(target.warn_at);
    expect((await events(t.id, "sla_breached"))[0].created_at).toBe(target.due_at);
    expect((await events(t.id, "sla_warning"))[0].created_at).toBe(target.warn_at);
    const escalated = await events(t.id, "sla_escalated");
    expect(escalated.map((e) => e.created_at).sort()).toEqual([target.warn_at, target.due_at, target.due_at]);
    expect(await notes(agent, t.id)).toEqual([]);
    expect(await notes(watcher, t.id)).toEqual([]);
    const sla = (await admin.get(`/api/tickets/${t.id}/sla`)).body;
    expect(sla.badge.state).toBe("breached");
  });

  it("fires the rest of a batch when one ticket cannot be swept, and tries that one again later", async () => {
    const { categoryId } = await policyFor({ P3: { first_response: 10, resolution: 600 } }, { escalations: [{ level: "breach", actions: [{ type: "raise_priority" }] }] });
    const good = await file(categoryId);
    const bad = await file(categoryId);
    // A clock whose stored terms cannot be read: its escalation (a priority raise) re-syncs the clock and fails.
    await desk.ctx.db.updateTable("sla_clocks").set({ terms: "{not json" }).where("ticket_id", "=", bad.id).execute();
    desk.clock.advance(15 * MIN);
    const s = await sweepOnce(desk.ctx);
    expect(s.failed).toBe(1);
    expect((await events(good.id, "sla_breached")).length).toBe(1);
    expect((await admin.get(`/api/tickets/${good.id}`)).body.priority).toBe("P2");
    expect((await events(bad.id, "sla_breached")).length).toBe(0);
    const row = await desk.ctx.db.selectFrom("tickets").select("sla_next_check_at").where("id", "=", bad.id).executeTakeFirstOrThrow();
    expect(Date.parse(row.sla_next_check_at!)).toBe(desk.clock.now().getTime() + 5 * MIN);
    // Repaired, it fires on a later tick, once.
    await desk.ctx.db.updateTable("sla_clocks").set({ terms: "{}" }).where("ticket_id", "=", bad.id).execute();
    desk.clock.advance(5 * MIN);
    await sweepOnce(desk.ctx);
    expect((await events(bad.id, "sla_breached")).length).toBe(1);
  });

  it("does not breach while the clock is paused", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 60 } }, { escalations: [] });
    const t = await file(categoryId);
    desk.clock.advance(30 * MIN);
    await change(t.id, { status: "on_hold" });
    desk.clock.advance(10 * H);
    await sweepOnce(desk.ctx);
    expect((await events(t.id, "sla_breached")).length).toBe(0);
    await change(t.id, { status: "open" });
    desk.clock.advance(29 * MIN);
    await sweepOnce(desk.ctx);
    expect((await events(t.id, "sla_breached")).length).toBe(0);
    desk.clock.advance(2 * MIN);
    await sweepOnce(desk.ctx);
    expect((await events(t.id, "sla_breached")).length).toBe(1);
  });

  it("closes a resolved ticket after the configured days without an answer, and tells the requester", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 600 } }, { escalations: [] });
    const quiet = await file(categoryId);
    const answered = await file(categoryId);
    for (const t of [quiet, answered]) await change(t.id, { status: "resolved", resolution_note: "Restarted the relay", root_cause: "Stuck queue" });
    await admin.put("/api/sla/settings", { auto_close_days: 2 });
    try {
      desk.clock.advance(24 * H);
      await requester.post(`/api/tickets/${answered.id}/comments`, { body: "Still no mail here." });
      expect((await sweepOnce(desk.ctx)).autoClosed).toBe(0);
      desk.clock.advance(25 * H);
      expect((await sweepOnce(desk.ctx)).autoClosed).toBe(1);
      const closed = (await requester.get(`/api/tickets/${quiet.id}`)).body;
      expect(closed.status.category).toBe("closed");
      expect(closed.closed_at).toBe(desk.clock.now().toISOString());
      const ev = (await events(quiet.id, "status_changed")).pop();
      expect(ev).toMatchObject({ via: "auto_close", actor: null, old_value: "resolved", new_value: "closed" });
      expect(await notes(requester, quiet.id)).toEqual(["auto_closed"]);
      expect((await requester.get(`/api/tickets/${answered.id}`)).body.status.category).toBe("open");
      expect((await sweepOnce(desk.ctx)).autoClosed).toBe(0);
    } finally {
      await admin.put("/api/sla/settings", { auto_close_days: 0 });
    }
  });

  it("closes nothing when auto-close is off", async () => {
    const { categoryId } = await policyFor({ P3: { resolution: 600 } }, { escalations: [] });
    const t = await file(categoryId);
    await change(t.id, { status: "resolved", resolution_note: "Done", root_cause: "None" });
    desk.clock.advance(400 * 24 * H);
    expect((await sweepOnce(desk.ctx)).autoClosed).toBe(0);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.status.category).toBe("resolved");
  });
});
