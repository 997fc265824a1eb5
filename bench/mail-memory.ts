/**
 * Memory under large inbound mail: MAIL_MEMORY_MESSAGES (4) messages of MAIL_MEMORY_MIB (49) MiB
 * each, mostly one base64 attachment, sent at once over SMTP (one connection each) to Tessera's
 * listener (SQLite). Meanwhile the server's RSS is sampled from /proc/<pid>/status every 20 ms
 * and GET /healthz is timed back to back. A message answered 4xx (the listener's in-flight
 * budget is spent) is sent again after MAIL_MEMORY_RETRY_MS (1000), as a mail server would.
 *
 *   cd bench && npm run mail-memory
 *
 * It prints the server's RSS before the mail, its peak (VmHWM, the kernel's high-water mark, so
 * no spike falls between samples), /healthz p50/p99/max, how many sends were deferred, and
 * checks afterwards (after kill -9) that every message answered 250 is stored with its
 * attachment intact (sha256 compared). Figures are printed, never asserted; the exit code is 1
 * only when a message was lost, refused for good, or its attachment does not match.
 *
 * /healthz is timed from a worker thread of its own, so the work of sending the mail (in this
 * process's main thread) never delays a probe and counts against the server.
 *
 * Extra variables starting with TESSERA_ are passed to the server (e.g. TESSERA_MAIL_INFLIGHT_BYTES).
 * MAIL_MEMORY_REPO runs the server of another checkout (e.g. a worktree of an older commit, for
 * the figure before a change).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { SmtpConnection } from "./smtp-client.ts";
import { envNumber as env, freePort, percentile, startChild, table, waitReady, type Child } from "./support.ts";

const MESSAGES = env("MAIL_MEMORY_MESSAGES", 4);
const MIB = env("MAIL_MEMORY_MIB", 49);
const RETRY_MS = env("MAIL_MEMORY_RETRY_MS", 1000);
/** "attachment" (default): one large file; "html": one large HTML body instead (no attachment). */
const KIND = process.env.MAIL_MEMORY_KIND === "html" ? "html" : "attachment";
const REPO = path.resolve(process.env.MAIL_MEMORY_REPO ?? path.resolve(import.meta.dirname, ".."));
const SERVER_MAIN = path.join(REPO, "server/src/main.ts");
const ADMIN_EMAIL = "admin@bench.test";
const ADMIN_PASSWORD = randomBytes(24).toString("base64url");
const DESK = "help@bench.test";

/** One message of about `mib` MiB of HTML: table rows of text, as a pasted report would be. */
function bigHtmlMessage(i: number, mib: number) {
  const row = (n: number) => `<tr><td>${n}</td><td>build step ${n} finished with warnings</td><td style="color:#a00">see log</td></tr>\r\n`;
  const rows: string[] = [];
  let size = 0;
  for (let n = 0; size < mib * 1024 * 1024 - 4096; n++) {
    const r = row(n);
    rows.push(r);
    size += r.length;
  }
  const id = `<memory-html-${i}-${randomBytes(4).toString("hex")}@customer.example>`;
  const raw = [
    `From: Person ${i} <person${i}@customer.example>`,
    `To: ${DESK}`,
    `Message-ID: ${id}`,
    `Subject: Build report ${i}`,
    "MIME-Version: 1.0",
    "Content-Type: text/html; charset=utf-8",
    "",
    `<html><body><table>${rows.join("")}</table></body></html>`,
    "",
  ].join("\r\n");
  return { raw, id, sha256: "" };
}

/** One message of about `mib` MiB: a short text and one attachment of random bytes (base64, 76-character lines). */
function bigMessage(i: number, mib: number) {
  if (KIND === "html") return bigHtmlMessage(i, mib);
  const overhead = 2048;
  // base64 with CRLF every 76 characters: 4/3 the bytes, plus 2 in 78.
  const bytes = Math.floor(((mib * 1024 * 1024 - overhead) * 3) / 4 / (78 / 76));
  const file = randomBytes(bytes);
  const b64 = file.toString("base64").replace(/.{76}/g, "$&\r\n");
  const id = `<memory-${i}-${randomBytes(4).toString("hex")}@customer.example>`;
  const raw = [
    `From: Person ${i} <person${i}@customer.example>`,
    `To: ${DESK}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${id}`,
    `Subject: Crash dump ${i} from the build server`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="part"',
    "",
    "--part",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "The build server crashed again; the dump is attached.",
    "--part",
    `Content-Type: application/octet-stream; name="dump-${i}.bin"`,
    `Content-Disposition: attachment; filename="dump-${i}.bin"`,
    "Content-Transfer-Encoding: base64",
    "",
    b64,
    "--part--",
    "",
  ].join("\r\n");
  return { raw, id, sha256: createHash("sha256").update(file).digest("hex") };
}

