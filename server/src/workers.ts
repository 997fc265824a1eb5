/**
 * The background work a running Tessera does beside answering HTTP, all on one tick scheduler
 * (jobs/ticks.ts): the SLA sweep, snooze returns, delivering the outbox, IMAP polling and the
 * durable job queue, the hourly purge; plus the SMTP listener. Resolves to a function that stops it all, letting
 * running work finish first (within a bound).
 */
import type { AppContext } from "./context.ts";
import { slaSweepTick } from "./sla/sweeper.ts";
import { startMailIntake } from "./mail/in/intake.ts";
import { ImapPolling } from "./mail/in/imap-poller.ts";
import { outboxTick } from "./mail/out/outbox.ts";
import { snoozeReturnTick } from "./tickets/snooze.ts";
import { createJobWorker } from "./jobs/queue.ts";
import { jobHandlers } from "./jobs/handlers.ts";
import { defineTick, startTicks } from "./jobs/ticks.ts";
import { purgeIdempotencyKeys } from "./http/idempotency.ts";
import { purgeThrottle } from "./auth/throttle.ts";
import { startReactions } from "./events/reactions.ts";

/** Expired idempotency keys and sign-in throttle rows go, hourly; deleting twice is harmless. */
const purgeTick = defineTick({
  name: "purge-expired",
  everyMs: 3_600_000,
  atStart: false,
  run: async (ctx) => {
    await purgeIdempotencyKeys(ctx).catch((err) => ctx.log.warn({ err }, "idempotency purge failed"));
    await purgeThrottle(ctx).catch((err) => ctx.log.warn({ err }, "sign-in throttle purge failed"));
  },
});

export async function startWorkers(ctx: AppContext): Promise<() => Promise<void>> {
  if (!ctx.config.mailOut.smtp) ctx.log.info("no mail server configured (TESSERA_SMTP_URL or TESSERA_SMTP_HOST): outgoing mail waits in the outbox");
  const stopIntake = await startMailIntake(ctx);
  const imap = new ImapPolling(ctx);
  const jobs = createJobWorker(ctx, jobHandlers);
  const scheduler = startTicks(ctx, [slaSweepTick, snoozeReturnTick, outboxTick, imap.tick, jobs.tick, purgeTick]);
  // After-commit reactions (events/reactions.ts) follow the event log with their own cursors.
  const stopReactions = startReactions(ctx);
  return async () => {
    await stopReactions();
    await scheduler.stop();
    await stopIntake();
  };
}
