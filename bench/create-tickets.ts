/**
 * Create-ticket throughput and latency, on SQLite and on PostgreSQL, against a ceiling.
 *
 *   cd bench && npm run bench            (BENCH_SECONDS=10 per measured run by default)
 *
 * For each target a server runs in its own child process and autocannon drives it from this
 * process at BENCH_CONNECTIONS (16) concurrent connections, after BENCH_WARMUP_SECONDS (3) of
 * warm-up. The ceiling is a bare Fastify route returning a fixed JSON, measured the same way at
 * the start and at the end of the same run, so the ratio says how much of the machine's HTTP
 * capacity Tessera keeps.
 * Reads (one ticket; a filtered list) are measured on the same data at the same concurrency.
 *
 * Last, each Tessera is killed with SIGKILL in the middle of a create load and its database read
 * directly: every create answered 201 must be there with its ticket_events row. Speed is printed, never asserted; the
 * exit code is non-zero only when the run itself is broken (a server would not start, a create
 * failed, or an acknowledged create is missing).
 *
 * Settings: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_PG_URL (a database on
 * the server to connect to for CREATE/DROP DATABASE; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_TARGETS (comma list of sqlite,postgres; default both), BENCH_QUIET_WAIT_SECONDS (how long
 * to wait before each run for other processes to go quiet; default 120).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { envNumber as env, cpuShares, cpuSnapshot, runLoad, startChild, table, waitReady, type Child, type LoadResult, type LoadSpec } from "./support.ts";

const SECONDS = env("BENCH_SECONDS", 10);
const WARMUP_SECONDS = env("BENCH_WARMUP_SECONDS", 3);
const CONNECTIONS = env("BENCH_CONNECTIONS", 16);
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// Above this share of one core used by unrelated processes, a run is flagged as disturbed.
const OTHER_CPU_LIMIT = 15;
const QUIET_WAIT_SECONDS = env("BENCH_QUIET_WAIT_SECONDS", 120);
const TARGETS = (process.env.BENCH_TARGETS ?? "sqlite,postgres").split(",").map((s) => s.trim());

const BENCH_DIR = import.meta.dirname;
const REPO = path.resolve(BENCH_DIR, "..");
const SERVER_MAIN = path.join(REPO, "server/src/main.ts");
const ADMIN_EMAIL = "admin@bench.test";
const ADMIN_PASSWORD = randomBytes(24).toString("base64url");

// A realistic incident: a few hundred characters of plain text, a distinct subject each time.
const DESCRIPTION =
  "Since this morning the VPN client disconnects every few minutes on my laptop. " +
  "I have restarted it twice and re-entered my credentials, but the connection drops again " +
  "as soon as I open the CRM. Colleagues on the same floor see the same thing. " +
  "Error shown: 'The network connection was interrupted (809)'. Please help, I have a client call at 3 pm.";
let sequence = 0;
const createBody = (label: string) => () =>
  JSON.stringify({
    subject: `VPN drops every few minutes (${label} #${++sequence})`,
    description: DESCRIPTION,
    format: "text",
    type: "incident",
    impact: "medium",
    urgency: "high",
  });

interface Row {
  target: string;
  kind: "ceiling" | "create" | "read";
  result?: LoadResult;
  note?: string;
}
const rows: Row[] = [];
let broken = false;

function loud(message: string) {
  const bar = "!".repeat(78);
  console.log(`\n${bar}\n${message}\n${bar}\n`);
}

/**
 * On a shared machine another job (a test suite) may be running: wait, up to QUIET_WAIT_SECONDS,
 * for a second in which unrelated processes use less than OTHER_CPU_LIMIT, then go ahead anyway;
 * the run itself is still flagged if it was disturbed.
 */
