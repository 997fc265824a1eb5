/**
 * `tessera seed --tickets N`: a desk written in bulk reads through the API like one that lived
 * its history: the list, team views and their counts, a ticket's conversation and timeline,
 * full-text search, SLA badges the clock agrees with, and nothing sent for the made-up past.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createDesk, dialects, type TestDesk } from "./harness.ts";
import { SeedRefused, seedAtScale } from "../src/seed/scale/run.ts";
import { sweepOnce } from "../src/sla/sweeper.ts";
import { syncSla } from "../src/sla/sync.ts";
import { inTransaction } from "../src/context.ts";
import { sql } from "kysely";

const TICKETS = 2000;
const OPEN = ["new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval"];

describe.each(dialects)("a desk seeded at scale on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;
  let supervisor: Client;
  let summary: string;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    summary = await seedAtScale(desk.ctx, { tickets: TICKETS, commentsPerTicket: 5 });
    admin = await desk.user("admin");
    const password = /password: (\S+)/.exec(summary)![1];
    const email = /(\S+) \(supervisor\)/.exec(summary)![1];
    supervisor = await desk.login(email, password);
  }, 180_000);
  afterAll(() => desk.close());

  const db = () => desk.ctx.db;
  const count = async (c: Client, query: string) => (await c.get(`/api/tickets/count?${query}`)).body.count as number;

  it("lists every seeded ticket, newest activity first, in a spread of states", async () => {
    expect(await count(admin, "")).toBe(TICKETS);
    const page = await admin.get("/api/tickets?limit=50");
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(50);
    const updated = page.body.items.map((t: { updated_at: string }) => t.updated_at);
    expect([...updated].sort().reverse()).toEqual(updated);
    for (const category of ["new", "open", "awaiting_requester", "resolved", "closed", "cancelled"]) {
      expect(await count(admin, `status_category=${category}`), category).toBeGreaterThan(0);
    }
    for (const p of ["P1", "P2", "P3", "P4"]) expect(await count(admin, `priority=${p}`), p).toBeGreaterThan(0);
    for (const t of ["incident", "service_request"]) expect(await count(admin, `type=${t}`), t).toBeGreaterThan(0);
    expect(await count(admin, "tag=vip")).toBeGreaterThan(0);
    // Three years of history: the oldest ticket is years old, the newest minutes.
    const oldest = await admin.get("/api/tickets?sort=created_at&limit=1");
    expect(desk.clock.now().getTime() - Date.parse(oldest.body.items[0].created_at)).toBeGreaterThan(2.9 * 365 * 86_400_000);
  });

  it("shows each team its shared views, whose counts match the tickets they list", async () => {
    const views = await supervisor.get("/api/views");
    expect(views.status).toBe(200);
    const open = views.body.find((v: { name: string }) => v.name.endsWith(": open"));
    expect(open).toBeDefined();
    const query = new URLSearchParams(Object.entries(open.filters).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)])).toString();
    const n = await count(supervisor, query);
    const inDb = await db()
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("team_id", "=", open.filters.team[0])
      .where("status_category", "in", OPEN)
      .executeTakeFirstOrThrow();
    expect(n).toBe(Number(inDb.n));
    expect(n).toBeGreaterThan(0);
    const breaching = views.body.find((v: { name: string }) => v.name.endsWith(": breaching soon"));
    const list = await supervisor.get(`/api/tickets?team=${breaching.filters.team[0]}&sla=breaching_soon&sort=sla&limit=200`);
    expect(list.status).toBe(200);
    for (const t of list.body.items) expect(["breached", "at_risk"]).toContain(t.sla.state);
  });

  it("sorts by SLA: breached first, then at risk, then on track", async () => {
    const list = await admin.get("/api/tickets?sort=sla&limit=200&status_category=" + OPEN.join(","));
    const rank = { breached: 0, at_risk: 1, on_track: 2, paused: 3, met: 4, none: 5 } as Record<string, number>;
    const ranks = list.body.items.map((t: { sla: { state: string } }) => rank[t.sla.state]);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(list.body.items.map((t: { sla: { state: string } }) => t.sla.state)).size).toBeGreaterThan(1);
  });

  it("opens a worked ticket with its conversation and a timeline in the order it happened", async () => {
    const row = await db()
      .selectFrom("tickets")
      .select(["id", "requester_id", "first_response_at"])
      .where("status_category", "=", "closed")
      .where("assignee_id", "is not", null)
      .orderBy("id")
      .limit(1)
      .executeTakeFirstOrThrow();
    const ticket = await admin.get(`/api/tickets/${row.id}`);
    expect(ticket.status).toBe(200);
    const comments = await admin.get(`/api/tickets/${row.id}/comments`);
    expect(comments.status).toBe(200);
    expect(comments.body).toHaveLength(5);
    expect(comments.body.some((c: { author: { id: number } }) => c.author.id === row.requester_id)).toBe(true);
    // The first public reply by an agent is the first response.
    const firstAnswer = comments.body.find((c: { internal: boolean; author: { id: number } }) => !c.internal && c.author.id !== row.requester_id);
    expect(firstAnswer.created_at).toBe(row.first_response_at);
    const events = await admin.get(`/api/tickets/${row.id}/events`);
    expect(events.status).toBe(200);
    const actions = events.body.map((e: { action: string }) => e.action);
    expect(actions[0]).toBe("created");
    expect(actions).toContain("status_changed");
    expect(actions.filter((a: string) => a === "reply_added" || a === "note_added")).toHaveLength(5);
    const times = events.body.map((e: { created_at: string }) => e.created_at);
    expect([...times].sort()).toEqual(times);
    const statuses = events.body.filter((e: { action: string }) => e.action === "status_changed").map((e: { new_value: string }) => e.new_value);
    expect(statuses[statuses.length - 1]).toBe("closed");
    const sla = await admin.get(`/api/tickets/${row.id}/sla`);
    expect(sla.status).toBe(200);
    expect(sla.body.policy?.name).toBe("Service desk targets");
  });

  it("serves the files of seeded attachments, on tickets and on replies", async () => {
    const rows = await db().selectFrom("attachments").select(["id", "ticket_id", "comment_id", "size"]).orderBy("id").limit(20).execute();
    expect(rows.some((r) => r.comment_id !== null)).toBe(true);
    expect(rows.some((r) => r.comment_id === null)).toBe(true);
    for (const r of rows.slice(0, 5)) {
      const file = await admin.get(`/api/attachments/${r.id}/download`);
      expect(file.status).toBe(200);
      expect(Number(file.headers["content-length"] ?? file.text.length)).toBe(r.size);
    }
    const withFile = rows.find((r) => r.comment_id !== null)!;
    const comments = await admin.get(`/api/tickets/${withFile.ticket_id}/comments`);
    const comment = comments.body.find((c: { id: number }) => c.id === withFile.comment_id);
    expect(comment.attachments.map((a: { id: number }) => a.id)).toContain(withFile.id);
  });

  it("keeps every ticket's comments, events and first response consistent", async () => {
    const mismatched = await db()
      .selectFrom("tickets")
      .select("tickets.id")
      .where((eb) =>
        eb(
          eb
            .selectFrom("comments")
            .select((e) => e.fn.countAll().as("n"))
            .whereRef("comments.ticket_id", "=", "tickets.id"),
          "!=",
          eb
            .selectFrom("ticket_events")
            .select((e) => e.fn.countAll().as("n"))
            .whereRef("ticket_events.ticket_id", "=", "tickets.id")
            .where("ticket_events.action", "in", ["reply_added", "note_added"]),
        ),
      )
      .execute();
    expect(mismatched).toEqual([]);
    const unanswered = await db().selectFrom("tickets").select("id").where("assignee_id", "is not", null).where("status_category", "!=", "cancelled").where("first_response_at", "is", null).execute();
    expect(unanswered).toEqual([]);
  });

  it("finds tickets by words of their subject, their replies, and by reference", async () => {
    const rows = await db().selectFrom("tickets").select(["id", "subject"]).where("subject", "like", "%LT%").orderBy("id").limit(50).execute();
    const row = rows.find((r) => /LT\d{5}/.test(r.subject))!;
    const asset = /LT\d{5}/.exec(row.subject)![0];
    const found = await admin.get(`/api/tickets?q=${asset}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((t: { id: number }) => t.id)).toContain(row.id);
    expect(await count(admin, "q=screenshot")).toBeGreaterThan(0);
    const byRef = await admin.get(`/api/tickets?q=${found.body.items.find((t: { id: number }) => t.id === row.id).reference}`);
    expect(byRef.body.items.map((t: { id: number }) => t.id)).toEqual([row.id]);
  });

  it("times each ticket's SLA as the clock itself would: syncing a seeded ticket changes nothing", async () => {
    const sample = await db()
      .selectFrom("tickets")
      .select("id")
      .where(sql<boolean>`id % 37 = 0`)
      .execute();
    const snapshot = async (id: number) => ({
      ticket: await db()
        .selectFrom("tickets")
        .select(["sla_state", "sla_kind", "sla_due_at", "sla_warn_at", "sla_remaining_ms", "sla_sort", "sla_next_check_at"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow(),
      clock: await db().selectFrom("sla_clocks").selectAll().where("ticket_id", "=", id).executeTakeFirstOrThrow(),
      targets: await db().selectFrom("sla_targets").selectAll().where("ticket_id", "=", id).orderBy("kind").execute(),
      log: await db().selectFrom("sla_clock_log").selectAll().where("ticket_id", "=", id).orderBy("id").execute(),
      events: await db().selectFrom("ticket_events").select("id").where("ticket_id", "=", id).execute(),
    });
    for (const { id } of sample) {
      const before = await snapshot(id);
      await inTransaction(desk.ctx, (tx) => syncSla(tx, id));
      const after = await snapshot(id);
      expect({ ...after, clock: { ...after.clock, updated_at: null } }, `ticket ${id}`).toEqual({ ...before, clock: { ...before.clock, updated_at: null } });
    }
  });

  it("queues no mail and notifies nobody of the seeded past, and mails a new reply as usual", async () => {
    await desk.drain();
    await sweepOnce(desk.ctx);
    expect(await db().selectFrom("mail_outbox").select("id").execute()).toEqual([]);
    expect(await db().selectFrom("notifications").select("id").execute()).toEqual([]);
    const open = await db().selectFrom("tickets").select(["id", "team_id"]).where("status_category", "=", "open").orderBy("id").limit(1).executeTakeFirstOrThrow();
    const agent = await desk.user("agent", { teams: [open.team_id!] });
    const reply = await agent.post(`/api/tickets/${open.id}/comments`, { body: "Checking in on this one.", format: "text", internal: false });
    expect(reply.status).toBe(201);
    const mail = await db().selectFrom("mail_outbox").select(["kind", "ticket_id"]).execute();
    expect(mail).toEqual([{ kind: "reply", ticket_id: open.id }]);
  });

  it("refuses to seed a database that has tickets, unless asked to append; appended tickets take the next numbers", async () => {
    await expect(seedAtScale(desk.ctx, { tickets: 10, commentsPerTicket: 2 })).rejects.toThrow(SeedRefused);
    const last = await db()
      .selectFrom("tickets")
      .select((eb) => eb.fn.max("number").as("n"))
      .executeTakeFirstOrThrow();
    await seedAtScale(desk.ctx, { tickets: 10, commentsPerTicket: 2, append: true });
    expect(await count(admin, "")).toBe(TICKETS + 10);
    const created = await admin.post("/api/tickets", { subject: "After the seed", description: "Numbered after every seeded ticket.", format: "text" });
    expect(created.status).toBe(201);
    expect(created.body.number).toBe(Number(last.n) + 11);
  });
});
