/**
 * Test support: a real Tessera app on a fresh database per suite — a new SQLite file, or a new
 * PostgreSQL schema when TEST_DATABASE_URL is set — and clients that act as real callers.
 * Requests go through Fastify's inject (the full HTTP pipeline without a socket).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Role } from "@tessera/contracts";
import { loadConfig } from "../src/config.ts";
import { openInstance } from "../src/boot.ts";
import { buildApp } from "../src/app.ts";
import type { App } from "../src/http/types.ts";
import type { AppContext, Clock } from "../src/context.ts";
import { createApiToken } from "../src/auth/service.ts";
import { hashPassword } from "../src/auth/passwords.ts";
import { insertUser } from "../src/people/create.ts";
import { drainReactions } from "../src/events/reactions.ts";
import pino from "pino";

export type Dialect = "sqlite" | "postgres";
/** Every database test runs on each of these. */
export const dialects: Dialect[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

export const PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

/**
 * Where every desk's clock starts: a fixed instant, so no test depends on the day it runs (a
 * start taken from the real date would leave fixed instants that tests move to in the past).
 */
export const TEST_START = "2026-11-25T09:00:00.000Z";

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private t = Date.parse(TEST_START)) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

export interface Response<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

/**
 * A running node handles committed events promptly (events/consumers.ts, woken after each
 * request); a test has no such loop, so each write request here waits for the after-commit
 * reactions (mail notifications) to catch up, as a caller would see them a moment later.
 */
const drains = new WeakMap<App, () => Promise<void>>();

export class Client {
  cookie?: string;
  csrf?: string;
  constructor(
    readonly app: App,
    readonly auth: { token?: string } = {},
    readonly user?: { id: number; email: string; role: Role; name: string },
  ) {}

  async request<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.auth.token) h.authorization = `Bearer ${this.auth.token}`;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && !["GET", "HEAD"].includes(method) && h["x-csrf-token"] === undefined) h["x-csrf-token"] = this.csrf;
    const isRaw = typeof body === "string" || Buffer.isBuffer(body);
    if (body !== undefined && !isRaw && !h["content-type"]) h["content-type"] = "application/json";
    const res = await this.app.inject({ method: method as "GET", url, headers: h, payload: body === undefined ? undefined : isRaw ? (body as string) : JSON.stringify(body) });
    // Only after a change was accepted, as the server wakes its consumers (app.ts); a refused one wrote nothing.
    if (method !== "GET" && method !== "HEAD" && res.statusCode < 400) await drains.get(this.app)?.();
    const setCookie = res.headers["set-cookie"];
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      // `__Host-tessera_session` over https, `tessera_session` on plain http.
      const m = /^((?:__Host-)?tessera_session)=([^;]*)/.exec(c);
      if (m) this.cookie = m[2] ? `${m[1]}=${m[2]}` : undefined;
    }
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers as Response["headers"], body: parsed as T, text: res.body };
  }
  get = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>("GET", url, undefined, headers);
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>("POST", url, body ?? {}, headers);
  patch = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>("PATCH", url, body ?? {}, headers);
  put = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>("PUT", url, body ?? {}, headers);
  delete = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>("DELETE", url, undefined, headers);
}

export interface TestDesk {
  app: App;
  ctx: AppContext;
  clock: TestClock;
  dataDir: string;
  /** A client with no credentials. */
  anonymous(): Client;
  /** A user of the given role with an API token (fast: no password hashing per user). */
  user(role: Role, opts?: { email?: string; name?: string; organization_id?: number | null; teams?: number[] }): Promise<Client>;
  /** Signs in with email and password through the API, as a browser does. */
  login(email: string, password?: string): Promise<Client>;
  /** Runs the after-commit reactions (mail notifications) over every event committed so far. */
  drain(): Promise<void>;
  /** Another node on the same database (or this one after a restart): a fresh context and connections; closed with the desk. */
  openNode(): Promise<AppContext>;
  close(): Promise<void>;
}

let seq = 0;

export async function createDesk(dialect: Dialect, env: Record<string, string> = {}): Promise<TestDesk> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-test-"));
  let pgSchema: string | undefined;
  let dropSchema = async () => {};
  if (dialect === "postgres") {
    pgSchema = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${pgSchema}`);
    await admin.end();
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop schema ${pgSchema} cascade`);
      await c.end();
    };
  }
  try {
    return await openDesk(dialect, dataDir, pgSchema, env, dropSchema);
  } catch (err) {
    // A desk that failed half-way must not leave its schema or files behind.
    await dropSchema().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function openDesk(dialect: Dialect, dataDir: string, pgSchema: string | undefined, env: Record<string, string>, dropSchema: () => Promise<void>): Promise<TestDesk> {
  const config = loadConfig({}, { TESSERA_DATA_DIR: dataDir, LOG_LEVEL: "silent", ...(dialect === "postgres" ? { DATABASE_URL: process.env.TEST_DATABASE_URL! } : {}), ...env });
  const clock = new TestClock();
  const instance = await openInstance(config, { clock, pgSchema, log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) });
  const app = await buildApp(instance.ctx);
  await app.ready();
  const ctx = instance.ctx;
  const drain = () => drainReactions(ctx);
  drains.set(app, drain);
  const nodes: Array<{ close(): Promise<void> }> = [];

  return {
    app,
    ctx,
    clock,
    dataDir,
    anonymous: () => new Client(app),
    async user(role, opts = {}) {
      const n = ++seq;
      const email = opts.email ?? `${role}${n}.${randomBytes(3).toString("hex")}@example.test`;
      const u = await insertUser(ctx, {
        email,
        name: opts.name ?? `${role[0].toUpperCase()}${role.slice(1)} ${n}`,
        role,
        organization_id: opts.organization_id ?? null,
        passwordHash: await (passwordHash ??= hashPassword(PASSWORD)),
      });
      for (const teamId of opts.teams ?? []) await ctx.db.insertInto("team_members").values({ team_id: teamId, user_id: u.id }).execute();
      const token = await createApiToken(ctx, u.id, "test");
      return new Client(app, { token: token.token }, { id: u.id, email: u.email, role: u.role, name: u.name });
    },
    async login(email, password = PASSWORD) {
      const c = new Client(app);
      const res = await c.post("/api/auth/login", { email, password });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      c.csrf = res.body.csrf_token;
      return c;
    },
    drain,
    async openNode() {
      const node = await openInstance(config, { clock, pgSchema, log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) });
      nodes.push(node);
      return node.ctx;
    },
    async close() {
      await app.close();
      for (const node of nodes) await node.close();
      await instance.close();
      await dropSchema();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Makes a team through the API as the given admin and returns its id. */
export async function makeTeam(admin: Client, name: string): Promise<number> {
  const res = await admin.post("/api/teams", { name });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${res.text}`);
  return res.body.id;
}
