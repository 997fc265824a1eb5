/**
 * A real SMTP server on loopback (smtp-server) that records every message it accepts, for
 * asserting on what the outbox sends. It can be told to answer the next messages with a 4xx
 * (try later) or a 5xx (refused), and stopped and started again on the same port.
 */
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

export interface CaughtMail {
  envelope: { from: string; to: string[] };
  /** The message exactly as received. */
  raw: string;
  parsed: ParsedMail;
  /** Header lines of the raw message, unfolded, as [name lower-case, value]. */
  headerLines: Array<[string, string]>;
}

function headerLinesOf(raw: string): Array<[string, string]> {
  const head = raw.split(/\r?\n\r?\n/)[0];
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  return unfolded.split(/\r?\n/).map((line) => {
    const i = line.indexOf(":");
    return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()] as [string, string];
  });
}

export class SmtpCatcher {
  readonly messages: CaughtMail[] = [];
  /** How many of the next messages get "451 try again later". */
  tempFailNext = 0;
  /** How many of the next messages get "550 refused". */
  rejectNext = 0;
  /** How many of the next messages get no answer at all after their data: the sender waits (until it dies). */
  holdNext = 0;
  /** Messages received and left unanswered by holdNext (never counted as accepted). */
  held = 0;
  private server: SMTPServer | undefined;
  private waiters: Array<() => void> = [];
  port = 0;

  static async start(port = 0): Promise<SmtpCatcher> {
    const c = new SmtpCatcher();
    await c.listen(port);
    return c;
  }

  async listen(port = this.port): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: no certificate to trust.
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          if (this.tempFailNext > 0) {
            this.tempFailNext--;
            return callback(Object.assign(new Error("Greylisted, try again later"), { responseCode: 451 }));
          }
          if (this.holdNext > 0) {
            this.holdNext--;
            this.held++;
            for (const w of this.waiters.splice(0)) w();
            return;
          }
          if (this.rejectNext > 0) {
            this.rejectNext--;
            return callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
          }
          const raw = Buffer.concat(chunks).toString("utf8");
          const parsed = await simpleParser(raw);
          this.messages.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
            headerLines: headerLinesOf(raw),
          });
          for (const w of this.waiters.splice(0)) w();
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    server.on("error", () => {});
    this.server = server;
    this.port = (server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Messages sent to this address. */
  to(address: string): CaughtMail[] {
    return this.messages.filter((m) => m.envelope.to.includes(address.toLowerCase()));
  }

  /** Resolves once `count` messages have arrived in all (rejects after `timeoutMs`). */
  async waitForCount(count: number, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(
      () => this.messages.length >= count,
      () => `expected ${count} messages, got ${this.messages.length}`,
      timeoutMs,
    );
  }

  /** Resolves once a message is being held unanswered (see holdNext). */
  async waitForHeld(timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(
      () => this.held > 0,
      () => "no message arrived to hold",
      timeoutMs,
    );
  }

  private async waitUntil(done: () => boolean, failure: () => string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(failure());
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
