/**
 * Monitoring alerts in: Prometheus Alertmanager's webhook (payload version 4) and a generic
 * JSON alert. Both take an API token of an agent or admin account (an "integration" user);
 * their tickets are requested by that account. Each alert is applied in its own transaction,
 * so a payload that fails half-way is safe to retry: what was applied is recognised.
 */
import { AlertmanagerPayload, AlertResponse, AlertSettings, GenericAlert } from "@tessera/contracts";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { AppError } from "../errors.ts";
import { fromAlertmanager, fromGeneric } from "./normalize.ts";
import { createRepeatFold, type RepeatFold } from "./repeats.ts";
import { applyAlert } from "./service.ts";
import { loadAlertSettings, saveAlertSettings } from "./settings.ts";
import { inTransaction } from "../context.ts";
import { recordAudit } from "../audit/record.ts";

/** Alerts being applied at once, per node, beyond which a storm is asked to come back later. */
const MAX_IN_FLIGHT = 32;

/** What the API reference says of the Alertmanager webhook. */
const ALERTMANAGER_DOC = {
  summary: "Prometheus Alertmanager webhook (payload version 4): each alert opens an incident or notes its open ticket",
  description:
    "Point a webhook_config at this URL with `http_config.authorization.credentials` set to an API token of an agent or admin integration account. One open ticket per alert fingerprint; repeats and retries change nothing but the ticket's occurrence count and last-seen time (written within a few seconds); a resolved alert adds a note and, if the alert settings say so, resolves the ticket.",
};

export function alertRoutes(app: App, ctx: AppContext) {
  const tags = ["alerts"];
  let inFlight = 0;
  // Repeats are counted per node and written in batches; what is left is written on close.
  const repeats = createRepeatFold(ctx, ctx.config.alertRepeatFlushMs);
  app.decorate("alertRepeats", repeats);
  app.addHook("onClose", async () => repeats.close());

  const admit = (req: FastifyRequest) => {
    if (req.actor.auth !== "token") throw new AppError("forbidden", 403, "Send alerts with an API token of an integration account: Authorization: Bearer <token>.");
    if (inFlight >= MAX_IN_FLIGHT) throw new AppError("too_many_requests", 429, "Too many alerts at once; retry shortly. Nothing of this request was applied.", { retry_after: 5 });
  };
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await work();
    } finally {
      inFlight--;
    }
  };

  app.post("/api/alerts/alertmanager", {
    config: { access: "staff" },
    schema: { tags, ...ALERTMANAGER_DOC, body: AlertmanagerPayload, response: { 200: AlertResponse } },
    handler: async (req) => {
      admit(req);
      return run(async () => {
        const settings = await loadAlertSettings(ctx.db);
        const results = [];
        for (const alert of req.body.alerts) results.push(await applyAlert(ctx, req.actor, fromAlertmanager(req.body, alert), settings, repeats));
        return { results };
      });
    },
  });

  app.post("/api/alerts/generic", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "A monitoring alert from any tool: {source, fingerprint, severity, summary, details, status}",
      description: "One open ticket per source and fingerprint. Send status `firing` while the problem lasts and `resolved` when it is over.",
      body: GenericAlert,
      response: { 200: AlertResponse },
    },
    handler: async (req) => {
      admit(req);
      return run(async () => ({ results: [await applyAlert(ctx, req.actor, fromGeneric(req.body), await loadAlertSettings(ctx.db), repeats)] }));
    },
  });

  app.get("/api/alerts/settings", {
    config: { access: "admin" },
    schema: { tags, summary: "How alerts become incidents: severity → priority, auto-resolve, team", response: { 200: AlertSettings } },
    handler: async () => loadAlertSettings(ctx.db),
  });

  app.put("/api/alerts/settings", {
    config: { access: "admin" },
    schema: { tags, summary: "Change how alerts become incidents", body: AlertSettings, response: { 200: AlertSettings } },
    handler: async (req) => {
      await inTransaction(ctx, async (tx) => {
        const before = await loadAlertSettings(tx.db);
        await saveAlertSettings(tx.db, req.body, ctx.clock.now().toISOString());
        await recordAudit(tx, req.actor, { action: "setting.changed", target: { type: "setting", id: "alerts.settings", label: "Monitoring alerts" }, before, after: await loadAlertSettings(tx.db) });
      });
      return loadAlertSettings(ctx.db);
    },
  });
}

declare module "fastify" {
  interface FastifyInstance {
    /** This node's tally of alert repeats not yet written; flush() writes it now. */
    alertRepeats: RepeatFold;
  }
}
