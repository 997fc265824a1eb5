/**
 * The inbound SMTP listener (smtp-server, the maintained server half of Nodemailer). It answers
 * 250 only once ingestMessage has committed the message; while the database is unavailable it
 * answers 4xx so the sending server keeps the message and retries; what can be refused while
 * the sender is still connected (unknown recipient, over the size cap, no From, a sender not
 * allowed) gets a 5xx, so the sender hears of it from its own server.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { AddressInfo } from "node:net";
import type { AppContext } from "../../context.ts";
import { ingestMessage } from "./ingest.ts";
import { mailboxFor } from "./mailboxes.ts";
import type { FailedReason } from "./tables.ts";

type SmtpError = Error & { responseCode?: number };
const smtpError = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

const REFUSAL: Record<FailedReason, number> = {
  too_large: 552,
  no_from: 550,
  unknown_charset: 554,
  sender_not_allowed: 550,
  unparseable: 554,
  quarantined: 554,
};

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** Reads the DATA stream, keeping at most `max` bytes (the rest is drained, and the message refused). */
function collect(stream: SMTPServerDataStream, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    stream.once("error", reject);
    stream.once("end", () => resolve(size > max || stream.sizeExceeded ? undefined : Buffer.concat(chunks)));
  });
}

export async function startSmtpListener(ctx: AppContext, where: { port: number; host: string }): Promise<SmtpListener> {
  const max = ctx.config.mail.maxBytes;
  const server = new SMTPServer({
    name: new URL(ctx.config.publicUrl).hostname,
    banner: "Tessera service desk",
    logger: false,
    // Mail arrives from the internet or from the local MTA: no login to offer, and TLS, where
    // wanted, is terminated by the MTA or proxy in front.
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: max,
    maxClients: 200,
    // The client's host name is not trusted for anything; no DNS round trip per connection.
    disableReverseLookup: true,
    onRcptTo(address, _session, callback) {
      mailboxFor(ctx, [address.address])
        .then((mailbox) => callback(mailbox ? undefined : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)))
        .catch((err) => {
          ctx.log.error({ err }, "SMTP recipient check failed");
          callback(smtpError(451, "4.3.0 Temporary failure, please try again later"));
        });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      (async () => {
        const raw = await collect(stream, max);
        if (!raw) throw smtpError(552, `5.3.4 Message too big for this system (limit ${max} bytes)`);
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const result = await ingestMessage(ctx, raw, { kind: "smtp", recipients }, { refuse: true });
        if (result.outcome === "refused") throw smtpError(REFUSAL[result.reason], `5.7.1 ${result.message}`);
        return result.outcome === "failed" ? `Kept for review (${result.reason})` : `Taken in (${result.outcome})`;
      })().then(
        (message) => callback(null, message),
        (err: SmtpError) => {
          if (err.responseCode) return callback(err);
          ctx.log.error({ err }, "SMTP message could not be stored");
          callback(smtpError(451, "4.3.0 Temporary failure storing the message, please try again later"));
        },
      );
    },
  });
  server.on("error", (err) => ctx.log.warn({ err }, "SMTP listener error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  ctx.log.info({ port, host: where.host }, "SMTP listener ready");
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
