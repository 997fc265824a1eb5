/**
 * The background work a running Tessera does beside answering HTTP: the SLA sweep, taking in
 * mail, delivering the outbox. Each starter resolves to a function that stops it cleanly.
 */
import type { AppContext } from "./context.ts";
import { startSlaSweeper } from "./sla/sweeper.ts";
import { startMailIntake } from "./mail/in/intake.ts";
import { startOutbox } from "./mail/out/outbox.ts";
import { startSnoozeSweeper } from "./tickets/snooze.ts";

export async function startWorkers(ctx: AppContext): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  try {
    stops.push(await startSlaSweeper(ctx));
    stops.push(await startMailIntake(ctx));
    stops.push(await startOutbox(ctx));
    stops.push(await startSnoozeSweeper(ctx));
  } catch (err) {
    await Promise.allSettled(stops.map((s) => s()));
    throw err;
  }
  return async () => {
    await Promise.allSettled(stops.reverse().map((s) => s()));
  };
}
