/**
 * A lean SMTP client for the mail benchmark: one connection, messages sent one after another
 * with the envelope commands pipelined (RFC 2920, which Tessera's listener offers). It does no
 * more work per message than a mail server relaying to Tessera would, so the load generator
 * leaves the CPU to the server being measured. Replies are read in order; each message's last
 * reply ("250 ..." once stored) is what counts.
 */
import { connect, type Socket } from "node:net";

export class SmtpConnection {
  private buffer = "";
  private readonly waiting: Array<{ resolve: (reply: string) => void; reject: (err: Error) => void }> = [];
  private readonly replies: string[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.setNoDelay(true);
    socket.on("data", (chunk: string) => this.take(chunk));
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed")));
  }

  static async open(port: number, host = "127.0.0.1"): Promise<SmtpConnection> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const c = new SmtpConnection(socket);
    await c.expect(/^220 /, await c.reply());
    socket.write("EHLO bench.example\r\n");
    await c.expect(/^250/, await c.reply());
    return c;
  }

  /** Sends one message; resolves with the server's final reply to it (a 4xx/5xx is returned, not thrown). */
  async send(from: string, to: string, raw: string): Promise<string> {
    const body = raw.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..");
    this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    const replies = [await this.reply(), await this.reply(), await this.reply()];
    const refused = replies.find((r) => !/^[23]/.test(r));
    if (refused) {
      this.socket.write("RSET\r\n");
      await this.reply();
      return refused;
    }
    // UTF-8 on the wire, as an 8BITMIME / SMTPUTF8 relay sends a message written as a string.
    this.socket.write(`${body}${body.endsWith("\r\n") ? "" : "\r\n"}.\r\n`, "utf8");
    return this.reply();
  }

  async close() {
    this.socket.write("QUIT\r\n");
    await this.reply().catch(() => "");
    this.socket.destroy();
  }

  private take(chunk: string) {
    this.buffer += chunk;
    // A reply is complete at a line whose code is followed by a space ("250 ok", not "250-...").
    for (let m = /^\d{3} .*\r?\n/m.exec(this.buffer); m; m = /^\d{3} .*\r?\n/m.exec(this.buffer)) {
      const end = m.index + m[0].length;
      this.replies.push(this.buffer.slice(0, end).trim());
      this.buffer = this.buffer.slice(end);
    }
    while (this.replies.length && this.waiting.length) this.waiting.shift()!.resolve(this.replies.shift()!);
  }

  private reply(): Promise<string> {
    if (this.replies.length) return Promise.resolve(this.replies.shift()!);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async expect(pattern: RegExp, reply: string) {
    if (!pattern.test(reply)) throw new Error(`SMTP: unexpected reply ${reply}`);
  }
}
