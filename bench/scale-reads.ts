/**
 * Reads on a desk at scale (1,000,000 tickets by default, from `tessera seed --tickets N`), on
 * SQLite and on PostgreSQL, as one agent sees them: every built-in view and a saved view with
 * three filters, sorted by SLA and by update time, first page and a page deep in the cursor; the
 * sidebar's view counts together; full-text search for a common word, a rare one, a phrase and a
 * prefix; and the server's memory after it all.
 *
 * Requests go one at a time (latency, not throughput): each query is warmed up, then timed
 * BENCH_SCALE_SAMPLES times; p50, p95 and the worst are printed beside the goal. Speed is printed,
 * never asserted; the exit code is 1 only when the run is broken.
 *
 *   cd bench && npm run scale-reads
 *
 * Seeding a million tickets takes minutes, so a seeded desk can be kept and reused:
 * BENCH_SCALE_DATA_DIR (SQLite: a data folder; seeded when it has no database yet) and
 * BENCH_SCALE_PG_DB (PostgreSQL: a database name on BENCH_PG_URL's server; seeded when empty).
 * Without them each run seeds into a temporary folder or database and removes it afterwards.
 *
 * Settings: BENCH_SCALE_TICKETS (1000000), BENCH_SCALE_SAMPLES (40), BENCH_TARGETS
 * (sqlite,postgres), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_SCALE_ONLY
 * (`search`: time the searches alone).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { envNumber, percentile, startChild, table, waitReady, writeResults, type Child } from "./support.ts";

const run = promisify(execFile);
const BENCH_DIR = import.meta.dirname;
const REPO = path.resolve(BENCH_DIR, "..");
const MAIN = path.join(REPO, "server/src/main.ts");
const TICKETS = envNumber("BENCH_SCALE_TICKETS", 1_000_000);
const SAMPLES = envNumber("BENCH_SCALE_SAMPLES", 40);
const TARGETS = (process.env.BENCH_TARGETS ?? "sqlite,postgres").split(",").map((s) => s.trim());
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY_SEARCH = process.env.BENCH_SCALE_ONLY === "search";

interface Figure {
  target: string;
  query: string;
  goalMs: number;
  p50: number;
  p95: number;
  max: number;
  /** The server's CPU time per request, ms. */
  cpu: number;
  rows?: number;
}
const figures: Figure[] = [];
const notes: string[] = [];
/** How many tickets each target's desk holds (a reused desk may hold any number). */
const deskSizes = new Map<string, number>();
let broken = false;

/** The `tessera` command against one installation, as a child process. */
async function tessera(env: Record<string, string>, ...args: string[]) {
  const { stdout } = await run(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Seeds the desk unless it already holds tickets; says how long it took. */
async function ensureSeeded(label: string, env: Record<string, string>, ticketCount: () => Promise<number>) {
  const have = await ticketCount();
  deskSizes.set(label, have > 0 ? have : TICKETS);
  if (have > 0) {
    notes.push(`${label}: reused a desk of ${have.toLocaleString("en")} tickets`);
    return;
  }
  const started = Date.now();
  console.log(`  seeding ${TICKETS.toLocaleString("en")} tickets …`);
  await tessera(env, "seed", "--tickets", String(TICKETS));
  const s = (Date.now() - started) / 1000;
  notes.push(`${label}: seeded ${TICKETS.toLocaleString("en")} tickets in ${s.toFixed(0)} s (${Math.round(TICKETS / s).toLocaleString("en")}/s)`);
}

/** CPU time a process has used (user + system), in milliseconds, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Times `call` SAMPLES times after three warm-up calls, with the server's CPU time per call (less
 * disturbed by other processes than the latency; on PostgreSQL it leaves out the database's own).
 */
async function time(pid: number, call: () => Promise<number | undefined>): Promise<{ p50: number; p95: number; max: number; cpu: number; rows?: number }> {
  let rows: number | undefined;
  for (let i = 0; i < 3; i++) rows = await call();
  const ms: number[] = [];
  const cpuBefore = cpuMs(pid);
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  const cpu = (cpuMs(pid) - cpuBefore) / SAMPLES;
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), max: ms[ms.length - 1], cpu, rows };
}

