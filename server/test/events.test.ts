/**
 * The event log: changes write their events, after-commit reactions follow the committed log
 * through durable cursors (once per installation, across restarts and nodes), and integrators
 * page through it at GET /api/events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import type { AppContext } from "../src/context.ts";
import { drainConsumer, runConsumer, type EventConsumer } from "../src/events/consumers.ts";
import { eventRecords, writeEvents } from "../src/events/write.ts";
import { afterCommitConsumers, reactions } from "../src/events/reactions.ts";
import { createTicket } from "../src/tickets/create.ts";
import { inTransaction } from "../src/context.ts";
import type { Actor } from "../src/auth/actor.ts";

/** A consumer whose only effect is a row per event it handles, in the transaction that moves its cursor. */
function recorder(name: string, opts: { failFirst?: boolean } = {}): EventConsumer {
  let failed = false;
  return {
    name,
    async handle(tx, events) {
      for (const e of events) {
        await tx.db
          .insertInto("seen_events" as never)
          .values({ consumer: name, event_id: e.id } as never)
          .execute();
        // Something else holding the node up between events, so racing nodes overlap.
        await sql`select 1`.execute(tx.db);
      }
      if (opts.failFirst && !failed) {
        failed = true;
        throw new Error("the consumer crashed mid-batch");
      }
    },
  };
}

