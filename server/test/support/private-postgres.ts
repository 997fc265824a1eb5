/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, its own port), so a test can
 * kill -9 the database itself and start it again, which the shared server must never suffer.
 * PostgreSQL refuses to run as root: as root (CI), its commands run as the `postgres` user.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./write-load.ts";

const NEEDED = ["initdb", "postgres", "pg_ctl"];

/** The newest /usr/lib/postgresql/<version>/bin holding initdb, postgres and pg_ctl (PG_BIN_DIR wins), or undefined. */
export function findPostgresBinaries(): string | undefined {
  const candidates = process.env.PG_BIN_DIR ? [process.env.PG_BIN_DIR] : listVersionDirs();
  return candidates.find((dir) => NEEDED.every((b) => existsSync(path.join(dir, b))));
}

function listVersionDirs(): string[] {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, "bin"));
}

const isRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program as a user it accepts. */
function asPostgresUser(bin: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

export interface PrivatePostgres {
  url: string;
  /** What the server has logged so far (start-ups, crash recovery). */
  log(): string;
  /** Every process of the server (postmaster and its children) killed with SIGKILL, as in a crash. */
  crash(): void;
  /** Starts the server on the same folder and port (crash recovery replays its WAL) and waits for it. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * initdb and start a server with fsync=on and synchronous_commit=on (PostgreSQL's defaults, set
 * here so that no local configuration can turn them off): a commit then returns only once its
 * WAL record is flushed to disk.
 */
export async function startPrivatePostgres(binDir: string): Promise<PrivatePostgres> {
  const root = mkdtempSync(path.join(tmpdir(), "tessera-pg-"));
  const dataDir = path.join(root, "data");
  if (isRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(root, uid, gid);
  }
  const [initCmd, initArgs] = asPostgresUser(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
  // cwd: the postgres user may not be allowed into the test's own folder.
  execFileSync(initCmd, initArgs, { stdio: "ignore", cwd: root });
  const port = await freePort();
  const logFile = path.join(root, "postgres.log");
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const [cmd, args] = asPostgresUser(path.join(binDir, "postgres"), [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      root,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=on",
      "-c",
      "synchronous_commit=on",
    ]);
    const log = openSync(logFile, "a");
    child = spawn(cmd, args, { stdio: ["ignore", log, log], cwd: root });
    closeSync(log);
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}: ${readFileSync(logFile, "utf8").slice(-2000)}`);
      const c = new pg.Client({ connectionString: url });
      const up = await c.connect().then(
        () => true,
        () => false,
      );
      await c.end().catch(() => {});
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the private PostgreSQL did not accept connections within 30 s: ${readFileSync(logFile, "utf8").slice(-2000)}`);
  };

  const postmasterPid = () => Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);

  await start();
  return {
    url,
    log: () => readFileSync(logFile, "utf8"),
    start,
    crash() {
      // Each backend makes itself a process-group leader, so the group of the postmaster does not
      // reach them: kill the postmaster and every process whose parent it is, all at once.
      const pid = postmasterPid();
      for (const p of [pid, ...childrenOf(pid)]) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
    async destroy() {
      if (existsSync(path.join(dataDir, "postmaster.pid"))) {
        const [cmd, args] = asPostgresUser(path.join(binDir, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
        try {
          execFileSync(cmd, args, { stdio: "ignore", cwd: root });
        } catch {
          child?.kill("SIGKILL");
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Pids of the direct children of `pid`, read from /proc. */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid (after the name in parentheses).
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return kids;
}
