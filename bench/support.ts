/**
 * Plumbing for the benchmarks: start a server in a child process, wait for it, drive load at it
 * with autocannon, and summarise what came back. Kept apart from create-tickets.ts so that file
 * reads as the benchmark itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

/** A free TCP port on loopback (the tiny race until the child binds it is harmless here). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  url: string;
  proc: ChildProcess;
  /** Last lines the child wrote, shown if it dies or misbehaves. */
  tail(): string;
  /** Log lines at warn or above (pino level >= 40) since the last call, with a few samples. */
  takeWarnings(): { count: number; samples: string[] };
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Kill -9 on purpose: a create acknowledged with 201 must already be on disk, not flushed at shutdown. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `node --import tsx <script> ...args` as a child, capturing its output. */
export async function startChild(name: string, script: string, args: string[], env: Record<string, string>, cwd: string): Promise<Child> {
  const port = await freePort();
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the servers a benchmark starts.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    cwd,
    // Only what the server needs plus PATH: the caller's DATABASE_URL etc. must not leak in.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let warnCount = 0;
  let warnSamples: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const onData = (stream: "stdout" | "stderr") => (buf: Buffer) => {
    for (const line of buf.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
      // pino writes JSON lines with a numeric level; plain text on stderr is worth a look too,
      // while plain text on stdout is the start-up banner.
      const m = /"level":(\d+)/.exec(line);
      if (m ? Number(m[1]) >= 40 : stream === "stderr") {
        warnCount++;
        if (warnSamples.length < 5) warnSamples.push(line.length > 400 ? line.slice(0, 400) + "…" : line);
      }
    }
  };
  proc.stdout!.on("data", onData("stdout"));
  proc.stderr!.on("data", onData("stderr"));
  const exitedPromise = new Promise<void>((resolve) =>
    proc.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    proc,
    tail: () => lines.join("\n"),
    takeWarnings: () => {
      const out = { count: warnCount, samples: warnSamples };
      warnCount = 0;
      warnSamples = [];
      return out;
    },
    exited: () => exit,
    kill: async (signal = "SIGKILL") => {
      if (!exit) proc.kill(signal);
      await exitedPromise;
    },
  };
}

