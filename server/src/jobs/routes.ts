/** Admin API for background jobs: the dead-letter list with retry and discard (both audited), and a probe. */
import { DeadJob, DeadJobListQuery, Id, JobProbeInput, Page, QueuedJob } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { discardDeadJob, listDeadJobs, presentDeadJob, retryDeadJob } from "./dead-letters.ts";
import { enqueue } from "./queue.ts";

/** The OpenAPI description of /api/jobs/probe. */
const PROBE_DESCRIPTION =
  "fail: always throws on every try, so its retries and its place in the dead-letter list can be seen; once throws on its first try only, so a retry from the dead-letter list succeeds.";

export function jobRoutes(app: App, ctx: AppContext) {
  const tags = ["jobs"];
  const params = z.object({ id: Id });

  app.get("/api/jobs/dead", {
    config: { access: "admin" },
    schema: { tags, summary: "Jobs whose last try failed, most recent first, with the error", querystring: DeadJobListQuery, response: { 200: Page(DeadJob) } },
    handler: async (req) => listDeadJobs(ctx, { limit: req.query.limit, before: req.query.cursor === undefined ? undefined : Number(req.query.cursor) }),
  });

  app.post("/api/jobs/:id/retry", {
    config: { access: "admin" },
    schema: { tags, summary: "Queue a dead job again, due now, attempts from zero", params, response: { 200: z.object({ id: z.number().int(), kind: z.string(), state: z.literal("queued") }) } },
    handler: async (req) => {
      const job = await retryDeadJob(ctx, req.actor, req.params.id);
      return { id: job.id, kind: job.kind, state: "queued" as const };
    },
  });

  app.delete("/api/jobs/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Discard a dead job for good", params, response: { 200: DeadJob } },
    handler: async (req) => presentDeadJob(await discardDeadJob(ctx, req.actor, req.params.id)),
  });

  app.post("/api/jobs/probe", {
    config: { access: "admin" },
    schema: { tags, summary: "Queue a probe job, to check that background work runs", description: PROBE_DESCRIPTION, body: JobProbeInput, response: { 200: QueuedJob } },
    handler: async (req) => {
      const id = await enqueue(ctx, "probe", { fail: req.body.fail }, { maxAttempts: req.body.max_attempts });
      return { id, kind: "probe" };
    },
  });
}