async function waitQuiet(child: Child) {
  const deadline = Date.now() + QUIET_WAIT_SECONDS * 1000;
  let told = false;
  for (;;) {
    const before = cpuSnapshot(child.proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const shares = cpuShares(before, cpuSnapshot(child.proc.pid));
    // Before our own load starts, PostgreSQL busy means somebody else is using it too.
    const others = shares ? shares.other + shares.postgres : 0;
    if (!shares || others <= OTHER_CPU_LIMIT || Date.now() > deadline) return;
    if (!told) console.log(`  (other processes use ${Math.round(others)}% of a core; waiting up to ${QUIET_WAIT_SECONDS}s for quiet)`);
    told = true;
  }
}

/** Warm up, then measure; report anything the server logged at warn or above meanwhile. */
async function measure(child: Child, label: string, spec: LoadSpec): Promise<LoadResult> {
  await waitQuiet(child);
  process.stdout.write(`  ${label}: warm-up ${WARMUP_SECONDS}s, measure ${SECONDS}s … `);
  await runLoad(spec, CONNECTIONS, WARMUP_SECONDS);
  const result = await runLoad(spec, CONNECTIONS, SECONDS, child.proc.pid);
  console.log(`${Math.round(result.reqPerSec)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
  const cpu = result.cpu;
  if (cpu) {
    const f = (n: number) => `${Math.round(n)}%`;
    console.log(
      `    CPU (100% = one core): server ${f(cpu.server)}, load generator ${f(cpu.loadGenerator)}` +
        (cpu.postgres >= 1 ? `, postgres ${f(cpu.postgres)}` : "") +
        `, other processes ${f(cpu.other)}; server CPU per request ${result.reqPerSec > 0 ? ((cpu.server * 10) / result.reqPerSec).toFixed(2) : "-"} ms` +
        (cpu.postgres >= 1 && result.reqPerSec > 0 ? `, postgres ${((cpu.postgres * 10) / result.reqPerSec).toFixed(2)} ms` : ""),
    );
    if (cpu.other > OTHER_CPU_LIMIT) console.log(`    !! other processes took ${f(cpu.other)} of a core: this figure is disturbed, run again on a quiet machine`);
  }
  if (result.non2xx || result.errors) {
    console.log(`    statuses ${JSON.stringify(result.statusCounts)}, socket errors ${result.errors} (timeouts ${result.timeouts})`);
  }
  const warnings = child.takeWarnings();
  if (warnings.count) {
    console.log(`    the server logged ${warnings.count} line(s) at warn or above during warm-up + run; first ones:`);
    for (const s of warnings.samples) console.log(`      ${s}`);
  }
  const ex = child.exited();
  if (ex) throw new Error(`${child.name} died during "${label}" (code ${ex.code}, signal ${ex.signal}). Its last output:\n${child.tail()}`);
  return result;
}

// ---- the ceiling -------------------------------------------------------------------------

/**
 * The ceiling server stays up for the whole run and is measured first and last: this machine's
 * capacity drifts (a shared VM), and two figures show by how much while the ratio uses their mean.
 */
async function startCeiling(): Promise<Child> {
  const child = await startChild("ceiling", path.join(BENCH_DIR, "ceiling-server.ts"), [], {}, BENCH_DIR);
  await waitReady(child, "/");
  return child;
}

async function measureCeiling(child: Child, when: string) {
  console.log(`
ceiling (${when}): bare Fastify route returning {ok:true}`);
  // Same method, headers and body shape as a create, so only the work behind the route differs.
  const result = await measure(child, "POST (create-shaped)", {
    url: child.url + "/api/tickets",
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer ceiling-does-not-check" },
    body: createBody("ceiling"),
    onResponse: () => {},
  });
  rows.push({ target: `ceiling, ${when}`, kind: "ceiling", result });
}

// ---- Tessera -----------------------------------------------------------------------------

async function apiToken(baseUrl: string): Promise<string> {
  const login = await fetch(baseUrl + "/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const me = (await login.json()) as { csrf_token: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(baseUrl + "/api/tokens", {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": me.csrf_token },
    body: JSON.stringify({ name: "bench" }),
  });
  if (res.status !== 201) throw new Error(`POST /api/tokens answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Creates, each answered id kept in `acked` (to look for in the database) and the first failures in `failures`. */
function createSpec(base: string, auth: Record<string, string>, label: string, acked: number[], failures: string[] = []): LoadSpec {
  return {
    url: base + "/api/tickets",
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body: createBody(label),
    onResponse: (status, body) => {
      if (status === 201) acked.push((JSON.parse(body) as { id: number }).id);
      else if (failures.length < 5) failures.push(`${status} ${body.slice(0, 300)}`);
    },
  };
}

/** Runs `spec` against the server and kills it with SIGKILL `afterMs` into the load. */
async function killDuringCreates(child: Child, spec: LoadSpec, afterMs: number): Promise<LoadResult> {
  const timer = setTimeout(() => void child.kill("SIGKILL"), afterMs);
  try {
    return await runLoad(spec, CONNECTIONS, Math.ceil(afterMs / 1000) + 1, child.proc.pid);
  } finally {
    clearTimeout(timer);
    await child.kill("SIGKILL");
  }
}

interface StoreCounts {
  tickets: number[];
  eventTicketIds: Set<number>;
  eventsByAction: Record<string, number>;
  events: number;
}

async function benchTessera(dialect: "sqlite" | "postgres", databaseUrl: string | undefined, readStore: (dataDir: string) => Promise<StoreCounts>) {
  const label = dialect === "sqlite" ? "SQLite" : "PostgreSQL";
  console.log(`\nTessera on ${label}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tessera-bench-${dialect}-`));
  const serverEnv: Record<string, string> = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_ADMIN_EMAIL: ADMIN_EMAIL,
    TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: "warn",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  let child: Child | undefined;
  try {
    child = await startChild(`tessera (${dialect})`, SERVER_MAIN, ["start"], serverEnv, REPO);
    await waitReady(child, "/readyz");
    const token = await apiToken(child.url);
    const auth = { authorization: `Bearer ${token}` };

    // Creates: keep every id answered 201, to look each one up in the database afterwards.
    const acked: number[] = [];
    const failures: string[] = [];
    const create = await measure(child, "POST /api/tickets", createSpec(child.url, auth, dialect, acked, failures));
    rows.push({ target: `create, ${label}`, kind: "create", result: create });
    if (create.non2xx || create.errors || failures.length) {
      broken = true;
      loud(
        `${create.non2xx} NON-2xx responses and ${create.errors} socket errors while creating tickets on ${label}\n` +
          `statuses: ${JSON.stringify(create.statusCounts)}\n` +
          (failures.length ? `first failures:\n  ${failures.join("\n  ")}` : "(all failures were in the warm-up or socket-level)"),
      );
    }

    if (acked.length === 0) {
      rows.push({ target: `reads, ${label}`, kind: "read", note: "skipped: no ticket was created" });
    } else {
      if (databaseUrl) {
        // The table went from empty to thousands of rows in seconds; autovacuum would refresh the
        // planner's statistics within a minute. Do it now so reads measure the steady state.
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query("analyze");
        await c.end();
      }
      let i = 0;
      const one = await measure(child, "GET /api/tickets/:id", {
        url: child.url,
        method: "GET",
        headers: auth,
        path: () => `/api/tickets/${acked[i++ % acked.length]}`,
      });
      rows.push({ target: `GET ticket, ${label}`, kind: "read", result: one });
      const list = await measure(child, "GET /api/tickets?status=new&limit=25", {
        url: child.url + "/api/tickets?status=new&limit=25",
        method: "GET",
        headers: auth,
      });
      rows.push({ target: `GET list, ${label}`, kind: "read", result: list });
    }

    // No graceful shutdown, and not after the load either: the server is killed while creates
    // are in flight. Whatever was acknowledged before the kill must already be committed.
    const killAfterMs = 2000;
    const inFlight = await killDuringCreates(child, createSpec(child.url, auth, dialect, acked), killAfterMs);
    console.log(`  killed with SIGKILL ${killAfterMs / 1000}s into a create load: ${inFlight.ok} creates answered before the kill, ${inFlight.errors} requests cut off`);
    checkDurability(label, acked, await readStore(dataDir));
  } catch (err) {
    broken = true;
    loud(`Tessera on ${label} could not be benchmarked:\n${(err as Error).message}`);
    rows.push({ target: `Tessera, ${label}`, kind: "create", note: "FAILED, see above" });
  } finally {
    await child?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function checkDurability(label: string, acked: number[], store: StoreCounts) {
  const inDb = new Set(store.tickets);
  const missing = acked.filter((id) => !inDb.has(id));
  const withoutEvent = acked.filter((id) => !store.eventTicketIds.has(id));
  const unacked = store.tickets.length - (acked.length - missing.length);
  console.log(`  after kill -9, read straight from the database (${label}):`);
  console.log(`    tickets: ${store.tickets.length} rows; creates answered 201 (warm-up + run): ${acked.length}`);
  console.log(`    ticket_events: ${store.events} rows, by action ${JSON.stringify(store.eventsByAction)}`);
  console.log(`    acknowledged but missing: ${missing.length}; acknowledged without an event: ${withoutEvent.length}`);
  // Requests in flight when autocannon stops may commit after it stops listening: not an error.
  if (unacked > 0) console.log(`    ${unacked} ticket(s) committed whose 201 the load generator stopped waiting for (in flight at the cut-off)`);
  if (missing.length || withoutEvent.length) {
    broken = true;
    loud(`DURABILITY/AUDIT FAILURE on ${label}: missing ${missing.slice(0, 10).join(",")} without event ${withoutEvent.slice(0, 10).join(",")}`);
  }
}

async function readSqlite(dataDir: string): Promise<StoreCounts> {
  // Read-write open so SQLite can recover the WAL left by the killed server.
  const db = new Database(path.join(dataDir, "tessera.db"), { fileMustExist: true });
  try {
    const tickets = (db.prepare("select id from tickets").all() as { id: number }[]).map((r) => r.id);
    const eventTicketIds = new Set((db.prepare("select distinct ticket_id from ticket_events").all() as { ticket_id: number }[]).map((r) => r.ticket_id));
    const byAction = db.prepare("select action, count(*) as n from ticket_events group by action").all() as { action: string; n: number }[];
    return summarise(tickets, eventTicketIds, byAction);
  } finally {
    db.close();
  }
}

function readPostgres(url: string) {
  return async (_dataDir: string): Promise<StoreCounts> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tickets = (await client.query<{ id: string }>("select id from tickets")).rows.map((r) => Number(r.id));
      const events = (await client.query<{ ticket_id: string }>("select distinct ticket_id from ticket_events")).rows;
      const byAction = (await client.query<{ action: string; n: string }>("select action, count(*) as n from ticket_events group by action")).rows;
      return summarise(
        tickets,
        new Set(events.map((r) => Number(r.ticket_id))),
        byAction.map((r) => ({ action: r.action, n: Number(r.n) })),
      );
    } finally {
      await client.end();
    }
  };
}

function summarise(tickets: number[], eventTicketIds: Set<number>, byAction: { action: string; n: number }[]): StoreCounts {
  const eventsByAction = Object.fromEntries(byAction.map((r) => [r.action, r.n]));
  return { tickets, eventTicketIds, eventsByAction, events: byAction.reduce((s, r) => s + r.n, 0) };
}

async function benchPostgres() {
  // A fresh database per run, dropped afterwards. Asked for and not reachable: the run fails.
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    broken = true;
    loud(`PostgreSQL at ${PG_URL.replace(/:[^:@/]*@/, ":***@")} is not reachable (${(err as Error).message}).\nStart it, point BENCH_PG_URL at one, or leave it out with BENCH_TARGETS=sqlite.`);
    rows.push({ target: "Tessera, PostgreSQL", kind: "create", note: "FAILED: PostgreSQL not reachable" });
    await admin.end().catch(() => {});
    return;
  }
  const name = `tessera_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const url = new URL(PG_URL);
  url.pathname = "/" + name;
  try {
    await admin.query(`create database "${name}"`);
    await benchTessera("postgres", url.toString(), readPostgres(url.toString()));
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`).catch((e) => console.log(`  could not drop ${name}: ${(e as Error).message}`));
    await admin.end();
  }
}

