import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";
import { closeParser, parserFor } from "../src/mail/in/ingest.ts";
import { startSmtpListener, type SmtpListener } from "../src/mail/in/smtp-listener.ts";

const MiB = 1024 * 1024;

/** A bare SMTP session on a socket, so a test can stop half-way through a message's DATA. */
class RawSmtp {
  private buffer = "";
  private readonly replies: string[] = [];
  private readonly waiting: Array<(reply: string) => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (let m = /^\d{3} .*\r\n/m.exec(this.buffer); m; m = /^\d{3} .*\r\n/m.exec(this.buffer)) {
        this.replies.push(this.buffer.slice(0, m.index + m[0].length).trim());
        this.buffer = this.buffer.slice(m.index + m[0].length);
      }
      while (this.replies.length && this.waiting.length) this.waiting.shift()!(this.replies.shift()!);
    });
  }

  static async open(port: number) {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const c = new RawSmtp(socket);
    await c.reply();
    expect(await c.command("EHLO client.example")).toMatch(/^250/);
    return c;
  }

  reply(): Promise<string> {
    if (this.replies.length) return Promise.resolve(this.replies.shift()!);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  command(line: string) {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** MAIL, RCPT and DATA; resolves with DATA's reply (354 when the body may follow). */
  async start(from: string, to: string) {
    expect(await this.command(`MAIL FROM:<${from}>`)).toMatch(/^250/);
    expect(await this.command(`RCPT TO:<${to}>`)).toMatch(/^250/);
    return this.command("DATA");
  }

  /** Writes part of a message body (no dot-stuffing needed for what the tests send). */
  write(text: string) {
    return new Promise<void>((resolve) => this.socket.write(text, "latin1", () => resolve()));
  }

  /** Ends the DATA and resolves with the final answer to the message. */
  finish() {
    this.socket.write("\r\n.\r\n");
    return this.reply();
  }

  /** Sends a whole message; resolves with the final answer. */
  async send(from: string, to: string, raw: string) {
    expect(await this.start(from, to)).toMatch(/^354/);
    await this.write(raw);
    return this.finish();
  }

  close() {
    this.socket.end("QUIT\r\n");
  }
}

/** A message with one attachment of `bytes` (base64, 76-character lines). */
function withAttachment(subject: string, bytes: Buffer) {
  return [
    "From: Ravi <ravi@contoso.example>",
    "To: help@desk.test",
    `Subject: ${subject}`,
    `Message-ID: <${randomBytes(6).toString("hex")}@contoso.example>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "The file is attached.",
    "--b",
    'Content-Type: application/octet-stream; name="dump.bin"',
    'Content-Disposition: attachment; filename="dump.bin"',
    "Content-Transfer-Encoding: base64",
    "",
    bytes.toString("base64").replace(/.{76}/g, "$&\r\n"),
    "--b--",
  ].join("\r\n");
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Large mail over SMTP: streamed to disk, with the bytes in flight bounded. */
describe.each(dialects)("SMTP listener under large mail on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;
  let smtp: SmtpListener;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_MAIL_MAX_BYTES: String(32 * MiB), TESSERA_MAIL_INFLIGHT_BYTES: String(32 * MiB) });
    const admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    expect((await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help", team_id: teamId })).status).toBe(201);
    smtp = await startSmtpListener(desk.ctx, { port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await smtp?.close();
    await closeParser(desk.ctx);
    await desk.close();
  });

  it("answers 451 while the mail in flight fills the budget, and takes the message once it is free again", async () => {
    const first = await RawSmtp.open(smtp.port);
    expect(await first.start("ravi@contoso.example", "help@desk.test")).toMatch(/^354/);
    const firstRaw = withAttachment("First large message", randomBytes(15 * MiB));
    // Two thirds of the first message (about 14 of its 21 MiB) arrive and wait there.
    const cut = Math.floor((firstRaw.length * 2) / 3);
    await first.write(firstRaw.slice(0, cut));
    // (The listener holds back the last few bytes it has, in case they start the end of DATA.)
    await vi.waitFor(() => expect(smtp.bytesInFlight()).toBeGreaterThanOrEqual(cut - 1024), { timeout: 60_000, interval: 50 });

    // A sender that declares its size hears at once; one that does not, once it has sent it all.
    const second = await RawSmtp.open(smtp.port);
    expect(await second.command(`MAIL FROM:<ravi@contoso.example> SIZE=${20 * MiB}`)).toMatch(/^451 /);
    await second.command("RSET");
    const secondRaw = withAttachment("Second large message", randomBytes(14 * MiB));
    expect(await second.send("ravi@contoso.example", "help@desk.test", secondRaw)).toMatch(/^451 /);

    await first.write(firstRaw.slice(cut));
    expect(await first.finish()).toMatch(/^250 /);
    expect(smtp.bytesInFlight()).toBe(0);
    // The sender retries, as mail servers do after a 4xx: now it is taken in.
    expect(await second.send("ravi@contoso.example", "help@desk.test", secondRaw)).toMatch(/^250 /);
    first.close();
    second.close();

    const subjects = (await agent.get("/api/tickets?q=large")).body.items.map((t: any) => t.subject);
    expect(subjects.sort()).toEqual(["First large message", "Second large message"]);
  });

  it("a 20 MiB attachment arrives intact on its ticket, and nothing is left in the temp folder", async () => {
    const file = randomBytes(20 * MiB);
    const client = await RawSmtp.open(smtp.port);
    expect(await client.send("ravi@contoso.example", "help@desk.test", withAttachment("Crash dump attached", file))).toMatch(/^250 /);
    client.close();

    const [ticket] = (await agent.get("/api/tickets?q=dump")).body.items;
    const full = (await agent.get(`/api/tickets/${ticket.id}`)).body;
    expect(full.attachments.map((a: any) => [a.filename, a.size])).toEqual([["dump.bin", file.length]]);
    const download = await desk.app.inject({ method: "GET", url: full.attachments[0].url, headers: { authorization: `Bearer ${agent.auth.token}` } });
    expect(download.statusCode).toBe(200);
    expect(sha256(download.rawPayload)).toBe(sha256(file));
    // The spooled message and the parser's copy of the file are gone: only stored files remain.
    expect(readdirSync(path.join(desk.dataDir, "attachments", "tmp"))).toEqual([]);
  });

  it("reads a body's text up to 2 MiB, ending it with a pointer to the original", async () => {
    const rows = '<tr><td style="color:#a00">step finished</td></tr>\r\n'.repeat(100_000); // about 5 MiB
    const raw = Buffer.from(`From: ravi@contoso.example\r\nTo: help@desk.test\r\nSubject: Report\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<table>${rows}</table>\r\n`);
    const mail = await parserFor(desk.ctx).parse(raw);
    expect(mail.html.length).toBeLessThan(2.1 * MiB);
    expect(mail.html).toMatch(/><p><em>\(The message is longer than shown here; download the original for the rest\.\)<\/em><\/p>$/);
    // A short body is read whole, with no such note.
    const short = await parserFor(desk.ctx).parse(Buffer.from("From: ravi@contoso.example\r\nSubject: Hi\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>\r\n"));
    expect(short.html).toBe("<p>Hello</p>\n");
  });
});
