/**
 * Starts one Tessera per project — SQLite in a fresh temporary data dir, and PostgreSQL in a
 * fresh database when TEST_DATABASE_URL is set — exactly as a user would (`tessera start`),
 * seeds people, teams, categories and fields through the API, and writes where each one
 * listens to artifacts/e2e-state.json for the tests. The returned function stops them all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ADMIN, REPO, STATE_FILE, type DeskState, type ProjectName } from "./support/state.ts";
import { seedDesk } from "./support/seed.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Tessera exited with code ${child.exitCode} before it was ready; see ${logFile}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Tessera did not become ready at ${url} within 60 s; see ${logFile}`);
}

interface Started {
  state: DeskState;
  stop: () => Promise<void>;
}

async function startTessera(name: ProjectName, env: Record<string, string>, cleanup: () => Promise<void>): Promise<Started> {
  const port = await freePort();
  // The inbound SMTP listener, for tests that send mail the way a mail server would.
  const smtpPort = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logFile = path.join(REPO, "artifacts", `e2e-server-${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [path.join(REPO, "server/bin/tessera.js"), "start"], {
    cwd: REPO,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      TESSERA_PUBLIC_URL: baseURL,
      TESSERA_SMTP_LISTEN_PORT: String(smtpPort),
      // Mail servers in these tests run on this machine; the outbound guard refuses loopback otherwise.
      TESSERA_OUTBOUND_ALLOW: "127.0.0.1",
      TESSERA_ADMIN_EMAIL: ADMIN.email,
      TESSERA_ADMIN_PASSWORD: ADMIN.password,
      TESSERA_ADMIN_NAME: ADMIN.name,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    log.end();
    await cleanup();
  };
  try {
    await waitUntilReady(baseURL, child, logFile);
    const users = await seedDesk(baseURL);
    return { state: { baseURL, smtpPort, users }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startSqlite(): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-e2e-"));
  return startTessera("sqlite", { TESSERA_DATA_DIR: dataDir }, async () => rmSync(dataDir, { recursive: true, force: true }));
}

async function startPostgres(adminUrl: string): Promise<Started> {
  const dbName = `tessera_e2e_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-e2e-pg-"));
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return startTessera("postgres", { DATABASE_URL: url.toString(), TESSERA_DATA_DIR: dataDir }, drop);
}

export default async function globalSetup() {
  if (!existsSync(path.join(REPO, "web/dist/index.html"))) {
    throw new Error("The web app is not built. Run `npm run build -w web` first (`npm run test:e2e` does it for you).");
  }
  mkdirSync(path.join(REPO, "artifacts", "screenshots"), { recursive: true });
  const started: Started[] = [];
  const state: Partial<Record<ProjectName, DeskState>> = {};
  const stopAll = async () => {
    await Promise.all(started.map((s) => s.stop().catch((err) => console.error("stopping Tessera failed:", err))));
  };
  try {
    const sqlite = await startSqlite();
    started.push(sqlite);
    state.sqlite = sqlite.state;
    if (process.env.TEST_DATABASE_URL) {
      const postgres = await startPostgres(process.env.TEST_DATABASE_URL);
      started.push(postgres);
      state.postgres = postgres.state;
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  return async () => {
    await stopAll();
    rmSync(STATE_FILE, { force: true });
  };
}
