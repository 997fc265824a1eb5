/** `tessera seed`: the small demo desk (--demo) or a desk at scale (--tickets N), with their options checked. */
import type { AppContext } from "../../context.ts";
import { seedDemo } from "../demo.ts";
import { SeedRefused, seedAtScale } from "./run.ts";

export interface SeedCommandOptions {
  demo?: boolean;
  tickets?: string;
  commentsPerTicket: string;
  append?: boolean;
  seed: string;
}

function count(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new SeedRefused(`${option} takes a whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}; got "${value}".`);
  return n;
}

export async function runSeedCommand(ctx: AppContext, o: SeedCommandOptions): Promise<void> {
  try {
    if (o.demo) {
      console.log(await seedDemo(ctx, { tickets: o.tickets === undefined ? 300 : count(o.tickets, "--tickets", 1, 100_000) }));
      return;
    }
    if (o.tickets === undefined) throw new SeedRefused("Say how many tickets: tessera seed --tickets 100000 (or tessera seed --demo for a small demo desk).");
    const summary = await seedAtScale(ctx, {
      tickets: count(o.tickets, "--tickets", 1, 50_000_000),
      commentsPerTicket: count(o.commentsPerTicket, "--comments-per-ticket", 0, 50),
      append: !!o.append,
      seed: count(o.seed, "--seed", 0, 2 ** 31 - 1),
      progress: process.stderr,
    });
    console.log(summary);
  } catch (err) {
    if (!(err instanceof SeedRefused)) throw err;
    console.error(`Error: ${err.message}`);
    process.exitCode = 2;
  }
}
