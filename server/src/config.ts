/**
 * The one place that reads process.env. Every setting is parsed once by this schema; a bad
 * value stops start-up with a message that names the variable.
 *
 * Values come from the environment, then from an optional JSON file (TESSERA_CONFIG_FILE, or
 * tessera.config.json in the working directory) whose keys are the same variable names.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseAllowList, type OutboundAllowList } from "./outbound/guard.ts";
import { parseTrustedProxies } from "./http/trusted-proxies.ts";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A string (empty by default) read by `parse`, whose thrown message becomes the variable's error. */
const parsedBy = <T>(parse: (v: string) => T) =>
  z
    .string()
    .default("")
    .transform((v, zctx) => {
      try {
        return parse(v);
      } catch (err) {
        zctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    });

const EnvSchema = z.object({
  /** TCP port of the HTTP server. */
  PORT: int(0, 65535).default(3000),
  /** Interface to listen on; 0.0.0.0 for every interface. */
  HOST: z.string().min(1).default("0.0.0.0"),
  /** postgres://user@host:5432/db for PostgreSQL; unset means SQLite at <data dir>/tessera.db. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (leave unset for the embedded SQLite database)")
    .optional(),
  /** Where the SQLite database and attachments live. */
  TESSERA_DATA_DIR: z.string().min(1).default("./data"),
  /** The address people use to reach Tessera, for links printed and mailed. */
  TESSERA_PUBLIC_URL: z.url().optional(),
  /** Creates the first admin on start when no admin exists yet. */
  TESSERA_ADMIN_EMAIL: z.email().optional(),
  TESSERA_ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
  TESSERA_ADMIN_NAME: z.string().min(1).max(200).default("Administrator"),
  /** A session ends after this many minutes without a request. */
  TESSERA_SESSION_IDLE_MINUTES: int(5, 7 * 24 * 60).default(8 * 60),
  /** A session ends this many hours after sign-in, whatever its use. */
  TESSERA_SESSION_MAX_HOURS: int(1, 90 * 24).default(7 * 24),
  /**
   * The session cookie is Secure and `__Host-`-prefixed whenever TESSERA_PUBLIC_URL is https://.
   * true forces that when the public URL is left at http:// behind a TLS-terminating proxy;
   * false cannot be combined with an https:// public URL.
   */
  TESSERA_COOKIE_SECURE: bool.optional(),
  /** Largest JSON request body, in bytes. */
  TESSERA_BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Largest attachment, in bytes (default 25 MiB). */
  TESSERA_ATTACHMENT_MAX_BYTES: int(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
  /**
   * Most upload bytes being received at once, in bytes (default 4 × TESSERA_ATTACHMENT_MAX_BYTES,
   * at least that cap); an upload that would go over it is answered 503 with Retry-After.
   */
  TESSERA_UPLOAD_INFLIGHT_BYTES: int(1, 64 * 1024 * 1024 * 1024).optional(),
  /**
   * Reverse proxies whose X-Forwarded-For is believed, to find the client's address: addresses,
   * CIDR ranges, or loopback / linklocal / uniquelocal; comma- or space-separated; empty: none.
   * Only a proxy the request really came through is believed, so a client that reaches Tessera
   * directly cannot name its own address.
   */
  TESSERA_TRUSTED_PROXIES: parsedBy(parseTrustedProxies),
  /** Replaced by TESSERA_TRUSTED_PROXIES: a hop count cannot tell a proxy from a client that sends its own X-Forwarded-For. */
  TESSERA_TRUST_PROXY_HOPS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === "" || v === "0",
      "is no longer read: list your proxies' addresses in TESSERA_TRUSTED_PROXIES instead (e.g. TESSERA_TRUSTED_PROXIES=127.0.0.1 for a proxy on the same machine)",
    ),
  /** Size of the PostgreSQL connection pool per process. */
  TESSERA_DB_POOL_SIZE: int(1, 200).default(10),
  /**
   * PostgreSQL: on runs the hot queries as named prepared statements, planned once per connection;
   * off sends every statement unnamed, for a pooler in transaction mode (pgbouncer) that moves a
   * session's statements between server connections.
   */
  TESSERA_PG_PREPARE: z.enum(["on", "off"]).default("on"),
  /** Bearer token Prometheus sends to read /metrics; unset means /metrics answers only on loopback. */
  TESSERA_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Seconds between SLA sweeps (warnings, breaches, escalations, auto-close); one also runs at start. */
  TESSERA_SLA_SWEEP_SECONDS: int(1, 3600).default(30),
  /** TCP port of the inbound SMTP listener; unset means no listener (mail then comes by IMAP or the MTA pipe). */
  TESSERA_SMTP_LISTEN_PORT: int(1, 65535).optional(),
  /** Interface of the inbound SMTP listener; 0.0.0.0 to take mail from other hosts. */
  TESSERA_SMTP_LISTEN_HOST: z.string().min(1).default("127.0.0.1"),
  /** Largest inbound message, in bytes (default 50 MiB); larger ones are refused, or kept as failed mail. */
  TESSERA_MAIL_MAX_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(50 * 1024 * 1024),
  /**
   * Most bytes of inbound SMTP mail being received and taken in at once (default 2 ×
   * TESSERA_MAIL_MAX_BYTES, at least that size); over it the listener answers 451 and the
   * sending server retries later.
   */
  TESSERA_MAIL_INFLIGHT_BYTES: int(64 * 1024, 64 * 1024 * 1024 * 1024).optional(),
  /** How long parsing one message may take, in milliseconds, before it is quarantined. */
  TESSERA_MAIL_PARSE_TIMEOUT_MS: int(100, 120_000).default(30_000),
  /** Most messages parsed at once, each in its own thread (a second thread starts only while one message is slow). */
  TESSERA_MAIL_PARSERS: int(1, 16).default(2),
  /** Seconds between IMAP polls (IDLE brings new mail sooner where the server offers it). */
  TESSERA_IMAP_POLL_SECONDS: int(1, 3600).default(60),
  /** Messages from one sender per hour beyond which none of theirs gets an automatic answer (loop breaker). */
  TESSERA_MAIL_LOOP_LIMIT: int(1, 100_000).default(20),
  /**
   * authserv-ids (comma-separated, e.g. "mx.example.com") of the receiving mail server whose
   * Authentication-Results header is trusted: its DMARC pass authenticates a sender. Name only a
   * server that checks DMARC and removes headers carrying its own id from incoming mail (RFC 8601);
   * unset: no header is trusted.
   */
  TESSERA_MAIL_TRUSTED_AUTHSERV_IDS: z
    .string()
    .regex(/^\s*[A-Za-z0-9._-]+(\s*,\s*[A-Za-z0-9._-]+)*\s*$/, "must be a comma-separated list of host names, e.g. mx.example.com,mx2.example.com")
    .optional(),
  /** Outgoing mail server as a URL: smtp://user:password@host:587 (STARTTLS when offered) or smtps://host:465 (TLS). */
  TESSERA_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587")
    .optional(),
  /** Or the outgoing mail server piece by piece: host name (unset, with no URL: mail waits in the outbox). */
  TESSERA_SMTP_HOST: z.string().min(1).optional(),
  /** Its port; default 465 with TESSERA_SMTP_SECURE, else 587. */
  TESSERA_SMTP_PORT: int(1, 65535).optional(),
  /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when the server offers it. */
  TESSERA_SMTP_SECURE: bool.default(false),
  /** Sign-in name and password for the mail server, when it asks for one. */
  TESSERA_SMTP_USER: z.string().min(1).optional(),
  TESSERA_SMTP_PASSWORD: z.string().min(1).optional(),
  /** Who Tessera's mail comes from, e.g. "IT Service Desk <support@example.com>"; replies come back to it. */
  TESSERA_MAIL_FROM: z
    .string()
    .trim()
    .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address, or a name and an address: "IT Service Desk <support@example.com>"')
    .optional(),
  /** The domain after the @ in Tessera's Message-IDs; default the domain of TESSERA_MAIL_FROM. */
  TESSERA_MAIL_MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/, "must be a domain name such as mail.example.com")
    .optional(),
  /** Largest total size of the attachments copied into one outgoing mail, in bytes (default 10 MiB); larger ones are linked. */
  TESSERA_MAIL_ATTACHMENTS_MAX_BYTES: int(0, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  /** How often the outbox looks for mail to send, in seconds (it also wakes up when mail is queued). */
  TESSERA_OUTBOX_POLL_SECONDS: int(1, 3600).default(5),
  /** Seconds a node folds repeats of an alert in memory before writing their count and last-seen time (a crash loses at most this much of the count). */
  TESSERA_ALERT_REPEAT_FLUSH_SECONDS: int(1, 3600).default(5),
  /**
   * Hosts, addresses and CIDR ranges Tessera may connect to (IMAP, the SMTP relay, webhooks) although
   * they are loopback, private, link-local or otherwise not public, e.g. "10.0.0.0/8, imap.internal".
   * Public addresses need no entry. Comma- or space-separated; empty by default.
   */
  TESSERA_OUTBOUND_ALLOW: parsedBy(parseAllowList),
  /** Seconds Tessera waits for an IMAP server or mail relay to accept a connection and greet it. */
  TESSERA_OUTBOUND_CONNECT_TIMEOUT_SECONDS: int(1, 120).default(10),
  /** trace | debug | info | warn | error | fatal | silent */
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type Config = Readonly<{
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sqlitePath: string;
  attachmentsDir: string;
  publicUrl: string;
  admin: { email: string; password: string; name: string } | undefined;
  session: { idleMs: number; maxMs: number; cookieSecure: boolean };
  bodyLimitBytes: number;
  attachmentMaxBytes: number;
  /** Most upload bytes received at once (TESSERA_UPLOAD_INFLIGHT_BYTES). */
  uploadInflightBytes: number;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDR ranges, or proxy-addr's named ranges). */
  trustedProxies: string[];
  dbPoolSize: number;
  /** PostgreSQL: named server-side prepared statements (TESSERA_PG_PREPARE). */
  pgPrepare: boolean;
  logLevel: string;
  metricsToken: string | undefined;
  slaSweepSeconds: number;
  alertRepeatFlushMs: number;
  mailOut: MailOutConfig;
  /** Where outgoing connections may go beyond public addresses (outbound/guard.ts). */
  outboundAllow: OutboundAllowList;
  /** How long a connection out may take to open and be greeted, in ms. */
  outboundConnectTimeoutMs: number;
  mail: {
    smtpPort: number | undefined;
    smtpHost: string;
    maxBytes: number;
    inflightBytes: number;
    parseTimeoutMs: number;
    parsers: number;
    imapPollMs: number;
    loopLimitPerHour: number;
    trustedAuthservIds: string[];
  };
}>;

export class ConfigError extends Error {}

/** Outgoing mail: where it is handed over (undefined: nowhere yet, so it waits) and how it is signed. */
export interface MailOutConfig {
  smtp: { url: string } | { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined } | undefined;
  from: { name: string; address: string };
  messageIdDomain: string;
  attachmentsMaxBytes: number;
  pollMs: number;
}

function mailOutConfig(e: z.infer<typeof EnvSchema>, publicUrl: string): MailOutConfig {
  const fail = (msg: string): never => {
    throw new ConfigError(`Invalid configuration:\n  ${msg}`);
  };
  if (e.TESSERA_SMTP_URL && e.TESSERA_SMTP_HOST) fail("TESSERA_SMTP_URL and TESSERA_SMTP_HOST: set one of them, not both");
  if ((e.TESSERA_SMTP_USER === undefined) !== (e.TESSERA_SMTP_PASSWORD === undefined)) fail("TESSERA_SMTP_USER and TESSERA_SMTP_PASSWORD must be set together");
  if (!e.TESSERA_SMTP_HOST && (e.TESSERA_SMTP_PORT !== undefined || e.TESSERA_SMTP_USER !== undefined)) fail("TESSERA_SMTP_PORT, TESSERA_SMTP_USER: need TESSERA_SMTP_HOST too");
  const smtp = e.TESSERA_SMTP_URL
    ? { url: e.TESSERA_SMTP_URL }
    : e.TESSERA_SMTP_HOST
      ? { host: e.TESSERA_SMTP_HOST, port: e.TESSERA_SMTP_PORT ?? (e.TESSERA_SMTP_SECURE ? 465 : 587), secure: e.TESSERA_SMTP_SECURE, user: e.TESSERA_SMTP_USER, password: e.TESSERA_SMTP_PASSWORD }
      : undefined;
  const m = e.TESSERA_MAIL_FROM ? /^(?:(.*?)\s*<([^>]+)>|(\S+))$/.exec(e.TESSERA_MAIL_FROM) : null;
  const host = new URL(publicUrl).hostname || "localhost";
  const address = (m?.[2] ?? m?.[3] ?? `tessera@${host}`).toLowerCase();
  const name = (m?.[1] ?? "").replace(/^"|"$/g, "").trim() || "Tessera";
  return {
    smtp,
    from: { name, address },
    messageIdDomain: e.TESSERA_MAIL_MESSAGE_ID_DOMAIN ?? address.split("@")[1],
    attachmentsMaxBytes: e.TESSERA_MAIL_ATTACHMENTS_MAX_BYTES,
    pollMs: e.TESSERA_OUTBOX_POLL_SECONDS * 1000,
  };
}

function readConfigFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const file = env.TESSERA_CONFIG_FILE ?? (existsSync("tessera.config.json") ? "tessera.config.json" : undefined);
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`TESSERA_CONFIG_FILE: cannot read ${file} as JSON (${(err as Error).message})`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`TESSERA_CONFIG_FILE: ${file} must hold a JSON object of setting names to values`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** Parses settings; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const raw: Record<string, string | undefined> = { ...readConfigFile(env) };
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = overrides[key] ?? env[key];
    if (v !== undefined && v !== "") raw[key] = v;
  }
  const result = EnvSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = result.data;
  if ((e.TESSERA_ADMIN_EMAIL === undefined) !== (e.TESSERA_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("Invalid configuration:\n  TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD must be set together");
  }
  if (e.TESSERA_MAIL_INFLIGHT_BYTES !== undefined && e.TESSERA_MAIL_INFLIGHT_BYTES < e.TESSERA_MAIL_MAX_BYTES) {
    throw new ConfigError(
      `Invalid configuration:\n  TESSERA_MAIL_INFLIGHT_BYTES must be at least TESSERA_MAIL_MAX_BYTES (${e.TESSERA_MAIL_MAX_BYTES}), or a message of the largest size could never be taken in`,
    );
  }
  if (e.TESSERA_UPLOAD_INFLIGHT_BYTES !== undefined && e.TESSERA_UPLOAD_INFLIGHT_BYTES < e.TESSERA_ATTACHMENT_MAX_BYTES) {
    throw new ConfigError(
      `Invalid configuration:\n  TESSERA_UPLOAD_INFLIGHT_BYTES must be at least TESSERA_ATTACHMENT_MAX_BYTES (${e.TESSERA_ATTACHMENT_MAX_BYTES}), or a file of the largest size could never be uploaded`,
    );
  }
  const dataDir = path.resolve(e.TESSERA_DATA_DIR);
  const shownHost = e.HOST === "0.0.0.0" || e.HOST === "::" ? "localhost" : e.HOST;
  const publicUrl = (e.TESSERA_PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, "");
  const httpsPublicUrl = publicUrl.startsWith("https://");
  if (httpsPublicUrl && e.TESSERA_COOKIE_SECURE === false) {
    throw new ConfigError("Invalid configuration:\n  TESSERA_COOKIE_SECURE: cannot be false when TESSERA_PUBLIC_URL is https:// (browsers are sent a Secure cookie there); remove it");
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    sqlitePath: path.join(dataDir, "tessera.db"),
    attachmentsDir: path.join(dataDir, "attachments"),
    publicUrl,
    admin: e.TESSERA_ADMIN_EMAIL ? { email: e.TESSERA_ADMIN_EMAIL.toLowerCase(), password: e.TESSERA_ADMIN_PASSWORD!, name: e.TESSERA_ADMIN_NAME } : undefined,
    session: {
      idleMs: e.TESSERA_SESSION_IDLE_MINUTES * 60_000,
      maxMs: e.TESSERA_SESSION_MAX_HOURS * 3_600_000,
      cookieSecure: httpsPublicUrl || e.TESSERA_COOKIE_SECURE === true,
    },
    bodyLimitBytes: e.TESSERA_BODY_LIMIT_BYTES,
    attachmentMaxBytes: e.TESSERA_ATTACHMENT_MAX_BYTES,
    uploadInflightBytes: e.TESSERA_UPLOAD_INFLIGHT_BYTES ?? 4 * e.TESSERA_ATTACHMENT_MAX_BYTES,
    trustedProxies: e.TESSERA_TRUSTED_PROXIES,
    dbPoolSize: e.TESSERA_DB_POOL_SIZE,
    pgPrepare: e.TESSERA_PG_PREPARE === "on",
    logLevel: e.LOG_LEVEL,
    metricsToken: e.TESSERA_METRICS_TOKEN,
    slaSweepSeconds: e.TESSERA_SLA_SWEEP_SECONDS,
    alertRepeatFlushMs: e.TESSERA_ALERT_REPEAT_FLUSH_SECONDS * 1000,
    mailOut: mailOutConfig(e, publicUrl),
    outboundAllow: e.TESSERA_OUTBOUND_ALLOW,
    outboundConnectTimeoutMs: e.TESSERA_OUTBOUND_CONNECT_TIMEOUT_SECONDS * 1000,
    mail: {
      smtpPort: e.TESSERA_SMTP_LISTEN_PORT,
      smtpHost: e.TESSERA_SMTP_LISTEN_HOST,
      maxBytes: e.TESSERA_MAIL_MAX_BYTES,
      inflightBytes: e.TESSERA_MAIL_INFLIGHT_BYTES ?? 2 * e.TESSERA_MAIL_MAX_BYTES,
      parseTimeoutMs: e.TESSERA_MAIL_PARSE_TIMEOUT_MS,
      parsers: e.TESSERA_MAIL_PARSERS,
      imapPollMs: e.TESSERA_IMAP_POLL_SECONDS * 1000,
      loopLimitPerHour: e.TESSERA_MAIL_LOOP_LIMIT,
      trustedAuthservIds: (e.TESSERA_MAIL_TRUSTED_AUTHSERV_IDS ?? "")
        .split(",")
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    },
  });
}
