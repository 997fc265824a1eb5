/**
 * A real Tessera process (bin/tessera.js start) under 200 concurrent writers, and a read-back of
 * what its database kept: the kill tests crash one side (Tessera, or its database server) in the
 * middle and then look for every write that was answered 201.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const ADMIN = { email: "admin@kill.test", password: "a long enough password 42" };

export interface TesseraProcess {
  base: string;
  child: ChildProcess;
  /** Resolves once /readyz answers 200. */
  waitReady(withinMs: number): Promise<void>;
}

/** Starts `tessera start` (with `extra.args`, e.g. a role) on a free port with its data in `dataDir` (and PostgreSQL at `databaseUrl`). */
export async function startTessera(dataDir: string, databaseUrl?: string, port?: number, extra: { args?: string[]; env?: Record<string, string> } = {}): Promise<TesseraProcess> {
  port ??= await freePort();
  const env = {
    ...process.env,
    TESSERA_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    TESSERA_ADMIN_EMAIL: ADMIN.email,
    TESSERA_ADMIN_PASSWORD: ADMIN.password,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra.env,
  };
  const bin = path.resolve(import.meta.dirname, "../../bin/tessera.js");
  const child = spawn(process.execPath, [bin, "start", ...(extra.args ?? [])], { env, stdio: ["ignore", "ignore", "pipe"] });
  // The last of what it printed to stderr, to say why it stopped if it does.
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    child,
    async waitReady(withinMs) {
      const until = Date.now() + withinMs;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`tessera exited with code ${child.exitCode}: ${stderr}`);
        if (
          await fetch(`${base}/readyz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`server did not serve within ${withinMs} ms`);
    },
  };
}

/** Signs the bootstrap admin in: the session cookie, and the headers a write sends with it. */
export async function adminSession(base: string) {
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  if (login.status !== 200) throw new Error(`signing in answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.get("set-cookie")!.split(";")[0];
  const { csrf_token } = (await login.json()) as { csrf_token: string };
  return { cookie, headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf_token } };
}

/** Signs the bootstrap admin in; `post` answers undefined when the connection fails. */
export async function signIn(base: string) {
  const { headers } = await adminSession(base);
  return (url: string, body: unknown) => fetch(`${base}${url}`, { method: "POST", headers, body: JSON.stringify(body) }).catch(() => undefined);
}

/**
 * 200 writers, half filing tickets and half commenting on ten existing ones, each recording the
 * ids answered 201. `crash` runs once at least 30 of each were acknowledged (or after 30 s);
 * the writers stop at their next answer after it.
 */
export async function writeUntilCrash(post: Awaited<ReturnType<typeof signIn>>, crash: () => Promise<void> | void) {
  const targets: number[] = [];
  for (let i = 0; i < 10; i++) targets.push(((await (await post("/api/tickets", { subject: `Comment target ${i}` }))!.json()) as { id: number }).id);
  const tickets: number[] = [];
  const comments: number[] = [];
  let stop = false;
  const writer = async (n: number) => {
    while (!stop) {
      const res =
        n % 2 ? await post("/api/tickets", { subject: "Written under fire" }) : await post(`/api/tickets/${targets[n % targets.length]}/comments`, { body: `Comment under fire ${n}`, format: "text" });
      if (!res) return;
      if (res.status === 201) {
        const id = ((await res.json().catch(() => ({}))) as { id?: number }).id;
        if (id !== undefined) (n % 2 ? tickets : comments).push(id);
      } else await res.arrayBuffer().catch(() => undefined);
    }
  };
  const writers = Array.from({ length: 200 }, (_, n) => writer(n));
  // Crash once writes are flowing in numbers (a busy machine takes longer to get there).
  const until = Date.now() + 30_000;
  while ((tickets.length < 30 || comments.length < 30) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await crash();
  stop = true;
  await Promise.all(writers);
  return { tickets, comments };
}

/** What a crashed server left on disk, read by a fresh connection. */
export async function readBack(dialect: string, dataDir: string, databaseUrl?: string) {
  type Rows = { tickets: number[]; created: number[]; comments: number[]; replies: number[] };
  let rows: Rows;
  let integrity = "";
  const q = {
    tickets: "select id from tickets",
    created: "select ticket_id as id from ticket_events where action = 'created'",
    comments: "select id from comments",
    replies: "select new_value as v from ticket_events where action = 'reply_added'",
  };
  if (dialect === "sqlite") {
    const db = new Database(path.join(dataDir, "tessera.db"));
    integrity = db.pragma("integrity_check", { simple: true }) as string;
    const ids = (sql: string) => (db.prepare(sql).all() as { id: number }[]).map((r) => r.id);
    rows = { tickets: ids(q.tickets), created: ids(q.created), comments: ids(q.comments), replies: (db.prepare(q.replies).all() as { v: string }[]).map((r) => JSON.parse(r.v).comment_id) };
    db.close();
  } else {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    const ids = async (sql: string) => (await c.query(sql)).rows.map((r: { id: number }) => r.id);
    rows = {
      tickets: await ids(q.tickets),
      created: await ids(q.created),
      comments: await ids(q.comments),
      replies: (await c.query(q.replies)).rows.map((r: { v: string }) => JSON.parse(r.v).comment_id),
    };
    await c.end();
  }
  return { integrity, tickets: new Set(rows.tickets), createdEvents: new Set(rows.created), comments: new Set(rows.comments), replyEvents: new Set(rows.replies) };
}
