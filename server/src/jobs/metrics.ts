/**
 * Prometheus gauges for background work, read when /metrics is scraped: each tick's runs,
 * skips (another node held it) and failures of this instance, and the jobs waiting and dead.
 */
import client from "prom-client";
import type { AppContext } from "../context.ts";
import { tickStatsOf } from "./ticks.ts";

export function registerJobMetrics(registry: client.Registry, ctx: Pick<AppContext, "db" | "background">) {
  const perTick = (name: string, help: string, field: "runs" | "skipped" | "failures") =>
    new client.Gauge({
      name,
      help,
      labelNames: ["tick"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [tick, s] of Object.entries(tickStatsOf(ctx))) this.set({ tick }, s[field]);
      },
    });
  perTick("tessera_tick_runs", "Periodic tick runs on this node since it started", "runs");
  perTick("tessera_tick_skipped", "Tick runs left to another node that held the tick", "skipped");
  perTick("tessera_tick_failures", "Tick runs that failed (logged) on this node since it started", "failures");
  new client.Gauge({
    name: "tessera_jobs",
    help: "Jobs in the durable queue by state: waiting (not done, not dead) or dead (in the dead-letter list)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await ctx.db
        .selectFrom("jobs")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.case().when("dead_at", "is not", null).then("dead").else("waiting").end().as("state")])
        .where("done_at", "is", null)
        .groupBy("state")
        .execute();
      this.reset();
      this.set({ state: "waiting" }, 0);
      this.set({ state: "dead" }, 0);
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
}
