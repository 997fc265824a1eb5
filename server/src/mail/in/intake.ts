import type { AppContext } from "../../context.ts";
import { closeParser, parserFor } from "./ingest.ts";
import { startSmtpListener } from "./smtp-listener.ts";

/**
 * Starts the SMTP listener (when configured) and warms the MIME parser; resolves to a stopper.
 * IMAP polling is a periodic tick (ImapPolling.tick in imap-poller.ts), started in workers.ts.
 */
export async function startMailIntake(ctx: AppContext): Promise<() => Promise<void>> {
  parserFor(ctx).warm();
  const smtp = ctx.config.mail.smtpPort ? await startSmtpListener(ctx, { port: ctx.config.mail.smtpPort, host: ctx.config.mail.smtpHost }) : undefined;
  return async () => {
    await smtp?.close().catch((err: unknown) => ctx.log.warn({ err }, "closing the SMTP listener failed"));
    await closeParser(ctx);
  };
}
