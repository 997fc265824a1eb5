/**
 * `tessera start`: one process serving the web app and the API, running the background work,
 * or both. Many web nodes and workers share one PostgreSQL database: periodic ticks run on one
 * node at a time, the job queue and the outbox hand each piece of work to one worker, and every
 * web node follows the committed event log for its own live subscribers.
 */
import Fastify from "fastify";
import type { Config } from "./config.ts";
import { openInstance, type Instance } from "./boot.ts";
import { buildApp } from "./app.ts";
import { prepareFirstAdmin } from "./auth/service.ts";
import { startWorkers } from "./workers.ts";
import { createMetrics, opsRoutes } from "./ops/routes.ts";
import type { App } from "./http/types.ts";

export const NODE_ROLES = ["all", "web", "worker"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** What each role runs: `web` answers people and integrators, `worker` does the background work. */
const serves = (role: NodeRole) => ({ http: role !== "worker", workers: role !== "web" });

/** A split deployment needs a database that several processes share safely; says why not, if not. */
export function roleRefusal(role: NodeRole, cfg: Pick<Config, "databaseUrl">): string | null {
  if (role === "all" || cfg.databaseUrl) return null;
  return `--role ${role} needs PostgreSQL (DATABASE_URL): with embedded SQLite, run one process with --role all.`;
}

/** A worker answers health checks and metrics on its port, and nothing else. */
async function buildOpsApp(instance: Instance): Promise<App> {
  const app = Fastify({ loggerInstance: instance.ctx.log }) as unknown as App;
  opsRoutes(app, instance.ctx, createMetrics());
  return app;
}

/** The database a configuration points at, as the start-up lines name it. */
export const where = (c: Config) => (c.databaseUrl ? "PostgreSQL" : `SQLite at ${c.sqlitePath}`);

export async function startNode(cfg: Config, role: NodeRole): Promise<void> {
  const refusal = roleRefusal(role, cfg);
  if (refusal) {
    console.error(refusal);
    process.exit(2);
  }
  const runs = serves(role);
  const instance = await openInstance(cfg, { server: true });
  const { ctx } = instance;
  const app = runs.http ? await buildApp(ctx) : await buildOpsApp(instance);
  const first = runs.http ? await prepareFirstAdmin(ctx) : undefined;
  await app.listen({ port: cfg.port, host: cfg.host });
  const stopWorkers = runs.workers ? await startWorkers(ctx) : async () => {};

  const lines = runs.http
    ? [`Tessera is running at ${cfg.publicUrl} (database: ${where(cfg)}).`, `API documentation: ${cfg.publicUrl}/api/docs`]
    : [`Tessera worker running (database: ${where(cfg)}); health and metrics on port ${cfg.port}.`];
  if (role === "web") lines.push("Web role: background work (mail, SLA sweeps, jobs) runs on the nodes started with --role worker.");
  if (first?.created) lines.push(`Created the first admin ${first.created}; sign in with TESSERA_ADMIN_PASSWORD.`);
  if (first?.setupUrl)
    lines.push(
      "",
      "No admin exists yet. Open this one-time link (valid 24 hours) to create one:",
      `  ${first.setupUrl}`,
      "or run: npx tessera user add --role admin --email you@example.com --name 'Your Name' --password '...'",
      "",
    );
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal, role }, "shutting down");
    await stopWorkers();
    await app.close();
    await instance.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
