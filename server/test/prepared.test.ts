/**
 * Prepared queries (db/prepared.ts): built and compiled once per database, run many times with
 * named parameters, inside and outside transactions, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createDesk, dialects, type TestDesk } from "./harness.ts";
import { prepared } from "../src/db/prepared.ts";

describe.each(dialects)("prepared queries on %s", (dialect) => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await createDesk(dialect);
  });
  afterAll(() => desk?.close());

  it("builds a query once and answers each run with that run's values", async () => {
    let builds = 0;
    const userByEmail = prepared<{ email: string }, { id: number; email: string }>((db, p) => {
      builds++;
      return db.selectFrom("users").select(["id", "email"]).where("email", "=", p.email);
    });
    const a = await desk.user("agent", { email: "prep-a@example.test" });
    const b = await desk.user("agent", { email: "prep-b@example.test" });
    expect((await userByEmail.first(desk.ctx.db, { email: "prep-a@example.test" }))?.id).toBe(a.user!.id);
    expect((await userByEmail.first(desk.ctx.db, { email: "prep-b@example.test" }))?.id).toBe(b.user!.id);
    expect(await userByEmail.first(desk.ctx.db, { email: "nobody@example.test" })).toBeUndefined();
    // Transactions of the same database share the compiled query.
    await desk.ctx.db.transaction().execute(async (trx) => {
      expect(await userByEmail.all(trx, { email: "prep-a@example.test" })).toEqual([{ id: a.user!.id, email: "prep-a@example.test" }]);
    });
    expect(builds).toBe(1);
  });

  it("keeps values fixed at build time, repeats a parameter used twice, and writes with RETURNING", async () => {
    const addCounter = prepared<{ name: string; value: number }, { name: string; value: number }>((db, p) =>
      db.insertInto("counters").values({ name: p.name, value: p.value }).returning(["name", "value"]),
    );
    const bump = prepared<{ name: string; by: number }, { value: number }>((db, p) =>
      db
        .updateTable("counters")
        .set({ value: sql<number>`value + ${p.by} + ${p.by}` })
        .where("name", "=", p.name)
        .where("value", ">=", 0)
        .returning("value"),
    );
    expect(await addCounter.all(desk.ctx.db, { name: "prepared-test", value: 5 })).toEqual([{ name: "prepared-test", value: 5 }]);
    expect((await bump.first(desk.ctx.db, { name: "prepared-test", by: 2 }))?.value).toBe(9);
    const none = await bump.run(desk.ctx.db, { name: "no-such-counter", by: 1 });
    expect(none.rows).toEqual([]);
  });

  it("refuses a parameter that would not reach the database as a bound value", async () => {
    const unused = prepared<{ id: number; email: string }>((db, p) => {
      void p.email;
      return db.selectFrom("users").select("id").where("id", "=", p.id);
    });
    await expect(unused.all(desk.ctx.db, { id: 1, email: "a@example.test" })).rejects.toThrow(/parameter "email" does not reach the SQL/);
    const stringified = prepared<{ subject: string }>((db, p) =>
      db
        .selectFrom("ticket_events")
        .select("id")
        .where("new_value", "=", JSON.stringify({ subject: p.subject })),
    );
    await expect(stringified.all(desk.ctx.db, { subject: "x" })).rejects.toThrow(/parameter "subject" is converted at build time/);
  });

  it("compiles to the engine's own placeholders", () => {
    const q = prepared<{ id: number }>((db, p) => db.selectFrom("users").select("id").where("id", "=", p.id));
    expect(q.sqlFor(desk.ctx.db)).toContain(dialect === "postgres" ? "$1" : "?");
  });
});