describe.each(dialects)("the event log on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    agent = await desk.user("agent");
    requester = await desk.user("requester");
    await sql`create table seen_events (consumer text not null, event_id integer not null)`.execute(desk.ctx.db);
  });
  afterAll(() => desk.close());

  const fileTicket = async (subject: string) => {
    const res = await requester.post("/api/tickets", { subject, description: "", format: "text" });
    expect(res.status).toBe(201);
    return res.body;
  };
  const allEventIds = async (ctx: AppContext = desk.ctx) => (await ctx.db.selectFrom("ticket_events").select("id").orderBy("id").execute()).map((e) => e.id);
  const seenBy = async (name: string) =>
    (await sql<{ event_id: number }>`select event_id from seen_events where consumer = ${name} order by event_id`.execute(desk.ctx.db)).rows.map((r) => Number(r.event_id));

  it("a consumer handles every committed event once, and after a restart resumes from its cursor", async () => {
    const t = await fileTicket("Printer on floor 2 jams");
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Looking at it.", format: "text", internal: true });
    expect(await runConsumer(desk.ctx, recorder("restart"))).toBeGreaterThan(0);
    expect(await seenBy("restart")).toEqual(await allEventIds());

    await fileTicket("Monitor flickers");
    // A new process on the same database: nothing in memory, only the stored cursor. (On SQLite
    // the old one must have finished its commit first: one process waiting on another's lock in
    // the same thread would wait for ever.)
    await desk.ctx.durable();
    const restarted = await desk.openNode();
    await runConsumer(restarted, recorder("restart"));
    expect(await runConsumer(restarted, recorder("restart"))).toBe(0);
    await restarted.durable();
    expect(await seenBy("restart")).toEqual(await allEventIds());
    expect(await runConsumer(desk.ctx, recorder("restart"))).toBe(0);
  });

  it("a consumer that crashes part-way keeps neither its effects nor a moved cursor, and handles the batch again in full", async () => {
    await fileTicket("VPN drops every hour");
    const crashing = recorder("crashing", { failFirst: true });
    await expect(runConsumer(desk.ctx, crashing)).rejects.toThrow("crashed mid-batch");
    expect(await seenBy("crashing")).toEqual([]);
    await runConsumer(desk.ctx, crashing);
    expect(await seenBy("crashing")).toEqual(await allEventIds());
  });

  it("mail about a change is queued after the commit by the mail notifications consumer, not by the event writer", async () => {
    const actor: Actor = { ...requester.user!, organization_id: null, team_ids: [], auth: "token" };
    const row = await inTransaction(desk.ctx, (tx) => createTicket(tx, actor, { subject: "Laptop will not start", description: "", format: "text" }));
    const outbox = () => desk.ctx.db.selectFrom("mail_outbox").select(["kind", "to_address"]).where("ticket_id", "=", row.id).execute();
    expect(await outbox()).toEqual([]);
    await desk.drain();
    expect(await outbox()).toEqual([{ kind: "acknowledgement", to_address: requester.user!.email }]);
    // Once: handling the log again queues nothing more.
    await desk.drain();
    expect(await outbox()).toHaveLength(1);
  });

  it("lists every after-commit consumer among the named reactions", () => {
    for (const c of afterCommitConsumers) expect(reactions).toContainEqual(expect.objectContaining({ name: c.name, timing: "after_commit" }));
    expect(reactions.map((r) => r.name)).toContain("sla_clock");
  });

  it.runIf(dialect === "postgres")("two nodes following the log at once handle each event once", async () => {
    const other = await desk.openNode();
    const c = recorder("racing");
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      work.push(fileTicket(`Racing request ${i}`));
      work.push(runConsumer(desk.ctx, c), runConsumer(other, c));
    }
    await Promise.all(work);
    await drainConsumer(other, c);
    const seen = await seenBy("racing");
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(await allEventIds());
  });

  it.runIf(dialect === "postgres")("never skips an event whose transaction took its id first and committed last", async () => {
    const t = await fileTicket("Badge reader offline");
    const c = recorder("late");
    await runConsumer(desk.ctx, c);
    const before = (await admin.get("/api/events?limit=500")).body.next_cursor;

    // A transaction on another node writes an event (taking the lower id) and stays open...
    const other = await desk.openNode();
    let inserted!: () => void;
    let release!: () => void;
    const wrote = new Promise<void>((r) => (inserted = r));
    const held = new Promise<void>((r) => (release = r));
    const late = inTransaction(other, async (tx) => {
      await writeEvents(tx.db, eventRecords(t.id, null, "test", tx.clock.now().toISOString(), [{ action: "late_event" }]));
      inserted();
      await held;
    });
    await wrote;
    // ...while a later change commits an event with a higher id.
    await inTransaction(desk.ctx, (tx) => writeEvents(tx.db, eventRecords(t.id, agent.user!.id, "test", tx.clock.now().toISOString(), [{ action: "note_added" }])));
    expect(await desk.ctx.db.selectFrom("ticket_events").select("id").where("action", "=", "late_event").executeTakeFirst()).toBeUndefined(); // not visible before it commits
    const note = await desk.ctx.db.selectFrom("ticket_events").select("id").where("ticket_id", "=", t.id).where("action", "=", "note_added").executeTakeFirstOrThrow();
    await runConsumer(desk.ctx, c);
    expect(await seenBy("late")).not.toContain(note.id); // a reader taking it now would skip the late one
    expect((await admin.get(`/api/events?after=${before}`)).body.items).toEqual([]);

    release();
    await late;
    const lateEvent = await desk.ctx.db.selectFrom("ticket_events").select("id").where("action", "=", "late_event").executeTakeFirstOrThrow();
    expect(lateEvent.id).toBeLessThan(note.id);
    await drainConsumer(desk.ctx, c);
    const seen = await seenBy("late");
    expect(seen).toContain(lateEvent.id);
    expect(seen).toContain(note.id);
    expect(new Set(seen).size).toBe(seen.length);
    const page = (await admin.get(`/api/events?after=${before}`)).body.items.map((e: { id: number }) => e.id);
    expect(page).toEqual(expect.arrayContaining([lateEvent.id, note.id]));
  });

  it("pages through everything that happened, each event once, with stable ids and opaque cursors", async () => {
    await fileTicket("Keyboard missing keys");
    const ids: number[] = [];
    let after: string | undefined;
    for (let page = 0; page < 200; page++) {
      const res = await admin.get(`/api/events?limit=3${after ? `&after=${after}` : ""}`);
      expect(res.status).toBe(200);
      if (!res.body.items.length) {
        expect(res.body.next_cursor).toBe(after); // an empty page keeps the cursor for polling
        break;
      }
      ids.push(...res.body.items.map((e: { id: number }) => e.id));
      after = res.body.next_cursor;
    }
    expect([...ids].sort((a, b) => a - b)).toEqual(await allEventIds());
    expect(new Set(ids).size).toBe(ids.length);

    const first = (await admin.get("/api/events?limit=2")).body.items;
    expect(first[0]).toMatchObject({ action: "created", actor_id: requester.user!.id, via: "api", new_value: expect.objectContaining({ requester_id: requester.user!.id }) });
    // An event's own cursor continues right after it.
    expect((await admin.get(`/api/events?limit=1&after=${first[0].cursor}`)).body.items[0].id).toBe(first[1].id);
  });

  it("lets admins read the log, nobody else, and refuses a cursor it did not issue", async () => {
    expect((await requester.get("/api/events")).status).toBe(403);
    expect((await agent.get("/api/events")).status).toBe(403);
    expect((await desk.anonymous().get("/api/events")).status).toBe(401);
    for (const bad of ["not-a-cursor!", Buffer.from("12:x").toString("base64url"), Buffer.from("99999999999999999999:1").toString("base64url"), ""]) {
      const res = await admin.get(`/api/events?after=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.message).toMatch(/after/);
    }
    expect((await admin.get("/api/events?limit=0")).status).toBe(400);
  });
});
