import type { AppContext } from "../../context.ts";
import { closeParser, parserFor } from "./ingest.ts";
import { startImapPolling } from "./imap-poller.ts";
import { startSmtpListener } from "./smtp-listener.ts";

/** Starts the configured ways mail comes in (SMTP listener, IMAP mailboxes); resolves to a stopper. */
export async function startMailIntake(ctx: AppContext): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  parserFor(ctx).warm();
  try {
    if (ctx.config.mail.smtpPort) {
      const smtp = await startSmtpListener(ctx, { port: ctx.config.mail.smtpPort, host: ctx.config.mail.smtpHost });
      stops.push(smtp.close);
    }
    const imap = startImapPolling(ctx);
    stops.push(imap.stop);
  } catch (err) {
    await Promise.allSettled(stops.map((s) => s()));
    throw err;
  }
  return async () => {
    await Promise.allSettled(stops.reverse().map((s) => s()));
    await closeParser(ctx);
  };
}
