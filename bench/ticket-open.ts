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
 * Settings: BENCH_OPEN_TICKETS (10000), BENCH_OPEN_SAMPLES (30), BENCH_TARGETS (sqlite,postgres),
 * BENCH_PG_URL (where to CREATE DATABASE; default postgres://postgres@127.0.0.1:5432/postgres),
 * CHROMIUM_PATH (/usr/bin/chromium). The web app must be built (`npm run build -w web`).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { startChild, waitReady, table, type Child } from "./support.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const TICKETS = Number(process.env.BENCH_OPEN_TICKETS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_OPEN_SAMPLES ?? 30);
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
}

async function sqliteDesk(): Promise<Desk> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-open-"));
  return { env: { TESSERA_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresDesk(): Promise<Desk | null> {
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`PostgreSQL not reachable at ${PG_URL} (${(e as Error).message}); skipped.`);
    return null;
  }
  const name = `tessera_open_${process.pid}`;
  await admin.query(`create database "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-open-"));
  return {
    env: { DATABASE_URL: url.toString(), TESSERA_DATA_DIR: dir },
    cleanup: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seeds the demo desk with the CLI, as a user would, and returns the admin's sign-in. */
async function seed(env: Record<string, string>): Promise<{ email: string; password: string; seconds: number }> {
  const started = Date.now();
  const { stdout } = await run(process.execPath, [path.join(REPO, "server/bin/tessera.js"), "seed", "--demo", "--tickets", String(TICKETS)], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  const email = /Sign in as (\S+) \(admin\)/.exec(stdout)?.[1];
  const password = /password: (\S+)/.exec(stdout)?.[1];
  if (!email || !password) throw new Error(`could not read the demo accounts from the seed's output:\n${stdout}`);
  return { email, password, seconds: (Date.now() - started) / 1000 };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function signedInPage(browser: Browser, base: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
  const res = await context.request.post("/api/auth/login", { data: { email, password } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  return context.newPage();
}

/** Waits until the ticket with this subject is open: its heading and its conversation. */
async function opened(page: Page, subject: string) {
  await page.getByRole("heading", { name: subject, exact: true }).waitFor({ timeout: 30_000 });
  await page.getByRole("region", { name: "Conversation" }).locator("li").first().waitFor({ timeout: 30_000 });
}

async function measure(name: string, desk: Desk, browser: Browser): Promise<string[][]> {
  const account = await seed(desk.env);
  console.log(`${name}: seeded ${TICKETS.toLocaleString("en")} tickets in ${account.seconds.toFixed(0)} s`);
  const server: Child = await startChild(`tessera (${name})`, path.join(REPO, "server/src/main.ts"), ["start"], desk.env, REPO);
  try {
    await waitReady(server, "/readyz");
    const api = await signedInPage(browser, server.url, account.email, account.password);
    const list = await api.request.get("/api/tickets?limit=100");
    const items = ((await list.json()) as { items: Array<{ reference: string; subject: string }> }).items;
    if (items.length < 2) throw new Error(`the demo desk has too few tickets (${items.length})`);
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
    const fmt = (xs: number[]) => [quantile(xs, 0.5).toFixed(0), quantile(xs, 0.95).toFixed(0), Math.max(...xs).toFixed(0)];
    return [
      [name, "API GET ticket", String(apiMs.length), ...fmt(apiMs)],
      [name, "open from a link", String(linkMs.length), ...fmt(linkMs)],
      [name, "open from the list", String(clickMs.length), ...fmt(clickMs)],
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
console.log(
  `\nOpening a ticket on a desk of ${TICKETS.toLocaleString("en")} tickets (goal, informational: under 1000 ms), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
console.log(table(["database", "what", "samples", "p50 ms", "p95 ms", "max ms"], rows));
process.exit(broken ? 1 : 0);