// ---- report ------------------------------------------------------------------------------

function report() {
  const ceilings = rows.filter((r) => r.kind === "ceiling" && r.result).map((r) => r.result!.reqPerSec);
  const ceiling = ceilings.length ? ceilings.reduce((a, b) => a + b, 0) / ceilings.length : undefined;
  const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "-");
  const goal = (r: Row) => {
    if (!r.result || r.kind === "ceiling") return "";
    const sqlite = r.target.includes("SQLite");
    if (r.kind === "read") {
      const ms = sqlite ? 5 : 8;
      return `p50 < ${ms} ms: ${r.result.p50 < ms ? "yes" : "NO"}`;
    }
    const want = sqlite ? 2000 : 1000;
    return `>= ${want}/s: ${r.result.reqPerSec >= want ? "yes" : "NO"}`;
  };
  const body = rows.map((r) =>
    r.result
      ? [
          r.target,
          fmt(r.result.reqPerSec, 0),
          fmt(r.result.p50, 2),
          fmt(r.result.p99, 2),
          ceiling ? fmt(r.result.reqPerSec / ceiling, 3) : "-",
          String(r.result.ok),
          r.result.non2xx ? `${r.result.non2xx} !!` : "0",
          r.result.errors ? `${r.result.errors} !!` : "0",
          r.result.cpu ? `${Math.round(r.result.cpu.other)}%${r.result.cpu.other > OTHER_CPU_LIMIT ? " !!" : ""}` : "-",
          goal(r),
        ]
      : [r.target, "-", "-", "-", "-", "-", "-", "-", "-", r.note ?? ""],
  );
  console.log(
    `\nResults: ${CONNECTIONS} connections, ${SECONDS}s measured after ${WARMUP_SECONDS}s warm-up each; ` +
      `Node ${process.version}, ${os.cpus().length} CPU(s), load generator and server on the same machine\n`,
  );
  const header = ["target", "req/s", "p50 ms", "p99 ms", "ratio", "2xx", "non-2xx", "errors", "other CPU", "goal (informational) / note"];
  console.log(table(header, body));
  writeResults(header, body, ceiling);
  console.log(
    `\nratio = req/s over the ceiling's mean req/s (${ceiling ? Math.round(ceiling) : "-"}); ` +
      "latencies are per request, 2xx responses only;\n" +
      `other CPU = share of one core used by processes other than the server, the load generator and PostgreSQL (!! above ${OTHER_CPU_LIMIT}%: disturbed).`,
  );
}

