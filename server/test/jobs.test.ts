/** The jobs module: periodic ticks (schedule, one node at a time, drain) and the durable queue (retries, dead letters). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import pino from "pino";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { loadConfig } from "../src/config.ts";
import { openInstance } from "../src/boot.ts";
import type { AppContext } from "../src/context.ts";
import { defineTick, startTicks, tickStatsOf } from "../src/jobs/ticks.ts";
import { inTransaction } from "../src/context.ts";
import { createJobWorker, enqueue, JOB_BACKOFF_BASE_MS } from "../src/jobs/queue.ts";
import { jobHandlers } from "../src/jobs/handlers.ts";
import { outboxTick } from "../src/mail/out/outbox.ts";

const S = 1000;

/** A promise and the function that resolves it: stands in for slow work the test lets finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}
/** Lets pending promise callbacks run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe.each(dialects)("jobs on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;
  const job = (id: number) => desk.ctx.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    agent = await desk.user("agent");
  });
  afterAll(() => desk?.close());

  it("runs each tick at start and then once per interval by the clock, counting a failure without stopping", async () => {
    let runs = 0;
    let fail = false;
    const ticks = startTicks(
      desk.ctx,
      [
        defineTick({
          name: "count-test",
          everyMs: 60 * S,
          run: async () => {
            runs++;
            if (fail) throw new Error("broken tick");
          },
        }),
      ],
      { timers: false },
    );
    try {
      await ticks.runDue();
      expect(runs).toBe(1);
      await ticks.runDue();
      desk.clock.advance(59 * S);
      await ticks.runDue();
      expect(runs).toBe(1);
      desk.clock.advance(1 * S);
      fail = true;
      await ticks.runDue();
      expect(runs).toBe(2);
      expect(ticks.stats()["count-test"]).toMatchObject({ runs: 1, failures: 1, lastError: "broken tick" });
      // Counted where Prometheus reads (served to the machine itself).
      const metrics = await desk.app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" });
      expect(metrics.body).toContain('tessera_tick_failures{tick="count-test"} 1');
      fail = false;
      desk.clock.advance(60 * S);
      await ticks.runDue();
      expect(runs).toBe(3);
    } finally {
      await ticks.stop();
    }
  });

  it("lets one node at a time take a tick; the other skips it rather than waiting", async () => {
    // Two nodes: on PostgreSQL a second instance on the same schema; SQLite has one node, one process.
    let other: Awaited<ReturnType<typeof openInstance>> | undefined;
    let second: AppContext = desk.ctx;
    if (dialect === "postgres") {
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(desk.ctx.db)).rows[0].s;
      const config = loadConfig({}, { TESSERA_DATA_DIR: desk.dataDir, LOG_LEVEL: "silent", DATABASE_URL: process.env.TEST_DATABASE_URL! });
      other = await openInstance(config, { clock: desk.clock, pgSchema: schema, log: pino({ level: "silent" }) });
      second = other.ctx;
    }
    const slow = gate();
    const entered = gate();
    let runs = 0;
    const tick = defineTick({
      name: "race-test",
      everyMs: 60 * S,
      run: async () => {
        runs++;
        entered.open();
        await slow.opened;
      },
    });
    const a = startTicks(desk.ctx, [tick], { timers: false });
    const b = startTicks(second, [tick], { timers: false });
    try {
      const first = a.runDue();
      await entered.opened;
      await b.runDue();
      expect(b.stats()["race-test"]).toMatchObject({ runs: 0, skipped: 1 });
      slow.open();
      await first;
      expect(runs).toBe(1);
      // Once the first node is done, the other may take the next one.
      desk.clock.advance(60 * S);
      await b.runDue();
      expect(b.stats()["race-test"]).toMatchObject({ runs: 1, skipped: 1 });
    } finally {
      slow.open();
      await Promise.all([a.stop(), b.stop()]);
      await other?.close();
    }
  });

  it("queues a job only when the caller's transaction commits", async () => {
    await expect(
      desk.ctx.db.transaction().execute(async (trx) => {
        await enqueue({ ...desk.ctx, db: trx }, "rolled-back", { n: 1 });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await desk.ctx.db.selectFrom("jobs").select("id").where("kind", "=", "rolled-back").execute()).toEqual([]);
    const id = await desk.ctx.db.transaction().execute((trx) => enqueue({ ...desk.ctx, db: trx }, "committed", { n: 2 }));
    expect(await job(id)).toMatchObject({ kind: "committed", attempts: 0, done_at: null, dead_at: null });
    await expect(enqueue(desk.ctx, "Bad Kind!", {})).rejects.toMatchObject({ status: 400 });
  });

  it("retries a throwing job with growing backoff, then lists it as dead with its error; retry runs it again", async () => {
    let failing = true;
    const seen: unknown[] = [];
    const worker = createJobWorker(desk.ctx, {
      "flaky-report": async (_ctx, run) => {
        seen.push(run.payload);
        if (failing) throw new Error("report server said 503");
      },
    });
    const id = await enqueue(desk.ctx, "flaky-report", { report: 7 }, { maxAttempts: 3 });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const before = desk.clock.now().getTime();
      expect(await worker.pass()).toMatchObject({ claimed: 1, retrying: 1 });
      const row = await job(id);
      expect(row).toMatchObject({ attempts: attempt, last_error: "report server said 503", dead_at: null, lease_until: null });
      const wait = Date.parse(row.run_at) - before;
      waits.push(wait);
      // Not before its time.
      desk.clock.advance(wait - 1);
      expect((await worker.pass()).claimed).toBe(0);
      desk.clock.advance(1);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(JOB_BACKOFF_BASE_MS * 0.8);
    expect(waits[0]).toBeLessThanOrEqual(JOB_BACKOFF_BASE_MS * 1.2);
    expect(waits[1]).toBeGreaterThan(waits[0]);
    expect(await worker.pass()).toMatchObject({ claimed: 1, dead: 1 });
    expect(seen).toEqual([{ report: 7 }, { report: 7 }, { report: 7 }]);
    desk.clock.advance(24 * 3600 * S);
    expect((await worker.pass()).claimed).toBe(0);

    const dead = (await admin.get("/api/jobs/dead")).body.items;
    expect(dead[0]).toMatchObject({
      id,
      kind: "flaky-report",
      payload: { report: 7 },
      attempts: 3,
      max_attempts: 3,
      last_error: "report server said 503",
      dead_at: expect.any(String),
      created_at: expect.any(String),
    });
    expect((await agent.get("/api/jobs/dead")).status).toBe(403);

    failing = false;
    const retried = await admin.post(`/api/jobs/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, state: "queued" });
    expect((await admin.get("/api/jobs/dead")).body.items.map((j: any) => j.id)).not.toContain(id);
    expect(await worker.pass()).toMatchObject({ claimed: 1, done: 1 });
    expect(await job(id)).toMatchObject({ attempts: 1, done_at: expect.any(String), dead_at: null });
    // Only a dead job can be retried or discarded.
    const again = await admin.post(`/api/jobs/${id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/not in the dead-letter list/);
    expect((await admin.delete(`/api/jobs/${id}`)).status).toBe(409);
    expect((await admin.post("/api/jobs/999999/retry")).status).toBe(404);
    expect((await admin.post("/api/jobs/abc/retry")).status).toBe(400);
  });

  it("dead-letters a probe that fails on purpose, retries one that fails once, and discards for good", async () => {
    const worker = createJobWorker(desk.ctx, jobHandlers);
    const ok = await admin.post("/api/jobs/probe", {});
    const bad = await admin.post("/api/jobs/probe", { fail: "always", max_attempts: 1 });
    const once = await admin.post("/api/jobs/probe", { fail: "once", max_attempts: 1 });
    expect(bad.body).toMatchObject({ id: expect.any(Number), kind: "probe" });
    expect((await admin.post("/api/jobs/probe", { max_attempts: 0 })).status).toBe(400);
    expect((await admin.post("/api/jobs/probe", { fail: true })).status).toBe(400);
    expect((await agent.post("/api/jobs/probe", {})).status).toBe(403);
    expect(await worker.pass()).toMatchObject({ claimed: 3, done: 1, dead: 2 });
    // Failing once: its retry from the dead-letter list succeeds.
    expect((await admin.post(`/api/jobs/${once.body.id}/retry`)).status).toBe(200);
    expect(await worker.pass()).toMatchObject({ claimed: 1, done: 1 });
    expect((await job(once.body.id)).done_at).not.toBeNull();
    expect((await job(ok.body.id)).done_at).not.toBeNull();
    const dead = (await admin.get("/api/jobs/dead")).body.items;
    expect(dead.find((j: any) => j.id === bad.body.id)).toMatchObject({ kind: "probe", attempts: 1, last_error: "The probe job failed on purpose, as asked." });
    const metrics = await desk.app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" });
    expect(metrics.body).toMatch(/tessera_jobs\{state="dead"\} [1-9]/);
    const discarded = await admin.delete(`/api/jobs/${bad.body.id}`);
    expect(discarded.status).toBe(200);
    expect((await admin.get("/api/jobs/dead")).body.items.map((j: any) => j.id)).not.toContain(bad.body.id);
    expect(await desk.ctx.db.selectFrom("jobs").select("id").where("id", "=", bad.body.id).execute()).toEqual([]);
  });

  it("writes an audit entry naming the job's kind and id when an admin retries or discards a dead job", async () => {
    const worker = createJobWorker(desk.ctx, jobHandlers);
    const retried = (await admin.post("/api/jobs/probe", { fail: "once", max_attempts: 1 })).body.id;
    const discarded = (await admin.post("/api/jobs/probe", { fail: "always", max_attempts: 1 })).body.id;
    await worker.pass();
    expect((await admin.post(`/api/jobs/${retried}/retry`)).status).toBe(200);
    expect((await admin.delete(`/api/jobs/${discarded}`)).status).toBe(200);
    // A refused action changes nothing and records nothing.
    expect((await admin.post(`/api/jobs/${retried}/retry`)).status).toBe(409);

    const entries = (await admin.get("/api/audit?action=job&limit=50")).body.items;
    const about = (id: number) => entries.filter((e: any) => e.target?.id === String(id));
    expect(about(retried)).toEqual([
      expect.objectContaining({
        action: "job.retried",
        actor: expect.objectContaining({ id: admin.user!.id }),
        target: { type: "job", id: String(retried), label: "probe" },
        detail: expect.objectContaining({ kind: "probe", attempts: 1, last_error: "The probe job failed on purpose, as asked." }),
        sentence: `${admin.user!.name} queued the dead background job probe #${retried} again`,
      }),
    ]);
    expect(about(discarded)).toEqual([
      expect.objectContaining({
        action: "job.discarded",
        target: { type: "job", id: String(discarded), label: "probe" },
        detail: expect.objectContaining({ kind: "probe", last_error: "The probe job failed on purpose, as asked." }),
        sentence: `${admin.user!.name} discarded the dead background job probe #${discarded}`,
      }),
    ]);
  });

  it("wakes only the job workers of the instance a job was queued on, and counts only its own ticks", async () => {
    // Two instances in one process, as a test or an embedding may hold.
    const other = await desk.openNode();
    const kicks = { here: 0, there: 0 };
    const offHere = createJobWorker(desk.ctx, jobHandlers).tick.wakeOn!(() => kicks.here++, desk.ctx);
    const offThere = createJobWorker(other, jobHandlers).tick.wakeOn!(() => kicks.there++, other);
    try {
      await enqueue(desk.ctx, "probe", {});
      expect(kicks).toEqual({ here: 1, there: 0 });
      // Queued in a transaction of the other instance: its context is a copy that carries that instance's workers.
      await inTransaction(other, (tx) => enqueue(tx, "probe", {}));
      expect(kicks).toEqual({ here: 1, there: 1 });
      // An admin's retry from the dead-letter list wakes the workers of the instance that took the request.
      const dead = await enqueue(other, "probe", { fail: "always" }, { maxAttempts: 1 });
      await createJobWorker(other, jobHandlers).pass();
      expect((await admin.post(`/api/jobs/${dead}/retry`)).status).toBe(200);
      expect(kicks).toEqual({ here: 2, there: 2 });
    } finally {
      offHere();
      offThere();
    }

    // Mail queued by this instance's reactions wakes this instance's outbox delivery only.
    const mail = { here: 0, there: 0 };
    const offMailHere = outboxTick.wakeOn!(() => mail.here++, desk.ctx);
    const offMailThere = outboxTick.wakeOn!(() => mail.there++, other);
    try {
      const requester = await desk.user("requester");
      expect((await requester.post("/api/tickets", { subject: "Acknowledge me" })).status).toBe(201);
      await desk.drain();
      expect(mail).toEqual({ here: 1, there: 0 });
    } finally {
      offMailHere();
      offMailThere();
    }

    const quiet = async () => {};
    const here = startTicks(desk.ctx, [defineTick({ name: "runs-here", everyMs: 60 * S, run: quiet })], { timers: false });
    const there = startTicks(other, [defineTick({ name: "runs-there", everyMs: 60 * S, run: quiet })], { timers: false });
    try {
      await Promise.all([here.runDue(), there.runDue()]);
      const metrics = (await desk.app.inject({ method: "GET", url: "/metrics", remoteAddress: "127.0.0.1" })).body;
      expect(metrics).toMatch(/tessera_tick_runs\{tick="runs-here"\} 1/);
      expect(metrics).not.toContain('tick="runs-there"');
      expect(Object.keys(tickStatsOf(other))).toEqual(["runs-there"]);
    } finally {
      await Promise.all([here.stop(), there.stop()]);
    }
  });

  it("takes a job again when the worker that claimed it died, and stops waiting for running jobs to finish", async () => {
    const slow = gate();
    const started = gate();
    let finished = 0;
    const handlers = {
      "slow-export": async () => {
        started.open();
        await slow.opened;
        finished++;
      },
    };
    const worker = createJobWorker(desk.ctx, handlers);
    const ticks = startTicks(desk.ctx, [worker.tick], { timers: false });
    const id = await enqueue(desk.ctx, "slow-export", {});
    const running = ticks.run("jobs");
    await started.opened;
    // Another worker does not take a job under lease.
    expect((await createJobWorker(desk.ctx, handlers).pass()).claimed).toBe(0);
    let stopped = false;
    const stopping = ticks.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    await running;
    expect(finished).toBe(1);
    expect((await job(id)).done_at).not.toBeNull();

    // A lease that lapsed (its worker died) is claimed by another worker.
    const lost = await enqueue(desk.ctx, "slow-export", {});
    await desk.ctx.db
      .updateTable("jobs")
      .set({ attempts: 1, lease_until: new Date(desk.clock.now().getTime() - 1).toISOString(), leased_by: "gone" })
      .where("id", "=", lost)
      .execute();
    expect(await createJobWorker(desk.ctx, handlers).pass()).toMatchObject({ claimed: 1, done: 1 });
    expect(await job(lost)).toMatchObject({ attempts: 2, done_at: expect.any(String) });
  });
});
