/**
 * Queries compiled once (db/prepared.ts) run on PostgreSQL as named prepared statements
 * (db/pg-statements.ts). What must hold whatever the database: a table changed between two runs
 * of the same statement is read as it now is; an error inside a transaction fails it; each schema
 * reads its own tables; and TESSERA_PG_PREPARE=off sends every statement unnamed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { dialects, type Dialect } from "./harness.ts";
import { connect, type Db } from "../src/db/connect.ts";
import { prepared } from "../src/db/prepared.ts";
import { loadConfig } from "../src/config.ts";
import { adminQuery } from "./support/pg-admin.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database of its own with one connection (so every run meets the statements it prepared), and a `probes` table. */
async function openDb(dialect: Dialect, opts: { pgPrepare?: boolean; schema?: string } = {}): Promise<Db> {
  let db: Db;
  if (dialect === "postgres") {
    const schema = opts.schema ?? `t_${randomBytes(6).toString("hex")}`;
    if (!opts.schema) {
      await adminQuery(`create schema ${schema}`);
      cleanups.push(() => adminQuery(`drop schema ${schema} cascade`));
    }
    db = connect({ databaseUrl: pgUrl, sqlitePath: "", pgSchema: schema, poolSize: 1, pgPrepare: opts.pgPrepare });
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "tessera-pgstmt-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    db = connect({ sqlitePath: path.join(dir, "t.db") });
  }
  cleanups.push(() => db.close());
  await sql`create table if not exists probes (id integer primary key, label text not null unique)`.execute(db.kysely);
  return db;
}

interface Probe {
  id: number;
  label: string;
  colour?: string | null;
}
// Each definition is compiled once per database; `select *` returns whatever columns the table has now.
const probeById = prepared<{ id: number }, Probe>((db, p) => (db as unknown as Kysely<{ probes: Probe }>).selectFrom("probes").selectAll().where("id", "=", p.id));
const insertProbe = prepared<{ id: number; label: string }>((db, p) => (db as unknown as Kysely<{ probes: Probe }>).insertInto("probes").values({ id: p.id, label: p.label }));

const probesFrom = prepared<{ id: number }, Probe>((db, p) => (db as unknown as Kysely<{ probes: Probe }>).selectFrom("probes").selectAll().where("id", ">", p.id).orderBy("id"));
const probesByLabel = prepared<{ label: string }, Probe>((db, p) => (db as unknown as Kysely<{ probes: Probe }>).selectFrom("probes").selectAll().where("label", ">=", p.label), { planEachRun: true });

/** The statements this connection holds prepared for the probe query (PostgreSQL only). */
async function namedProbeStatements(db: Db, query: { sqlFor(db: Kysely<never>): string } = probeById): Promise<number> {
  const text = query.sqlFor(db.kysely as never);
  const r = await sql<{ n: number }>`select count(*) as n from pg_prepared_statements where statement = ${text}`.execute(db.kysely);
  return Number(r.rows[0].n);
}

describe.each(dialects)("statements compiled once, on %s", (dialect) => {
  it("reads a table as it is after a column was added between two runs of the same statement", async () => {
    const db = await openDb(dialect);
    await insertProbe.run(db.kysely, { id: 1, label: "first" });
    for (let i = 0; i < 6; i++) expect(await probeById.first(db.kysely, { id: 1 })).toEqual({ id: 1, label: "first" });
    if (dialect === "postgres") expect(await namedProbeStatements(db)).toBe(1);

    // As a migration run by another process would.
    await sql`alter table probes add column colour text default 'blue'`.execute(db.kysely);
    expect(await probeById.first(db.kysely, { id: 1 })).toEqual({ id: 1, label: "first", colour: "blue" });
    expect(await probeById.first(db.kysely, { id: 1 })).toEqual({ id: 1, label: "first", colour: "blue" });
  });

  it("reads many rows as the table is after its columns changed between two runs", async () => {
    const db = await openDb(dialect);
    await insertProbe.run(db.kysely, { id: 1, label: "a" });
    await insertProbe.run(db.kysely, { id: 2, label: "b" });
    for (let i = 0; i < 3; i++)
      expect(await probesFrom.all(db.kysely, { id: 0 })).toEqual([
        { id: 1, label: "a" },
        { id: 2, label: "b" },
      ]);
    await sql`alter table probes add column colour text default 'green'`.execute(db.kysely);
    expect(await probesFrom.all(db.kysely, { id: 0 })).toEqual([
      { id: 1, label: "a", colour: "green" },
      { id: 2, label: "b", colour: "green" },
    ]);
    await sql`alter table probes rename column colour to shade`.execute(db.kysely);
    expect(await probesFrom.all(db.kysely, { id: 1 })).toEqual([{ id: 2, label: "b", shade: "green" }]);
    // The same name twice: the later column wins, as it always did.
    const twice = await sql<{ id: number }>`select id, label as id from probes where id > ${0} order by 1`.execute(db.kysely);
    expect(twice.rows).toEqual([{ id: "a" }, { id: "b" }]);
  });

  it("fails a transaction whose statement fails, and keeps none of its writes", async () => {
    const db = await openDb(dialect);
    await insertProbe.run(db.kysely, { id: 1, label: "taken" });
    const attempt = db.kysely.transaction().execute(async (tx) => {
      await insertProbe.run(tx, { id: 2, label: "kept?" });
      await insertProbe.run(tx, { id: 3, label: "taken" });
    });
    await expect(attempt).rejects.toThrow(/unique|UNIQUE/);
    expect(await probeById.first(db.kysely, { id: 2 })).toBeUndefined();
    // The connection is usable again.
    await insertProbe.run(db.kysely, { id: 4, label: "after" });
    expect((await probeById.first(db.kysely, { id: 4 }))?.label).toBe("after");
  });

  it("does not retry a statement whose plan went stale inside a transaction: the transaction fails", async () => {
    const db = await openDb(dialect);
    await insertProbe.run(db.kysely, { id: 1, label: "first" });
    expect(await probeById.first(db.kysely, { id: 1 })).toEqual({ id: 1, label: "first" });
    await sql`alter table probes add column colour text default 'red'`.execute(db.kysely);

    const inTransaction = db.kysely.transaction().execute(async (tx) => {
      await insertProbe.run(tx, { id: 2, label: "written before the read" });
      return probeById.first(tx, { id: 1 });
    });
    if (dialect === "postgres") {
      // The read failed after the write: retried, it would have committed a transaction PostgreSQL had aborted.
      await expect(inTransaction).rejects.toThrow(/cached plan must not change result type/);
      expect(await probeById.first(db.kysely, { id: 2 })).toBeUndefined();
    } else {
      await expect(inTransaction).resolves.toEqual({ id: 1, label: "first", colour: "red" });
    }
    // The next transaction prepares the statement afresh.
    const again = await db.kysely.transaction().execute((tx) => probeById.first(tx, { id: 1 }));
    expect(again).toEqual({ id: 1, label: "first", colour: "red" });
  });
});

