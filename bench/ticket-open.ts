/**
 * How long an agent waits for a ticket to open, in Debian's Chromium, on a desk of 10,000
 * tickets (the demo seed: conversations, events, SLAs), on SQLite and on PostgreSQL:
 *
 * - from a link: a fresh browser tab loads /agent/tickets/<REF> (the app's scripts, the ticket,
 *   its conversation) until the subject heading and the conversation are on screen;
 * - from the list: in the "All open" view, a click on a row until that ticket's heading and
 *   conversation replace the previous one (the everyday case);
 * - the API alone: GET /api/tickets/<REF>, which both of the above wait for.
 *
 * The goal (informational) is under a second for a ticket opening. Speed is printed, never
 * asserted; the exit code is 1 only when the run is broken (a server would not start, a ticket
 * did not open).
 *
 *   cd bench && npm run ticket-open
 *
 * - a long conversation from a link: tickets brought to BENCH_OPEN_COMMENTS (50) comments through
 *   the API (replies and internal notes in turn), timed until the newest comment is on screen.
 *
 * A large desk: BENCH_OPEN_SEED=scale seeds with `tessera seed --tickets N --comments-per-ticket 5`
 * instead of the demo seed, and BENCH_OPEN_DATA_DIR (SQLite: a data folder) or BENCH_OPEN_PG_DB
 * (PostgreSQL: a database on BENCH_PG_URL's server) reuse a desk already seeded, such as the one
 * `npm run scale-reads` keeps (seeded first when empty). The benchmark signs in as an admin of its
 * own, added with `tessera user add`.
 *
 * Settings: BENCH_OPEN_TICKETS (10000), BENCH_OPEN_SAMPLES (30), BENCH_OPEN_COMMENTS (50),
 * BENCH_TARGETS (sqlite,postgres), BENCH_PG_URL (where to CREATE DATABASE; default
 * postgres://postgres@127.0.0.1:5432/postgres), CHROMIUM_PATH (/usr/bin/chromium). The web app
 * must be built (`npm run build -w web`).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import pg from "pg";
import { envNumber, percentile, startChild, waitReady, table, writeResults, type Child } from "./support.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const TICKETS = envNumber("BENCH_OPEN_TICKETS", 10_000);
const SAMPLES = envNumber("BENCH_OPEN_SAMPLES", 30);
const COMMENTS = envNumber("BENCH_OPEN_COMMENTS", 50);
const KEEP_DIR = process.env.BENCH_OPEN_DATA_DIR;
const KEEP_PG_DB = process.env.BENCH_OPEN_PG_DB;
const SCALE = process.env.BENCH_OPEN_SEED === "scale" || !!KEEP_DIR || !!KEEP_PG_DB;
const TARGETS = (process.env.BENCH_TARGETS ?? "sqlite,postgres").split(",").map((s) => s.trim());
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const run = promisify(execFile);

if (!existsSync(path.join(REPO, "web/dist/index.html"))) {
  console.error("web/dist is missing: run `npm run build -w web` first.");
  process.exit(2);
}

interface Desk {
  env: Record<string, string>;
  cleanup: () => Promise<void>;
  ticketCount: () => Promise<number>;
}

async function sqliteDesk(): Promise<Desk> {
  const dir = KEEP_DIR ?? mkdtempSync(path.join(os.tmpdir(), "tessera-open-"));
  const ticketCount = async () => {
    const db = new Database(path.join(dir, "tessera.db"), { readonly: true });
    try {
      return (db.prepare("select count(*) n from tickets").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  return { env: { TESSERA_DATA_DIR: dir }, ticketCount, cleanup: async () => (KEEP_DIR ? undefined : rmSync(dir, { recursive: true, force: true })) };
}

async function postgresDesk(): Promise<Desk | null> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`PostgreSQL not reachable at ${PG_URL} (${(e as Error).message}); skipped.`);
    return null;
  }
  const name = KEEP_PG_DB ?? `tessera_open_${process.pid}`;
  if (!KEEP_PG_DB || (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 0) await admin.query(`create database "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-open-"));
  const ticketCount = async () => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return Number((await c.query("select count(*) n from tickets")).rows[0].n);
    } finally {
      await c.end();
    }
  };
  return {
    env: { DATABASE_URL: url.toString(), TESSERA_DATA_DIR: dir },
    ticketCount,
    cleanup: async () => {
      if (!KEEP_PG_DB) await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const tessera = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [path.join(REPO, "server/bin/tessera.js"), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    maxBuffer: 16 * 1024 * 1024,
  });

/** Seeds the desk with the CLI, as a user would (a reused desk only when empty), and returns an admin's sign-in. */
async function seed(env: Record<string, string>): Promise<{ email: string; password: string; note: string }> {
  const started = Date.now();
  if (!SCALE) {
    const { stdout } = await tessera(env, "seed", "--demo", "--tickets", String(TICKETS));
    const email = /Sign in as (\S+) \(admin\)/.exec(stdout)?.[1];
    const password = /password: (\S+)/.exec(stdout)?.[1];
    if (!email || !password) throw new Error(`could not read the demo accounts from the seed's output:\n${stdout}`);
    return { email, password, note: `seeded ${TICKETS.toLocaleString("en")} demo tickets in ${((Date.now() - started) / 1000).toFixed(0)} s` };
  }
  // `seed --tickets` refuses a desk that already has tickets: that is a desk to reuse.
  const seeded = await tessera(env, "seed", "--tickets", String(TICKETS), "--comments-per-ticket", "5").then(
    () => `seeded ${TICKETS.toLocaleString("en")} tickets in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    (err: { stderr?: string }) => {
      if (!/already|--append/i.test(err.stderr ?? "")) throw err;
      return "reused a seeded desk";
    },
  );
  const email = `bench-open-${process.pid}-${Date.now()}@bench.example`;
  const password = `bench-${process.pid}-${Date.now()}`;
  await tessera(env, "user", "add", "--email", email, "--name", "Ticket-open benchmark", "--role", "admin", "--password", password);
  return { email, password, note: seeded };
}

const quantile = (xs: number[], q: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    q,
  );

/** A signed-in tab, and the session's CSRF token for the API calls that change something. */
async function signedInPage(browser: Browser, base: string, email: string, password: string): Promise<{ page: Page; csrf: string }> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
  const res = await context.request.post("/api/auth/login", { data: { email, password } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  const { csrf_token } = (await res.json()) as { csrf_token: string };
  return { page: await context.newPage(), csrf: csrf_token };
}

/** Waits until the ticket with this subject is open: its heading and its conversation. */
async function opened(page: Page, subject: string) {
  await page.getByRole("heading", { name: subject, exact: true }).waitFor({ timeout: 30_000 });
  await page.getByRole("region", { name: "Conversation" }).locator("li").first().waitFor({ timeout: 30_000 });
}

/** Brings a ticket's conversation to at least COMMENTS comments, replies and internal notes in turn; returns the newest one's text. */
async function lengthen(api: Page, csrf: string, reference: string): Promise<string> {
  const existing = (await (await api.request.get(`/api/tickets/${reference}/comments`)).json()) as unknown[];
  let newest = "";
  // A reused desk may have lengthened it before: one more comment then, so there is a newest to wait for.
  for (let i = existing.length + 1; i <= Math.max(COMMENTS, existing.length + 1); i++) {
    newest = `Benchmark comment ${i} of ${reference}: checked the logs again, details below.`;
    const res = await api.request.post(`/api/tickets/${reference}/comments`, { data: { body: newest, internal: i % 2 === 0 }, headers: { "x-csrf-token": csrf } });
    if (!res.ok()) throw new Error(`POST comment on ${reference}: ${res.status()} ${await res.text()}`);
  }
  return newest;
}

async function measure(name: string, desk: Desk, browser: Browser): Promise<string[][]> {
  const account = await seed(desk.env);
  const tickets = await desk.ticketCount();
  notes.push(`${name}: ${account.note}; ${tickets.toLocaleString("en")} tickets`);
  console.log(notes[notes.length - 1]);
  const server: Child = await startChild(`tessera (${name})`, path.join(REPO, "server/src/main.ts"), ["start"], desk.env, REPO);
  try {
    await waitReady(server, "/readyz");
    const { page: api, csrf } = await signedInPage(browser, server.url, account.email, account.password);
    const list = await api.request.get("/api/tickets?status=new,open&limit=100");
    const items = ((await list.json()) as { items: Array<{ reference: string; subject: string }> }).items;
    if (items.length < 2) throw new Error(`the desk has too few tickets (${items.length})`);
    const picks = Array.from({ length: SAMPLES }, (_, i) => items[(i * 7) % items.length]);

    // The API alone.
    const apiMs: number[] = [];
    for (const t of picks) {
      const started = performance.now();
      const res = await api.request.get(`/api/tickets/${t.reference}`);
      if (!res.ok()) throw new Error(`GET ${t.reference}: ${res.status()}`);
      apiMs.push(performance.now() - started);
    }

    // From a link, in a fresh tab (scripts come from the browser's cache after the first).
    const linkMs: number[] = [];
    for (const t of picks) {
      const page = await api.context().newPage();
      const started = performance.now();
      await page.goto(`/agent/tickets/${t.reference}`);
      await opened(page, t.subject);
      linkMs.push(performance.now() - started);
      await page.close();
    }

    // From the list: click one row after another.
    const listPage = api;
    await listPage.goto("/agent/views/open");
    const rows = listPage.getByRole("list", { name: /^Tickets in / }).getByRole("link");
    await rows.first().waitFor();
    const count = Math.min(await rows.count(), SAMPLES + 1);
    const clickMs: number[] = [];
    for (let i = 1; i < count; i++) {
      const row = rows.nth(i);
      const id = await row.getAttribute("data-ticket-id");
      const ticket = (await (await api.request.get(`/api/tickets/${id}`)).json()) as { subject: string };
      const started = performance.now();
      await row.click();
      await opened(listPage, ticket.subject);
      clickMs.push(performance.now() - started);
    }
    // A long conversation from a link: the newest comment must be on screen.
    const longMs: number[] = [];
    for (const t of picks.slice(0, Math.min(SAMPLES, 10))) {
      const newest = await lengthen(api, csrf, t.reference);
      const page = await api.context().newPage();
      const started = performance.now();
      await page.goto(`/agent/tickets/${t.reference}`);
      await opened(page, t.subject);
      await page.getByRole("region", { name: "Conversation" }).getByText(newest).waitFor({ timeout: 30_000 });
      longMs.push(performance.now() - started);
      await page.close();
    }
    const fmt = (xs: number[]) => [quantile(xs, 0.5).toFixed(0), quantile(xs, 0.95).toFixed(0), Math.max(...xs).toFixed(0)];
    return [
      [name, "API GET ticket", String(apiMs.length), ...fmt(apiMs)],
      [name, "open from a link", String(linkMs.length), ...fmt(linkMs)],
      [name, "open from the list", String(clickMs.length), ...fmt(clickMs)],
      [name, `open from a link, ${COMMENTS}+ comments`, String(longMs.length), ...fmt(longMs)],
    ];
  } finally {
    await server.kill("SIGTERM");
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const rows: string[][] = [];
const notes: string[] = [];
let broken = false;
try {
  for (const target of TARGETS) {
    const desk = target === "sqlite" ? await sqliteDesk() : target === "postgres" ? await postgresDesk() : null;
    if (!desk) continue;
    try {
      rows.push(...(await measure(target === "sqlite" ? "SQLite" : "PostgreSQL", desk, browser)));
    } catch (e) {
      broken = true;
      console.error(`${target}: ${(e as Error).stack}`);
    } finally {
      await desk.cleanup();
    }
  }
} finally {
  await browser.close();
}
const header = ["database", "what", "samples", "p50 ms", "p95 ms", "max ms"];
console.log(
  `\nOpening a ticket (goal, informational: under 1000 ms), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
console.log(table(header, rows));
for (const n of notes) console.log(`- ${n}`);
if (rows.length) writeResults("ticket-open", { title: "Opening a ticket in Chromium (goal: under 1,000 ms)", header, rows, notes, data: { samples: SAMPLES, comments: COMMENTS } });
process.exit(broken ? 1 : 0);