/** Polls `path` until it answers 200; fails fast if the child exits first. */
export async function waitReady(child: Child, path: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ex = child.exited();
    if (ex) throw new Error(`${child.name} exited before it was ready (code ${ex.code}, signal ${ex.signal}). Its last output:\n${child.tail()}`);
    try {
      const res = await fetch(child.url + path, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} was not ready after ${timeoutMs / 1000}s. Its last output:\n${child.tail()}`);
}

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** Builds each request's body, so every create is a distinct ticket. */
  body?: () => string;
  /** Builds each request's path (e.g. a different ticket id each time). */
  path?: () => string;
  /** Sees every response body (to collect created ids, or keep samples of failures). */
  onResponse?: (status: number, body: string) => void;
}

export interface LoadResult {
  seconds: number;
  cpu?: CpuShares;
  ok: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  reqPerSec: number;
  p50: number;
  p99: number;
}

/**
 * One autocannon run. Latency percentiles are computed here from every 2xx response's exact
 * duration: autocannon's own histogram keeps whole milliseconds, too coarse for a 5 ms budget.
 */
export async function runLoad(spec: LoadSpec, connections: number, seconds: number, serverPid?: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  const cpuBefore = cpuSnapshot(serverPid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        method: spec.method,
        headers: spec.headers,
        requests: [
          {
            method: spec.method,
            setupRequest: (req) => ({
              ...req,
              ...(spec.body ? { body: spec.body() } : {}),
              ...(spec.path ? { path: spec.path() } : {}),
            }),
            ...(spec.onResponse ? { onResponse: (status: number, body: string) => spec.onResponse!(status, body) } : {}),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // The emitter really passes (client, status, bytes, ms); @types/autocannon leaves out the client.
    (instance as unknown as NodeJS.EventEmitter).on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    instance.on("start", () => (started = Date.now()));
  });
  const cpu = cpuShares(cpuBefore, cpuSnapshot(serverPid));
  const statusCounts: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = (v as { count: number }).count;
  const ok = Object.entries(statusCounts)
    .filter(([code]) => code.startsWith("2"))
    .reduce((n, [, c]) => n + c, 0);
  const elapsed = started ? (Date.now() - started) / 1000 : result.duration;
  latencies.sort((a, b) => a - b);
  return {
    seconds: elapsed,
    cpu,
    ok,
    non2xx: result.non2xx,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    // Only successful responses count as throughput: errors must not flatter the figure.
    reqPerSec: ok / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/** The value at quantile `q` (0–1) of an ascending list; NaN for an empty one. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A plain-text table, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** What one benchmark found: its table, and the notes that go with it. */
export interface Results {
  title: string;
  header: string[];
  rows: string[][];
  notes?: string[];
  /** Anything else a tool reading the JSON should have: settings, raw figures. */
  data?: unknown;
}

/**
 * Writes bench/results/<name>.json (for tools) and <name>.md (a Markdown table for
 * bench/README.md), each with the date, Node, CPU count and load average of the run.
 */
export function writeResults(name: string, r: Results): void {
  const dir = path.join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const run = { at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ run, ...r }, null, 2) + "\n");
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const md = [
    `### ${r.title}`,
    "",
    `${run.at.slice(0, 16).replace("T", " ")} UTC, Node ${run.node}, ${run.cpus} CPUs, load average ${run.loadAverage.join(" ")}:`,
    "",
    line(r.header),
    line(r.header.map(() => "---")),
    ...r.rows.map(line),
    "",
    ...(r.notes ?? []).map((n) => `- ${n}`),
    "",
  ].join("\n");
  writeFileSync(path.join(dir, `${name}.md`), md);
  console.log(`\nWritten: bench/results/${name}.json and ${name}.md`);
}

// ---- who used the CPU during a run --------------------------------------------------------
// This machine is small (2 cores) and shared: a test suite running beside the benchmark halves
// the figures. Each run therefore reports how much CPU went to the server, the load generator,
// PostgreSQL and everything else, so a disturbed run is visible as such. Linux /proc only.

export interface CpuShares {
  server: number;
  loadGenerator: number;
  postgres: number;
  other: number;
}

interface CpuSnapshot {
  at: number;
  busy: number;
  server: number;
  self: number;
  postgres: number;
}

/** utime + stime of one process, in clock ticks; 0 when it is gone or /proc is absent. */
function processTicks(pid: number | string): { comm: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; the numeric fields follow it.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(serverPid: number | undefined): CpuSnapshot | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const [, user, nice, system] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  let postgres = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processTicks(entry);
    if (p?.comm === "postgres") postgres += p.ticks;
  }
  return {
    at: Date.now(),
    busy: user + nice + system,
    server: serverPid ? (processTicks(serverPid)?.ticks ?? 0) : 0,
    self: processTicks(process.pid)?.ticks ?? 0,
    postgres,
  };
}

/** Each share in percent of one core (so 2 cores give 200 in all). */
export function cpuShares(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): CpuShares | undefined {
  if (!a || !b) return undefined;
  const hz = 100; // USER_HZ, the unit of /proc/stat and /proc/<pid>/stat on Linux
  const pct = (ticks: number) => (ticks / hz / ((b.at - a.at) / 1000)) * 100;
  const server = pct(b.server - a.server);
  const loadGenerator = pct(b.self - a.self);
  const postgres = pct(b.postgres - a.postgres);
  const other = Math.max(0, pct(b.busy - a.busy) - server - loadGenerator - postgres);
  return { server, loadGenerator, postgres, other };
}

/** A positive number from the environment variable `name`, else `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
