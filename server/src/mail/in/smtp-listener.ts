/**
 * The inbound SMTP listener (smtp-server, the maintained server half of Nodemailer). It answers
 * 250 only once ingestMessage has committed the message; while the database is unavailable it
 * answers 4xx so the sending server keeps the message and retries; what can be refused while
 * the sender is still connected (unknown recipient, over the size cap, no From, a sender not
 * allowed) gets a 5xx, so the sender hears of it from its own server.
 *
 * Nobody needs to sign in to send mail here, so a burst of large messages must not take the
 * process's memory: a message over 256 KiB is spooled to disk as it arrives (hashed on the way)
 * and parsed from there, attachments streaming to disk too, and the bytes of all the messages being
 * received and taken in at once are counted against TESSERA_MAIL_INFLIGHT_BYTES. A message that
 * does not fit gets 451 and its sender retries it later, as senders do with a 4xx.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { AddressInfo } from "node:net";
import { ByteBudget, type Reservation } from "../../byte-budget.ts";
import type { AppContext } from "../../context.ts";
import { ingestMessage } from "./ingest.ts";
import { mailboxFor } from "./mailboxes.ts";
import { Spool } from "./spool.ts";
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
  /** Bytes of the messages being received and taken in right now (counted against the budget). */
  bytesInFlight(): number;
  close(): Promise<void>;
}

const busy = () => smtpError(451, "4.3.1 Too much mail arriving at once, please try again later");

/**
 * Reads the DATA stream into a spool file, reserving each chunk's bytes in the budget first. A
 * message over `max`, or one whose bytes no longer fit the budget, is drained to its end without
 * being kept (the sender is answered once it has sent it all).
 */
async function receive(ctx: AppContext, stream: SMTPServerDataStream, spool: Spool, held: Reservation, max: number) {
  let size = 0;
  // Iterating waits for each write, so a disk slower than the network pauses the socket.
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (held.deferred || size > max || !held.grow(chunk.length)) continue;
    await spool.write(chunk);
  }
  held.received();
  if (size > max || stream.sizeExceeded) return { error: smtpError(552, `5.3.4 Message too big for this system (limit ${max} bytes)`) };
  if (held.deferred) {
    ctx.log.warn({ event: "smtp_deferred", size }, "SMTP message deferred: too many bytes of mail in flight");
    return { error: busy() };
  }
  return { raw: await spool.finish() };
}

export async function startSmtpListener(ctx: AppContext, where: { port: number; host: string }): Promise<SmtpListener> {
  const max = ctx.config.mail.maxBytes;
  const budget = new ByteBudget(ctx.config.mail.inflightBytes);
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
    // A sender that declares its message's size (SIZE=, RFC 1870) hears at once that it does not fit.
    onMailFrom(address, _session, callback) {
      const declared = Number((address.args && address.args.SIZE) || 0);
      callback(budget.inUse >= budget.limit || budget.inUse + declared > budget.limit ? busy() : undefined);
    },
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
        const spool = new Spool(ctx.config.attachmentsDir);
        // Its bytes count until the answer: parsing and storing is where memory goes.
        const held = budget.start();
        try {
          const got = await receive(ctx, stream, spool, held, max);
          if (got.error) throw got.error;
          const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const result = await ingestMessage(ctx, got.raw, { kind: "smtp", recipients }, { refuse: true });
          if (result.outcome === "refused") throw smtpError(REFUSAL[result.reason], `5.7.1 ${result.message}`);
          return result.outcome === "failed" ? `Kept for review (${result.reason})` : `Taken in (${result.outcome})`;
        } finally {
          held.release();
          await spool.discard();
        }
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
  return { port, bytesInFlight: () => budget.inUse, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
