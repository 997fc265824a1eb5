/**
 * SQLite's planner statistics for the tickets table: taken when there are none (a desk grown by
 * use never has any, and the large-desk views then scan), and again when the desk has doubled or
 * halved since. SQLite only: PostgreSQL gathers its own.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshTicketStatistics } from "../src/db/statistics.ts";
import { type Client, createDesk, type TestDesk } from "./harness.ts";

describe("ticket statistics on SQLite", () => {
  let desk: TestDesk;
  let agent: Client;
  const file = async (n: number) => {
    for (let i = 0; i < n; i++) expect((await agent.post("/api/tickets", { subject: `Scanner ${i} offline`, description: "No scans arrive." })).status).toBe(201);
  };
  const analysedRows = async () => {
    const r = await sql<{ rows: number | null }>`select max(cast(stat as integer)) as rows from sqlite_stat1 where tbl = 'tickets'`.execute(desk.ctx.db).catch(() => ({ rows: [] }));
    return r.rows[0]?.rows ?? null;
  };
  beforeAll(async () => {
    desk = await createDesk("sqlite");
    agent = await desk.user("agent");
  });
  afterAll(() => desk.close());

  it("takes them when there are none, keeps them while the desk stays the same size, and takes them again once it has doubled", async () => {
    await file(4);
    expect(await analysedRows()).toBeNull();

    expect(await refreshTicketStatistics(desk.ctx.db)).toMatchObject({ analysed: true, reason: "missing", tickets: 4 });
    expect(await analysedRows()).toBe(4);

    await file(4);
    expect(await refreshTicketStatistics(desk.ctx.db)).toEqual({ analysed: false });
    expect(await analysedRows()).toBe(4);

    await file(1);
    expect(await refreshTicketStatistics(desk.ctx.db)).toMatchObject({ analysed: true, reason: "drifted", tickets: 9 });
    expect(await analysedRows()).toBe(9);
  });
});
