/**
 * `tessera backup` while the desk runs, `tessera restore` into an empty installation, and
 * `tessera check`: the restored desk has every ticket, event, comment and attachment row of the
 * original, and every stored file with the same bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { openInstance } from "../src/boot.ts";
import { blobPath } from "../src/attachments/storage.ts";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { commandFor, runTessera } from "./support/command.ts";

async function upload(c: Client, filename: string, content: Buffer) {
  const boundary = `----tessera${randomBytes(8).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await c.request("POST", "/api/attachments", body, { "content-type": `multipart/form-data; boundary=${boundary}` });
  expect(res.status).toBe(201);
  return res.body as { id: number };
}

/** Every row of the tables a restore must bring back, in a stable order, as plain values. */
async function snapshot(db: Kysely<unknown>) {
  const rows = async (table: string) =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(db)).rows.map((r) =>
      JSON.stringify(Object.entries(r).map(([k, v]) => [k, v == null ? null : String(v)])),
    );
  return { tickets: await rows("tickets"), ticket_events: await rows("ticket_events"), comments: await rows("comments"), attachments: await rows("attachments") };
}

describe.each(dialects)("backup and restore on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;
  const files = [randomBytes(70_000), Buffer.from("a small text file\n")];
  const backupDir = path.join(mkdtempSync(path.join(tmpdir(), "tessera-backup-")), "backup");
  const restoreDir = mkdtempSync(path.join(tmpdir(), "tessera-restored-"));
  const restoredDb = `tessera_restored_${randomBytes(4).toString("hex")}`;
  let command: { main: string; env: Record<string, string> };
  let pgSchema: string | undefined;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    agent = await desk.user("agent");
    for (let i = 0; i < 5; i++) {
      const att = await upload(agent, `file-${i}.bin`, files[i % 2]);
      const t = (await agent.post("/api/tickets", { subject: `Backed-up ticket ${i}`, description: `Number ${i}`, attachment_ids: [att.id] })).body;
      await agent.post(`/api/tickets/${t.id}/comments`, { body: `A reply to ${i}`, internal: i % 2 === 0 });
      await agent.patch(`/api/tickets/${t.id}`, { version: t.version, priority: "P1" });
    }
    command = await commandFor(desk, dialect);
    if (dialect === "postgres") pgSchema = (await sql<{ s: string }>`select current_schema() as s`.execute(desk.ctx.db)).rows[0].s;
  }, 60_000);

  afterAll(async () => {
    await desk.close();
    rmSync(path.dirname(backupDir), { recursive: true, force: true });
    rmSync(restoreDir, { recursive: true, force: true });
    if (dialect === "postgres") {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${restoredDb} with (force)`);
      await admin.end();
    }
  });

  /** The environment of an empty installation to restore into (a new data folder; on PostgreSQL a new database). */
  async function emptyInstallation() {
    const env: Record<string, string> = { ...command.env, TESSERA_DATA_DIR: restoreDir };
    if (dialect === "postgres") {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${restoredDb}`);
      await admin.end();
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${restoredDb}`;
      url.searchParams.set("options", `-c search_path=${pgSchema}`);
      env.DATABASE_URL = url.toString();
    }
    return env;
  }

  it("backs up a running desk, restores it elsewhere, and the copy has every row and file", { timeout: 120_000 }, async () => {
    const backedUp = await runTessera(command.main, command.env, "backup", backupDir);
    expect(backedUp.stderr).toBe("");
    expect(backedUp.stdout).toMatch(/Backed up and checked: 5 tickets, \d+ events, 5 comments, 5 attachments \(2 files/);

    const env = await emptyInstallation();
    const restored = await runTessera(command.main, env, "restore", backupDir);
    expect(restored.stderr).toBe("");
    expect(restored.stdout).toContain("Restored and checked: 5 tickets");

    const cfg = { ...desk.ctx.config, dataDir: restoreDir, sqlitePath: path.join(restoreDir, "tessera.db"), attachmentsDir: path.join(restoreDir, "attachments"), databaseUrl: env.DATABASE_URL };
    const copy = await openInstance(cfg, { pgSchema });
    try {
      expect(await snapshot(copy.ctx.db as unknown as Kysely<unknown>)).toEqual(await snapshot(desk.ctx.db as unknown as Kysely<unknown>));
      const shas = await copy.ctx.db.selectFrom("attachments").select("sha256").distinct().execute();
      expect(shas).toHaveLength(2);
      for (const { sha256 } of shas) expect(readFileSync(blobPath(cfg.attachmentsDir, sha256))).toEqual(readFileSync(blobPath(desk.ctx.config.attachmentsDir, sha256)));
    } finally {
      await copy.close();
    }
    expect((await runTessera(command.main, env, "check", "--hashes")).stdout).toContain("All 2 files the database names are in place and intact.");
  });

  it("refuses to back up into a folder that is not empty, or to restore over an existing desk", { timeout: 60_000 }, async () => {
    const again = await runTessera(command.main, command.env, "backup", backupDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is not empty: back up into a new folder");
    const over = await runTessera(command.main, command.env, "restore", backupDir);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/already (exists|holds tables)/);
  });

  it("finds a damaged file in the file store", { timeout: 60_000 }, async () => {
    const sha = (await desk.ctx.db.selectFrom("attachments").select("sha256").orderBy("size", "desc").executeTakeFirstOrThrow()).sha256;
    const file = blobPath(desk.ctx.config.attachmentsDir, sha);
    const good = readFileSync(file);
    try {
      writeFileSync(file, Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1] ^ 1])]));
      expect((await runTessera(command.main, command.env, "check")).code).toBe(0);
      const deep = await runTessera(command.main, command.env, "check", "--hashes");
      expect(deep.code).toBe(1);
      expect(deep.stderr).toContain(`file ${sha} does not hash to its name: it is damaged`);
    } finally {
      writeFileSync(file, good);
    }
  });
});