/** The figures as JSON (for tools) and as a Markdown table (for bench/README.md), in bench/results/. */
function writeResults(header: string[], body: string[][], ceiling: number | undefined) {
  const dir = path.join(BENCH_DIR, "results");
  mkdirSync(dir, { recursive: true });
  const run = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    ceilingReqPerSec: ceiling ?? null,
  };
  const json = {
    run,
    rows: rows.map((r) => ({
      target: r.target,
      kind: r.kind,
      note: r.note ?? null,
      ...(r.result
        ? { reqPerSec: r.result.reqPerSec, p50Ms: r.result.p50, p99Ms: r.result.p99, ok: r.result.ok, non2xx: r.result.non2xx, errors: r.result.errors, otherCpuPercent: r.result.cpu?.other ?? null }
        : {}),
    })),
  };
  writeFileSync(path.join(dir, "create-tickets.json"), JSON.stringify(json, null, 2) + "\n");
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const md = [
    `${run.at.slice(0, 10)}, Node ${run.node}, ${run.cpus} CPUs, ${CONNECTIONS} connections, ${SECONDS} s per run:`,
    "",
    line(header),
    line(header.map(() => "---")),
    ...body.map(line),
    "",
  ].join("\n");
  writeFileSync(path.join(dir, "create-tickets.md"), md);
  console.log(`\nWritten: bench/results/create-tickets.json and create-tickets.md`);
}

console.log(`Tessera create-ticket benchmark (BENCH_SECONDS=${SECONDS}, BENCH_CONNECTIONS=${CONNECTIONS})`);
const ceiling = await startCeiling();
try {
  await measureCeiling(ceiling, "before");
  // The idle ceiling process costs nothing measurable while Tessera is under load.
  if (TARGETS.includes("sqlite")) await benchTessera("sqlite", undefined, readSqlite);
  if (TARGETS.includes("postgres")) await benchPostgres();
  await measureCeiling(ceiling, "after");
} finally {
  await ceiling.kill("SIGTERM");
}
report();
process.exitCode = broken ? 1 : 0;
