/**
 * The open-ticket views walk partial indexes, which both engines use only when the list query's
 * condition is written as the index's: the migration's text and tickets/open.ts must agree.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type TestDesk } from "./harness.ts";
import { isOpenSet, OPEN_TICKETS_SQL } from "../src/tickets/open.ts";

const PARTIAL = ["tickets_open_updated", "tickets_open_sla", "tickets_open_assignee", "tickets_open_sla_state"];

describe.each(dialects)("the open-ticket indexes on %s", (dialect) => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await createDesk(dialect);
  });
  afterAll(() => desk.close());

  it("carry the condition the list query writes for open tickets", async () => {
    const db = desk.ctx.db;
    if (dialect === "sqlite") {
      const rows = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'tickets'`.execute(db);
      for (const name of PARTIAL) expect(rows.rows.find((r) => r.name === name)?.sql).toContain(`where ${OPEN_TICKETS_SQL}`);
      return;
    }
    // PostgreSQL keeps the condition parsed: compare with the same text parsed on a scratch table.
    await sql`create temporary table open_scratch (status_category text)`.execute(db);
    await sql`create index open_scratch_ix on open_scratch (status_category) where ${sql.raw(OPEN_TICKETS_SQL)}`.execute(db);
    const want = await sql<{ p: string }>`select pg_get_expr(indpred, indrelid) as p from pg_index where indexrelid = 'open_scratch_ix'::regclass`.execute(db);
    for (const name of PARTIAL) {
      const got = await sql<{ p: string }>`select pg_get_expr(indpred, indrelid) as p from pg_index where indexrelid = ${name}::regclass`.execute(db);
      expect(got.rows[0].p).toBe(want.rows[0].p);
    }
  });

  it("take a status filter naming the five open categories, in any order, as the open tickets", () => {
    expect(isOpenSet(["awaiting_approval", "new", "open", "awaiting_third_party", "awaiting_requester"])).toBe(true);
    expect(isOpenSet(["new", "open"])).toBe(false);
    expect(isOpenSet(["new", "open", "awaiting_requester", "awaiting_third_party", "resolved"])).toBe(false);
  });
});
