/**
 * Prometheus gauges for mail, read when /metrics is scraped: outgoing messages waiting, being
 * sent and failed (the Outgoing mail page), and inbound messages that could not be taken in and
 * wait for an admin (the Failed mail page). Counted with the indexes the pages use.
 */
import client from "prom-client";
import type { AppContext } from "../context.ts";

const OUTBOX_STATES = ["queued", "sending", "failed"] as const;

export function registerMailMetrics(registry: client.Registry, ctx: Pick<AppContext, "db">) {
  new client.Gauge({
    name: "tessera_mail_outbox",
    help: "Outgoing messages by state: queued (waiting for their time or for the relay), sending, failed (an admin can retry them)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await ctx.db
        .selectFrom("mail_outbox")
        .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
        .where("state", "in", [...OUTBOX_STATES])
        .groupBy("state")
        .execute();
      this.reset();
      for (const state of OUTBOX_STATES) this.set({ state }, Number(rows.find((r) => r.state === state)?.n ?? 0));
    },
  });
  new client.Gauge({
    name: "tessera_mail_failed_open",
    help: "Inbound messages that could not be taken in and wait for an admin on the Failed mail page",
    registers: [registry],
    async collect() {
      const row = await ctx.db
        .selectFrom("mail_failed")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "open")
        .executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });
}
