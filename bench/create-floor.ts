/**
 * Where a ticket create's time goes, layer by layer, in one process and without sockets.
 *
 *   cd bench && npm run create-floor          (BENCH_TARGETS=sqlite,postgres)
 *
 * `npm run bench` measures creates over HTTP; this one takes the same create apart, on the same
 * kind of desk, so a goal can be weighed against what each layer costs:
 *
 *   service   createTicket in its own transaction, with the reactions that run inside it
 *             (events, audit, SLA clock, the outbox's mail), and the wait for the commit;
 *   + present the same, answered as the API answers (presentTicket reads the ticket back);
 *   inject    POST /api/tickets through Fastify's inject: authentication, validation, the
 *             idempotency check, the service, the answer's schema check and headers; no socket;
 *
 * On SQLite a column shows the part of Tessera's time spent inside SQLite itself (better-sqlite3's
 * statement calls, in CPU time), which no change to Tessera's
 * JavaScript can remove; on PostgreSQL, the database's own CPU time.
 *
 * Each layer runs BENCH_FLOOR_CREATES (4,000) creates, BENCH_CONNECTIONS (16) at a time (so
 * SQLite's group commit groups them as under load), after a warm-up, and prints CPU time per
 * create: this process's, and on PostgreSQL the database's own (its backends, from /proc).
 * CPU time holds up on a busy machine where throughput does not. "At most creates/s" is what that
 * CPU allows on this machine: one Node.js thread does Tessera's part (1000 / ms), and on
 * PostgreSQL both share the two cores with the database (2000 / (ms + the database's ms)).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { buildApp } from "../server/src/app.ts";
import { actorFromToken } from "../server/src/auth/actor.ts";
import { createApiToken } from "../server/src/auth/service.ts";
import { openInstance } from "../server/src/boot.ts";
import { loadConfig } from "../server/src/config.ts";
import { inTransaction } from "../server/src/context.ts";
import { insertUser } from "../server/src/people/create.ts";
import { createTicket } from "../server/src/tickets/create.ts";
import { presentTicket } from "../server/src/tickets/present.ts";
import { envNumber, table } from "./support.ts";

const CREATES = envNumber("BENCH_FLOOR_CREATES", 4000);
const CONCURRENCY = envNumber("BENCH_CONNECTIONS", 16);
// Some of service,present,inject: one layer alone is what to profile (BENCH_NODE_ARGS does not apply: run node --cpu-prof yourself).
const LAYERS = (process.env.BENCH_FLOOR_LAYERS ?? "service,present,inject").split(",").map((s) => s.trim());
const TARGETS = (process.env.BENCH_TARGETS ?? "sqlite,postgres").split(",").map((s) => s.trim());
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DESCRIPTION =
  "The VPN disconnects every five to ten minutes since this morning, as soon as I open the CRM. " +
  "Colleagues on the same floor see the same thing. Error shown: 'The network connection was interrupted (809)'.";

let sequence = 0;
const input = () => ({
  subject: `VPN drops every few minutes (#${++sequence})`,
  description: DESCRIPTION,
  format: "text" as const,
  type: "incident" as const,
  impact: "medium" as const,
  urgency: "high" as const,
});

/** CPU time of the PostgreSQL backends (all postgres processes), in ms; 0 where there are none. */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return ticks * 10;
}

/** Runs `one` CREATES times, CONCURRENCY at a time: CPU ms per call here and in PostgreSQL, and ms inside SQLite. */
async function layer(one: () => Promise<unknown>, statements?: StatementClock): Promise<{ ms: number; pgMs: number; sqliteMs?: number }> {
  const run = async (n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) await one();
      }),
    );
  };
  await run(300);
  const pg0 = postgresCpuMs();
  statements?.reset();
  const t0 = process.cpuUsage();
  await run(CREATES);
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000 / CREATES, pgMs: (postgresCpuMs() - pg0) / CREATES, sqliteMs: statements && statements.ms() / CREATES };
}