/** VmRSS and VmHWM of a process, in MiB. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

async function login(url: string) {
  const res = await fetch(url + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
  const me = (await res.json()) as { csrf_token: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const tok = await fetch(url + "/api/tokens", { method: "POST", headers: { "content-type": "application/json", cookie, "x-csrf-token": me.csrf_token }, body: JSON.stringify({ name: "bench" }) });
  return ((await tok.json()) as { token: string }).token;
}

const passThrough = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith("TESSERA_") && v !== undefined)) as Record<string, string>;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "tessera-memory-bench-"));
let child: Child | undefined;
let broken = false;
try {
  const smtpPort = await freePort();
  child = await startChild(
    "tessera (sqlite)",
    SERVER_MAIN,
    ["start"],
    {
      // Large enough that each message's one attachment is stored (not skipped as over the cap).
      TESSERA_ATTACHMENT_MAX_BYTES: String(64 * 1024 * 1024),
      ...passThrough,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TESSERA_SMTP_LISTEN_PORT: String(smtpPort),
      LOG_LEVEL: "warn",
    },
    REPO,
  );
  await waitReady(child, "/readyz");
  const pid = child.proc.pid!;
  const token = await login(child.url);
  const mb = await fetch(child.url + "/api/mailboxes", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ address: DESK, name: "Bench desk" }),
  });
  if (mb.status !== 201) throw new Error(`POST /api/mailboxes answered ${mb.status}: ${await mb.text()}`);

  // A small message first, so the parser thread is loaded before the figure "before" is read.
  const warm = await SmtpConnection.open(smtpPort);
  const warmReply = await warm.send("person@customer.example", DESK, `From: a@customer.example\r\nTo: ${DESK}\r\nSubject: warm-up\r\n\r\nhello\r\n`);
  await warm.close();
  if (!/^250 /.test(warmReply)) throw new Error(`warm-up message answered ${warmReply}`);

  console.log(`building ${MESSAGES} messages of ${MIB} MiB…`);
  const messages = Array.from({ length: MESSAGES }, (_, i) => bigMessage(i, MIB));
  await new Promise((r) => setTimeout(r, 1000));
  const before = memoryOf(pid)!;

  let sending = true;
  let peakSampled = before.rss;
  const sampler = (async () => {
    while (sending) {
      const m = memoryOf(pid);
      if (m) peakSampled = Math.max(peakSampled, m.rss);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // Probes back to back (10 ms apart) until told to stop; answers with every latency in ms.
  const prober = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
    let stop = false;
    parentPort.once("message", () => (stop = true));
    (async () => {
      const times = [];
      while (!stop) {
        const t = performance.now();
        const res = await fetch(workerData + "/healthz", { signal: AbortSignal.timeout(30000) }).catch(() => undefined);
        if (res) await res.arrayBuffer();
        times.push(res && res.status === 200 ? performance.now() - t : Infinity);
        await new Promise((r) => setTimeout(r, 10));
      }
      parentPort.postMessage(times);
    })();`,
    { eval: true, workerData: child.url },
  );
  const probed = new Promise<number[]>((resolve) => prober.once("message", resolve));

  const started = performance.now();
  let deferred = 0;
  const failures: string[] = [];
  const acked: typeof messages = [];
  await Promise.all(
    messages.map(async (m) => {
      for (let attempt = 0; attempt < 120; attempt++) {
        const c = await SmtpConnection.open(smtpPort);
        const reply = await c.send(`person@customer.example`, DESK, m.raw).catch((err: Error) => `connection: ${err.message}`);
        await c.close().catch(() => {});
        if (/^250 /.test(reply)) return void acked.push(m);
        if (!/^4/.test(reply)) return void failures.push(reply);
        deferred++;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
      failures.push(`${m.id}: still deferred after 120 tries`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sending = false;
  prober.postMessage("stop");
  const health = await probed;
  await prober.terminate();
  await sampler;
  const after = memoryOf(pid)!;

  await child.kill("SIGKILL");
  const db = new Database(path.join(dataDir, "tessera.db"), { readonly: true });
  const stored = new Set((db.prepare("select message_id from mail_messages").all() as Array<{ message_id: string }>).map((r) => r.message_id));
  const files = new Set((db.prepare("select sha256 from attachments").all() as Array<{ sha256: string }>).map((r) => r.sha256));
  db.close();
  const missing = acked.filter((m) => !stored.has(m.id));
  const damaged = acked.filter((m) => m.sha256 && stored.has(m.id) && !files.has(m.sha256));

  health.sort((a, b) => a - b);
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "timeout");
  console.log(
    "\n" +
      table(
        [
          "messages",
          "MiB each",
          "acked 250",
          "deferred 4xx",
          "seconds",
          "RSS before MiB",
          "peak RSS MiB (VmHWM)",
          "peak sampled MiB",
          "RSS after MiB",
          "healthz n",
          "p50 ms",
          "p99 ms",
          "max ms",
          "goal",
        ],
        [
          [
            String(MESSAGES),
            String(MIB),
            String(acked.length),
            String(deferred),
            seconds.toFixed(1),
            before.rss.toFixed(0),
            after.hwm.toFixed(0),
            peakSampled.toFixed(0),
            after.rss.toFixed(0),
            String(health.length),
            ms(percentile(health, 0.5)),
            ms(percentile(health, 0.99)),
            ms(health[health.length - 1] ?? NaN),
            `${after.hwm < 400 ? "RSS < 400 MiB: yes" : "RSS < 400 MiB: NO"}, ${percentile(health, 0.99) < 100 ? "p99 < 100 ms: yes" : "p99 < 100 ms: NO"}`,
          ],
        ],
      ),
  );
  if (failures.length) {
    broken = true;
    console.log(`!! refused or failed sends:\n  ${failures.slice(0, 5).join("\n  ")}`);
  }
  if (missing.length) {
    broken = true;
    console.log(`!! ${missing.length} messages answered 250 are not in the database after kill -9`);
  }
  if (damaged.length) {
    broken = true;
    console.log(`!! ${damaged.length} stored messages lack their attachment with the bytes sent`);
  }
  if (!missing.length && !damaged.length) console.log(`every message answered 250 (${acked.length}) is stored, its attachment intact (sha256), after kill -9`);
} catch (err) {
  broken = true;
  console.error(err);
  if (child) console.error(child.tail());
} finally {
  if (child && !child.exited()) await child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(broken ? 1 : 0);
