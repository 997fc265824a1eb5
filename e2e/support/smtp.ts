/**
 * Sends one raw message to Tessera's SMTP listener the way a mail server would (EHLO, MAIL FROM,
 * RCPT TO, DATA), and returns the final reply, e.g. "250 Stored". A 4xx/5xx answer to any step
 * is returned as it is, for the test to judge.
 */
import { connect } from "node:net";

export async function sendMail(port: number, raw: string, envelope: { from: string; to: string }): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let buffer = "";
  const waiting: Array<(reply: string) => void> = [];
  const replies: string[] = [];
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    // A reply is complete at a line whose code is followed by a space (not "250-").
    for (let m = /^(\d{3}) .*\r?\n/m.exec(buffer); m; m = /^(\d{3}) .*\r?\n/m.exec(buffer)) {
      const end = m.index + m[0].length;
      replies.push(buffer.slice(0, end).trim());
      buffer = buffer.slice(end);
    }
    while (replies.length && waiting.length) waiting.shift()!(replies.shift()!);
  });
  const failed = new Promise<never>((_, reject) => socket.once("error", reject));
  const next = () => Promise.race([new Promise<string>((resolve) => (replies.length ? resolve(replies.shift()!) : waiting.push(resolve))), failed]);
  const say = async (line: string) => {
    socket.write(`${line}\r\n`);
    return next();
  };
  try {
    const steps: Array<() => Promise<string>> = [
      next,
      () => say("EHLO e2e.test"),
      () => say(`MAIL FROM:<${envelope.from}>`),
      () => say(`RCPT TO:<${envelope.to}>`),
      () => say("DATA"),
    ];
    for (const step of steps) {
      const reply = await step();
      if (!/^[23]/.test(reply)) return reply;
    }
    const body = raw.replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..");
    socket.write(`${body}${body.endsWith("\r\n") ? "" : "\r\n"}.\r\n`);
    const final = await next();
    socket.write("QUIT\r\n");
    return final;
  } finally {
    socket.end();
  }
}
