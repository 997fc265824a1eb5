/** Test support for inbound mail: the fixture corpus, a real SMTP client, and our own Message-IDs. */
import { readFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type { AppContext } from "../../src/context.ts";
import { makeMessageId } from "../../src/mail/message-id.ts";

const DIR = path.join(import.meta.dirname, "../fixtures/mail");

/** A corpus message with its {{PLACEHOLDERS}} filled in, with CRLF line ends as on the wire. */
export function fixture(name: string, vars: Record<string, string> = {}): Buffer {
  const raw = readFileSync(path.join(DIR, name)).toString("latin1");
  const filled = raw.replace(/\{\{([A-Z_]+)\}\}/g, (_, k: string) => vars[k] ?? "");
  return Buffer.from(filled.replace(/\r?\n/g, "\r\n"), "latin1");
}

/** A plain message built in the test. */
export function message(h: { from?: string; to?: string; cc?: string; subject?: string; messageId?: string; inReplyTo?: string; references?: string; headers?: string[]; body?: string }): Buffer {
  const lines = [
    ...(h.from !== undefined ? [`From: ${h.from}`] : []),
    `To: ${h.to ?? "help@desk.test"}`,
    ...(h.cc ? [`Cc: ${h.cc}`] : []),
    `Subject: ${h.subject ?? "A question"}`,
    "Date: Wed, 25 Nov 2026 10:00:00 +0000",
    ...(h.messageId ? [`Message-ID: ${h.messageId}`] : []),
    ...(h.inReplyTo ? [`In-Reply-To: ${h.inReplyTo}`] : []),
    ...(h.references ? [`References: ${h.references}`] : []),
    ...(h.headers ?? []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    h.body ?? "Hello, something is broken.",
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "utf8");
}

/**
 * What the outbound mailer does for every mail it sends: a signed Message-ID for one recipient,
 * registered as direction "out". Returned with angle brackets.
 */
export async function sentNotification(ctx: AppContext, ticketId: number, recipientUserId: number): Promise<string> {
  const id = makeMessageId(ctx.secret, "desk.test", { ticketId, recipientUserId });
  await ctx.db.insertInto("mail_thread_ids").values({ message_id: id, ticket_id: ticketId, comment_id: null, direction: "out", created_at: ctx.clock.now().toISOString() }).execute();
  return id;
}

/** Sends a raw message over SMTP with a real client (Nodemailer); resolves with the server's answer or rejects with its error. */
export async function sendSmtp(port: number, raw: Buffer, envelope: { from: string; to: string[] }) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, socketTimeout: 60_000 });
  try {
    return await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}
