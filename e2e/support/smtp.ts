/**
 * Sends one raw message to Tessera's SMTP listener the way a mail server would (EHLO, MAIL FROM,
 * RCPT TO, DATA), and returns the final reply, e.g. "250 Stored". A 4xx/5xx answer to any step
 * is returned as it is, for the test to judge. The client is the mail benchmark's.
 */
import { SmtpConnection } from "../../bench/smtp-client.ts";

export async function sendMail(port: number, raw: string, envelope: { from: string; to: string }): Promise<string> {
  const connection = await SmtpConnection.open(port);
  try {
    return await connection.send(envelope.from, envelope.to, raw);
  } finally {
    await connection.close();
  }
}
