/** Health, readiness and Prometheus metrics. */
import { sql } from "kysely";
import client from "prom-client";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { registerJobMetrics } from "../jobs/metrics.ts";
import { registerMailMetrics } from "./mail-metrics.ts";

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: "tessera_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const ticketsCreated = new client.Counter({ name: "tessera_tickets_created_total", help: "Tickets created", labelNames: ["channel"], registers: [registry] });
  return { registry, httpDuration, ticketsCreated };
}
export type Metrics = ReturnType<typeof createMetrics>;

export function opsRoutes(app: App, ctx: AppContext, metrics: Metrics) {
  registerJobMetrics(metrics.registry, ctx);
  registerMailMetrics(metrics.registry, ctx);
  app.addHook("onResponse", async (req, reply) => {
    metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get("/healthz", { config: { access: "public" }, schema: { hide: true } }, async () => ({ status: "ok" }));

  app.get("/readyz", { config: { access: "public" }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: "ready", database: ctx.dialect };
    } catch {
      return reply.status(503).send({ error: { code: "service_unavailable", message: "The database is not reachable." } });
    }
  });

  // Metrics reveal traffic and internals: with a token configured Prometheus must send it;
  // without one they are served to the machine itself only.
  app.get("/metrics", { config: { access: "public" }, schema: { hide: true } }, async (req, reply) => {
    const token = ctx.config.metricsToken;
    const allowed = token ? req.headers.authorization === `Bearer ${token}` : ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.ip);
    if (!allowed) return reply.status(404).send({ error: { code: "not_found", message: "No route for GET /metrics." } });
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