async function getJson(url: string, token: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/** What one agent looks at, as query strings of GET /api/tickets (the web app's built-in views). */
function views(teamIds: number[]) {
  const active = "new,open,awaiting_requester,awaiting_third_party,awaiting_approval";
  const teams = [...teamIds, "none"].join(",");
  return {
    "My open tickets (SLA)": `assignee=me&status_category=${active}&snoozed=false&sort=sla`,
    "Unassigned in my teams (priority)": `assignee=none&team=${teams}&status_category=${active}&snoozed=false&sort=priority`,
    "Breaching soon (SLA)": `sla=breaching_soon&sort=sla`,
    "All open (updated)": `status_category=${active}&sort=-updated_at`,
    "Recently updated": `sort=-updated_at`,
    "Saved: P1/P2 incidents of my teams (SLA)": `priority=P1,P2&type=incident&team=${teamIds.join(",")}&sort=sla`,
    "Saved: P1/P2 incidents of my teams (updated)": `priority=P1,P2&type=incident&team=${teamIds.join(",")}&sort=-updated_at`,
  };
}

function counts(teamIds: number[]) {
  const needs = "new,open";
  const teams = [...teamIds, "none"].join(",");
  return [`assignee=me&status_category=${needs}&snoozed=false`, `assignee=none&team=${teams}&status_category=${needs}&snoozed=false`, `sla=breaching_soon`, `status_category=${needs}`];
}

async function measureDesk(label: string, child: Child, token: string, teamIds: number[], rareWord: string) {
  const base = `${child.url}/api/tickets`;
  const record = async (query: string, goalMs: number, call: () => Promise<number | undefined>) => {
    const r = await time(child.proc.pid!, call);
    figures.push({ target: label, query, goalMs, ...r });
    console.log(`  ${query}: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, server CPU ${r.cpu.toFixed(1)} ms${r.p95 < goalMs ? "" : `  (goal ${goalMs} ms: NO)`}`);
  };
  // Every view once before any is timed, so that the first one timed does not pay for the
  // server's warm-up (its code compiled, its caches filled) on the others' behalf.
  for (const qs of Object.values(views(teamIds))) await getJson(`${base}?${qs}&limit=50`, token);
  for (const [name, qs] of ONLY_SEARCH ? [] : Object.entries(views(teamIds))) {
    await record(`${name}, first page`, 30, async () => (await getJson(`${base}?${qs}&limit=50`, token)).items.length);
    // Twenty pages in, by the cursor each page hands out.
    let cursor: string | undefined;
    let pages = 0;
    for (; pages < 20; pages++) {
      const body = await getJson(`${base}?${qs}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token);
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    if (pages === 20) await record(`${name}, page 21`, 30, async () => (await getJson(`${base}?${qs}&limit=50&cursor=${encodeURIComponent(cursor!)}`, token)).items.length);
    else notes.push(`${label}: "${name}" has fewer than 21 pages`);
  }
  if (!ONLY_SEARCH)
    await record("view counts, all four together", 50, async () => {
      // As the web app asks: its badges show "999+" past 999.
      await Promise.all(counts(teamIds).map((qs) => getJson(`${base}/count?${qs}&at_most=1000`, token)));
      return undefined;
    });
  const searches: Record<string, string> = {
    "search: common word (vpn)": "vpn",
    [`search: rare word (${rareWord})`]: rareWord,
    'search: phrase ("will not boot")': '"will not boot"',
    "search: prefix (print*)": "print*",
  };
  for (const [name, q] of Object.entries(searches)) await record(name, 100, async () => (await getJson(`${base}?q=${encodeURIComponent(q)}&limit=50`, token)).items.length);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.proc.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  notes.push(`${label}: server RSS after the reads ${rss.toFixed(0)} MB (goal under 300 MB)`);
}

/** An agent of the seeded desk with the most teams, and an API token for them. */
async function agentToken(env: Record<string, string>, pick: () => Promise<{ email: string; teamIds: number[] }>) {
  const agent = await pick();
  const out = await tessera(env, "token", "create", "--user", agent.email, "--name", "scale bench");
  const token = /(tsr_[A-Za-z0-9_-]+)/.exec(out)?.[1];
  if (!token) throw new Error(`no token in the output of tessera token create:\n${out}`);
  return { token, teamIds: agent.teamIds };
}

const PICK_AGENT = `select u.email, string_agg(cast(m.team_id as text), ',') as teams from users u join team_members m on m.user_id = u.id
  where u.role = 'agent' and u.active = 1 group by u.id, u.email order by count(*) desc, u.id limit 1`;
// An asset tag of the seeded subjects ({asset}: LT and five digits), which a few tickets hold.
const RARE_WORD = `select subject from tickets where subject like '%LT%' order by id desc limit 100`;
const rareFrom = (subjects: string[]) => {
  for (const s of subjects) {
    const tag = /\bLT\d{5}\b/.exec(s)?.[0];
    if (tag) return tag;
  }
  throw new Error("no seeded subject holds an asset tag (LT and five digits) to search for as a rare word");
};

async function benchTarget(label: string, env: Record<string, string>, db: { ticketCount(): Promise<number>; agent(): Promise<{ email: string; teamIds: number[] }>; rare(): Promise<string> }) {
  console.log(`\n${label}`);
  await ensureSeeded(label, env, db.ticketCount);
  const { token, teamIds } = await agentToken(env, db.agent);
  const child = await startChild(`tessera (${label})`, MAIN, ["start"], env, REPO);
  try {
    await waitReady(child, "/readyz", 300_000);
    await measureDesk(label, child, token, teamIds, await db.rare());
  } finally {
    await child.kill("SIGTERM");
  }
}

async function sqliteTarget() {
  const keep = process.env.BENCH_SCALE_DATA_DIR;
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), "tessera-scale-"));
  const file = path.join(dir, "tessera.db");
  const query = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file, { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  try {
    await benchTarget(
      "SQLite",
      { TESSERA_DATA_DIR: dir },
      {
        ticketCount: async () => (existsSync(file) ? query((db) => (db.prepare("select count(*) n from tickets").get() as { n: number }).n) : 0),
        agent: async () => {
          const r = query((db) => db.prepare(PICK_AGENT).get() as { email: string; teams: string });
          return { email: r.email, teamIds: String(r.teams).split(",").map(Number) };
        },
        rare: async () => rareFrom(query((db) => (db.prepare(RARE_WORD).all() as Array<{ subject: string }>).map((r) => r.subject))),
      },
    );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresTarget() {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL at ${PG_URL} is not reachable (${err.message}); leave it out with BENCH_TARGETS=sqlite.`);
  });
  const keep = process.env.BENCH_SCALE_PG_DB;
  const name = keep ?? `tessera_scale_${process.pid}`;
  if (!keep || (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 0) await admin.query(`create database "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-scale-pg-"));
  const all = async <T>(text: string): Promise<T[]> => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } catch {
      return [];
    } finally {
      await c.end();
    }
  };
  const one = async <T>(text: string): Promise<T | undefined> => (await all<T>(text))[0];
  try {
    await benchTarget(
      "PostgreSQL",
      { TESSERA_DATA_DIR: dir, DATABASE_URL: url.toString() },
      {
        ticketCount: async () => Number((await one<{ n: string }>("select count(*) n from tickets"))?.n ?? 0),
        agent: async () => {
          const r = (await one<{ email: string; teams: string }>(PICK_AGENT))!;
          return { email: r.email, teamIds: r.teams.split(",").map(Number) };
        },
        rare: async () => rareFrom((await all<{ subject: string }>(RARE_WORD)).map((r) => r.subject)),
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!keep) await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await admin.end();
  }
}

function report() {
  const header = ["target", "query", "p50 ms", "p95 ms", "worst ms", "server CPU ms", "goal (p95)"];
  const body = figures.map((f) => [f.target, f.query, f.p50.toFixed(1), f.p95.toFixed(1), f.max.toFixed(1), f.cpu.toFixed(1), `< ${f.goalMs} ms: ${f.p95 < f.goalMs ? "yes" : "NO"}`]);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  const desks = [...deskSizes].map(([label, n]) => `${label} ${n.toLocaleString("en")} tickets`).join(", ");
  console.log(`\nResults: ${desks}; ${SAMPLES} samples per query, one request at a time; Node ${process.version}, ${os.cpus().length} CPU(s), load average ${load}\n`);
  console.log(table(header, body));
  for (const n of notes) console.log(`- ${n}`);
  writeResults("scale-reads", { title: `Reads at scale (${desks})`, header, rows: body, notes, data: { samples: SAMPLES, desks: Object.fromEntries(deskSizes), figures } });
}

console.log(`Tessera reads at scale (BENCH_SCALE_TICKETS=${TICKETS}, BENCH_SCALE_SAMPLES=${SAMPLES})`);
for (const [name, fn] of [
  ["sqlite", sqliteTarget],
  ["postgres", postgresTarget],
] as const) {
  if (!TARGETS.includes(name)) continue;
  try {
    await fn();
  } catch (err) {
    broken = true;
    console.log(`\n!!! ${name} could not be measured: ${(err as Error).message}`);
  }
}
report();
process.exitCode = broken ? 1 : 0;
