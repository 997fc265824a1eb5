/** The demo desk's resolved tickets that are past auto-close: closed at their own time, telling nobody. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type TestDesk } from "./harness.ts";
import { seedDemo } from "../src/seed/demo.ts";
import { sweepOnce } from "../src/sla/sweeper.ts";
import { DEFAULT_AUTO_CLOSE_DAYS } from "../src/sla/settings.ts";

const DAY = 86_400_000;

describe.each(dialects)("a demo desk's auto-close history on %s", (dialect) => {
  let desk: TestDesk;
  let seededAt: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    await seedDemo(desk.ctx, { tickets: 120 });
    seededAt = desk.clock.now().getTime();
    // Tessera starts on the seeded desk: its first sweep.
    await sweepOnce(desk.ctx);
  }, 120_000);
  afterAll(() => desk.close());

  it("notifies and mails nobody that weeks-old resolved tickets closed", async () => {
    const notes = await desk.ctx.db.selectFrom("notifications").select(["kind", "created_at"]).where("kind", "=", "auto_closed").execute();
    expect(notes).toEqual([]);
    const mail = await desk.ctx.db.selectFrom("mail_outbox").select("kind").where("kind", "=", "auto_closed").execute();
    expect(mail).toEqual([]);
  });

  it("closes each of them at the time auto-close was due, not when the desk was seeded", async () => {
    const closes = await desk.ctx.db.selectFrom("ticket_events").select(["ticket_id", "created_at"]).where("via", "=", "auto_close").execute();
    expect(closes.length).toBeGreaterThan(3);
    for (const c of closes) expect(Date.parse(c.created_at)).toBeLessThan(seededAt);
    const tickets = await desk.ctx.db
      .selectFrom("tickets")
      .select(["resolved_at", "closed_at"])
      .where(
        "id",
        "in",
        closes.map((c) => c.ticket_id),
      )
      .execute();
    for (const t of tickets) expect(Date.parse(t.closed_at!) - Date.parse(t.resolved_at!)).toBe(DEFAULT_AUTO_CLOSE_DAYS * DAY);
    // None is left resolved past its auto-close time for the first sweep to find.
    const overdue = await desk.ctx.db
      .selectFrom("tickets")
      .select("id")
      .where("status_category", "=", "resolved")
      .where("resolved_at", "<=", new Date(seededAt - DEFAULT_AUTO_CLOSE_DAYS * DAY).toISOString())
      .execute();
    expect(overdue).toEqual([]);
  });
});