interface StatementClock {
  ms(): number;
  reset(): void;
}

/** Wraps better-sqlite3's statement calls to add up the time spent inside SQLite. */
function timeStatements(): StatementClock {
  const proto = (Database.prototype as unknown as { prepare(sql: string): object }).prepare;
  let us = 0;
  const wrapped = new WeakSet<object>();
  (Database.prototype as unknown as { prepare: typeof proto }).prepare = function (this: Database.Database, sql: string) {
    const stmt = proto.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
    const statementProto = Object.getPrototypeOf(stmt) as Record<string, (...a: unknown[]) => unknown>;
    if (!wrapped.has(statementProto)) {
      wrapped.add(statementProto);
      for (const name of ["run", "get", "all"]) {
        const original = statementProto[name];
        statementProto[name] = function (this: unknown, ...args: unknown[]) {
          // CPU time, not the clock: on a busy machine the clock counts time spent waiting for a core.
          const s = process.cpuUsage();
          try {
            return original.apply(this, args);
          } finally {
            const d = process.cpuUsage(s);
            us += d.user + d.system;
          }
        };
      }
    }
    return stmt;
  };
  return { ms: () => us / 1000, reset: () => void (us = 0) };
}

async function measure(label: string, env: Record<string, string>, pgSchemaDb?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-floor-"));
  const statements = label === "SQLite" ? timeStatements() : undefined;
  const instance = await openInstance(loadConfig({ ...env, TESSERA_DATA_DIR: dir, LOG_LEVEL: "warn" }));
  const { ctx } = instance;
  const app = await buildApp(ctx);
  try {
    const admin = await insertUser(ctx, { email: "admin@floor.test", name: "Floor Admin", role: "admin" });
    const { token } = await createApiToken(ctx, admin.id, "floor");
    const actor = (await actorFromToken(ctx, token))!;
    const service = async () => {
      await inTransaction(ctx, (tx) => createTicket(tx, actor, input()));
      await ctx.durable();
    };
    const present = async () => {
      await inTransaction(ctx, async (tx) => presentTicket(tx, actor, await createTicket(tx, actor, input())));
      await ctx.durable();
    };
    const inject = async () => {
      const res = await app.inject({ method: "POST", url: "/api/tickets", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, payload: JSON.stringify(input()) });
      if (res.statusCode !== 201) throw new Error(`POST /api/tickets answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    };
    // One Node.js thread does Tessera's part; on PostgreSQL the database shares the machine's two cores with it.
    const ceiling = (r: { ms: number; pgMs: number }) => Math.round(pgSchemaDb ? Math.min(1000 / r.ms, 2000 / (r.ms + r.pgMs)) : 1000 / r.ms);
    const rows: string[][] = [];
    const add = async (name: string, one: () => Promise<unknown>) => {
      if (!LAYERS.includes(name.split(/[ :]/)[0])) return;
      const r = await layer(one, statements);
      rows.push([name, r.ms.toFixed(3), pgSchemaDb ? r.pgMs.toFixed(3) : (r.sqliteMs ?? 0).toFixed(3), ceiling(r).toLocaleString("en")]);
    };
    await add("service (createTicket + commit)", service);
    await add("present: + the API's answer", present);
    await add("inject: POST /api/tickets, no socket", inject);
    console.log(`\n${label}: CPU per create, ${CREATES.toLocaleString("en")} creates ${CONCURRENCY} at a time`);
    console.log(table(["layer", "ms (Tessera)", pgSchemaDb ? "ms (PostgreSQL)" : "of which in SQLite", "at most creates/s"], rows));
  } finally {
    await app.close();
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (TARGETS.includes("sqlite")) await measure("SQLite", {});
if (TARGETS.includes("postgres")) {
  const name = `tessera_floor_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL at ${PG_URL} is not reachable (${err.message}); leave it out with BENCH_TARGETS=sqlite.`);
  });
  await admin.query(`create database "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    await measure("PostgreSQL", { DATABASE_URL: url.toString() }, name);
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