describe.runIf(dialects.includes("postgres"))("named statements on PostgreSQL", () => {
  it("reads each schema's own table through the same statement", async () => {
    const a = await openDb("postgres");
    const b = await openDb("postgres");
    await insertProbe.run(a.kysely, { id: 1, label: "in a" });
    await insertProbe.run(b.kysely, { id: 1, label: "in b" });
    for (let i = 0; i < 6; i++) {
      expect((await probeById.first(a.kysely, { id: 1 }))?.label).toBe("in a");
      expect((await probeById.first(b.kysely, { id: 1 }))?.label).toBe("in b");
    }
    expect(await namedProbeStatements(a)).toBe(1);
    expect(await namedProbeStatements(b)).toBe(1);
  });

  it("plans a query whose best plan depends on its values for each run: it is never prepared", async () => {
    const db = await openDb("postgres");
    await insertProbe.run(db.kysely, { id: 1, label: "a" });
    for (let i = 0; i < 6; i++) expect(await probesByLabel.all(db.kysely, { label: "a" })).toEqual([{ id: 1, label: "a" }]);
    expect(await namedProbeStatements(db, probesByLabel)).toBe(0);
    expect(await namedProbeStatements(db)).toBe(0);
    await probeById.first(db.kysely, { id: 1 });
    expect(await namedProbeStatements(db)).toBe(1);
  });

  it("answers times as ISO strings in UTC, whatever the session's time zone", async () => {
    const db = await openDb("postgres");
    const read = async () =>
      (
        await sql<Record<string, string>>`select timestamptz '2026-12-07 21:20:50.123456+00' as micro, timestamptz '2026-12-07 21:20:50+00' as whole,
          timestamptz '2026-12-07 21:20:50.5+00' as tenth, timestamp '2026-12-07 21:20:50.999999' as plain, timestamptz '1999-12-31 23:59:59.9995+00' as last`.execute(db.kysely)
      ).rows[0];
    const expected = { micro: "2026-12-07T21:20:50.123Z", whole: "2026-12-07T21:20:50.000Z", tenth: "2026-12-07T21:20:50.500Z", plain: "2026-12-07T21:20:50.999Z", last: "1999-12-31T23:59:59.999Z" };
    await sql`set time zone 'UTC'`.execute(db.kysely);
    expect(await read()).toEqual(expected);
    await sql`set time zone 'Asia/Kolkata'`.execute(db.kysely);
    expect(await read()).toEqual(expected);
  });

  it("sends every statement unnamed with TESSERA_PG_PREPARE=off, as a pooler in transaction mode needs", async () => {
    expect(loadConfig({}, { TESSERA_PG_PREPARE: "off" }).pgPrepare).toBe(false);
    expect(loadConfig({}, {}).pgPrepare).toBe(true);
    expect(() => loadConfig({}, { TESSERA_PG_PREPARE: "maybe" })).toThrow(/TESSERA_PG_PREPARE/);

    const db = await openDb("postgres", { pgPrepare: false });
    await insertProbe.run(db.kysely, { id: 1, label: "unnamed" });
    for (let i = 0; i < 3; i++) expect((await probeById.first(db.kysely, { id: 1 }))?.label).toBe("unnamed");
    expect(await namedProbeStatements(db)).toBe(0);
  });
});
