/**
 * PostgreSQL query timeouts: a request's query gives up after its limit (so the request answers
 * instead of hanging), while a migration's connection has none (an index on a large desk takes
 * longer than any request may wait; boot.ts migrates over such a connection).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { connect, type Db } from "../src/db/connect.ts";
import { dialects } from "./harness.ts";

const dir = mkdtempSync(path.join(tmpdir(), "tessera-pg-timeouts-"));
const opened: Db[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (queryTimeoutMs: number) => {
  const db = connect({ databaseUrl: process.env.TEST_DATABASE_URL, sqlitePath: path.join(dir, "unused.db"), poolSize: 1, queryTimeoutMs });
  opened.push(db);
  return db;
};

describe.skipIf(!dialects.includes("postgres"))("PostgreSQL query timeouts", () => {
  it("gives up on a query past the connection's limit, and lets a migration's connection run on", async () => {
    await expect(sql`select pg_sleep(0.3)`.execute(open(100).kysely)).rejects.toThrow(/timeout/i);
    await expect(sql`select pg_sleep(0.3), 1 as done`.execute(open(0).kysely)).resolves.toMatchObject({ rows: [{ done: 1 }] });
  });
});
