/**
 * Handing messages to the mail server. nodemailer is the well-kept SMTP client for Node
 * (STARTTLS, auth, pooling, correct MIME and header encoding); this module only turns the
 * configuration into its options, an outbox row into its message, and its errors into what
 * the outbox should do next.
 */
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type { MailOutConfig } from "../../config.ts";
import { blobPath } from "../../attachments/storage.ts";
import type { MailOutboxTable } from "./tables.ts";
import { foldHeader } from "./render.ts";
import { couldNotConnect, resolveOutbound, type OutboundAllowList } from "../../outbound/guard.ts";

interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

function smtpOptions(cfg: MailOutConfig): SmtpOptions | undefined {
  const smtp = cfg.smtp;
  if (!smtp) return undefined;
  if ("url" in smtp) {
    const u = new URL(smtp.url);
    const secure = u.protocol === "smtps:";
    return {
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
    };
  }
  return { host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.user, password: smtp.password };
}

/** host:port of the configured mail server, for admins (never the password); null when none is. */
export function smtpServerOf(cfg: MailOutConfig): string | null {
  const o = smtpOptions(cfg);
  return o ? `${o.host}:${o.port}` : null;
}

/** What a delivery pass sends through: sendMail and close, as nodemailer's transporter has them. */
export type MailTransport = Pick<Transporter, "sendMail" | "close">;

/**
 * A pooled SMTP connection for one delivery pass; undefined when no mail server is configured.
 * The server's name is resolved and checked by the outbound guard first (throwing
 * OutboundRefused when it is not allowed), and every connection of the pass goes to the
 * address that was checked, with the name kept for STARTTLS/TLS certificate checks.
 */
export async function openTransport(cfg: MailOutConfig, allow: OutboundAllowList, connectTimeoutMs = 10_000): Promise<MailTransport | undefined> {
  const o = smtpOptions(cfg);
  if (!o) return undefined;
  const target = await resolveOutbound(allow, o.host);
  const transporter = nodemailer.createTransport({
    host: target.address,
    servername: target.servername,
    port: o.port,
    secure: o.secure,
    auth: o.user ? { user: o.user, pass: o.password } : undefined,
    pool: true,
    maxConnections: 4,
    // A mail server that hangs must not hold a claimed row past its lease (outbox.ts).
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: 60_000,
  });
  const server = `${o.host}:${o.port}`;
  return {
    sendMail: (message: Mail.Options) =>
      transporter.sendMail(message).catch((err: { code?: string; responseCode?: number; command?: string }) => {
        // Refused, unreachable and timed out read the same to an admin: no map of open ports.
        if (err.responseCode === undefined && err.command === "CONN" && CONNECT_CODES.includes(err.code ?? "")) {
          throw Object.assign(new Error(couldNotConnect(o.host, o.port)), { code: "ECONNECTION", cause: err, server });
        }
        throw err;
      }),
    close: () => transporter.close(),
  } as MailTransport;
}

const CONNECT_CODES = ["ECONNECTION", "ETIMEDOUT", "ESOCKET", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"];

export interface FileToAttach {
  filename: string;
  content_type: string;
  sha256: string;
}

type ComposedRow = Pick<
  MailOutboxTable,
  "to_address" | "to_name" | "from_name" | "subject" | "text_body" | "html_body" | "message_id" | "in_reply_to" | "thread_references" | "auto_submitted" | "created_at"
>;

/** The message nodemailer sends for a composed row. Names and subject pass through foldHeader. */
export function messageOf(cfg: MailOutConfig, attachmentsDir: string, row: ComposedRow, files: FileToAttach[]): Mail.Options {
  const headers: Record<string, string> = {};
  if (row.auto_submitted !== "no") {
    headers["Auto-Submitted"] = row.auto_submitted;
    // Exchange and Outlook: no out-of-office or other automatic answers to this message.
    headers["X-Auto-Response-Suppress"] = "All";
  }
  return {
    from: { name: foldHeader(row.from_name ?? cfg.from.name, 120), address: cfg.from.address },
    to: { name: foldHeader(row.to_name, 120), address: row.to_address },
    subject: foldHeader(row.subject ?? "", 998),
    text: row.text_body ?? "",
    html: row.html_body ?? undefined,
    messageId: row.message_id ?? undefined,
    inReplyTo: row.in_reply_to ?? undefined,
    references: row.thread_references ? row.thread_references.split(" ") : undefined,
    date: new Date(row.created_at),
    headers,
    attachments: files.map((f) => ({ filename: foldHeader(f.filename, 200), contentType: f.content_type, path: blobPath(attachmentsDir, f.sha256) })),
    disableFileAccess: false,
    disableUrlAccess: true,
  };
}

export type FailureKind = "server" | "transient" | "permanent";

/**
 * What a failed send means. `server`: the mail server could not be reached or refused us as a
 * whole (down, timeout, TLS, sign-in): the message waits without using up an attempt.
 * `transient`: a 4xx answer to this message: retried with backoff. `permanent`: a 5xx answer
 * to this message: it fails at once and an admin sees it.
 */
export function classifyFailure(err: unknown): { kind: FailureKind; message: string } {
  const e = err as { code?: string; responseCode?: number; command?: string; response?: string; message?: string };
  const message = foldHeader(e.response || e.message || String(err), 500);
  const serverCodes = ["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "EAUTH", "ETLS", "ECONNREFUSED", "ECONNRESET", "EPROTOCOL", "EOUTBOUND"];
  const serverCommand = !e.command || /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH)/i.test(e.command);
  if (e.responseCode === undefined) return { kind: e.code && serverCodes.includes(e.code) ? "server" : e.code === "EENVELOPE" ? "permanent" : "transient", message };
  if (serverCommand) return { kind: "server", message };
  return { kind: e.responseCode >= 500 ? "permanent" : "transient", message };
}
