/** The demo desk's SLA history: recorded at the times it happened, notifying nobody, and no ticket raised out of its SLA. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type TestDesk } from "./harness.ts";
import { seedDemo } from "../src/seed/demo.ts";
import { sweepOnce } from "../src/sla/sweeper.ts";

const MIN = 60_000;

describe.each(dialects)("a demo desk's SLA history on %s", (dialect) => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    await seedDemo(desk.ctx, { tickets: 120 });
    // Tessera starts on the seeded desk: its first sweep, and one a few minutes later.
    await sweepOnce(desk.ctx);
    desk.clock.advance(2 * MIN);
    await sweepOnce(desk.ctx);
  }, 120_000);
  afterAll(() => desk.close());

  const slaNotifications = () => desk.ctx.db.selectFrom("notifications").select("id").where("kind", "in", ["sla_warning", "sla_breach"]).execute();

  it("notifies nobody of warnings and breaches that happened weeks ago", async () => {
    expect(await slaNotifications()).toEqual([]);
  });

  it("records each seeded warning and breach at the time it fell due, not when the desk was seeded", async () => {
    const seededAt = desk.clock.now().getTime() - 2 * MIN;
    const targets = await desk.ctx.db.selectFrom("sla_targets").selectAll().where("breached_at", "is not", null).execute();
    expect(targets.filter((x) => x.breached_at === x.due_at).length).toBeGreaterThan(5);
    // Either found by a sweep (at its due time) or met late while the history was made (at that moment).
    expect(targets.filter((x) => x.breached_at !== x.due_at && Date.parse(x.breached_at!) >= seededAt)).toEqual([]);
    const history = await desk.ctx.db.selectFrom("ticket_events").select(["ticket_id", "action", "created_at"]).where("action", "in", ["sla_warning", "sla_breached", "sla_escalated"]).execute();
    expect(history.length).toBeGreaterThan(10);
    // Nothing of the seeded past falls due in the two minutes after it: nothing is stamped "just now".
    expect(history.filter((e) => Date.parse(e.created_at) >= seededAt)).toEqual([]);
  });

  it("leaves no critical ticket without SLA deadlines", async () => {
    const critical = await desk.ctx.db
      .selectFrom("tickets")
      .innerJoin("sla_clocks", "sla_clocks.ticket_id", "tickets.id")
      .select(["tickets.id", "tickets.sla_state", "sla_clocks.policy_name"])
      .where("tickets.priority", "=", "P1")
      .execute();
    expect(critical.filter((t) => t.policy_name === "VIP customers").length).toBeGreaterThan(0);
    expect(critical.filter((t) => t.sla_state === "none")).toEqual([]);
  });
});
