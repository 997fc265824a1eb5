/** Admin settings of the ticket model: statuses, the priority matrix, custom fields. */
import { CustomField, CustomFieldInput, CustomFieldUpdateInput, Id, PriorityMatrix, Status, StatusInput, StatusUpdateInput } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { invalid } from "../errors.ts";
import { putSetting } from "../settings/store.ts";
import { loadMatrix, MATRIX_KEY } from "./priority.ts";
import { loadStatuses } from "./statuses.ts";
import { createCustomField, createStatus, listCustomFields, presentField, presentStatus, updateCustomField, updateStatus } from "./model-settings.ts";
import { recordAudit } from "../audit/record.ts";

const tags = ["settings"];
export function adminTicketSettingsRoutes(app: App, ctx: AppContext) {
  app.get("/api/statuses", {
    schema: { tags, summary: "Ticket statuses, with the category that decides their behaviour", response: { 200: z.array(Status) } },
    handler: async () => (await loadStatuses(ctx)).map(presentStatus),
  });

  app.post("/api/statuses", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a status in one of the built-in categories", body: StatusInput, response: { 201: Status } },
    handler: async (req, reply) => reply.status(201).send(presentStatus(await createStatus(ctx, req.actor, req.body))),
  });

  app.patch("/api/statuses/:key", {
    config: { access: "admin" },
    schema: { tags, summary: "Rename, reorder or retire a status", params: z.object({ key: z.string().max(40) }), body: StatusUpdateInput, response: { 200: Status } },
    handler: async (req) => presentStatus(await updateStatus(ctx, req.actor, req.params.key, req.body)),
  });

  app.get("/api/settings/priority-matrix", {
    schema: { tags, summary: "Priority from impact × urgency", response: { 200: PriorityMatrix } },
    handler: async () => ({ matrix: await loadMatrix(ctx) }),
  });

  app.put("/api/settings/priority-matrix", {
    config: { access: "admin" },
    schema: { tags, summary: "Change the priority matrix (applies to tickets created or re-rated afterwards)", body: PriorityMatrix, response: { 200: PriorityMatrix } },
    handler: async (req) => {
      for (const impact of ["high", "medium", "low"] as const) {
        for (const urgency of ["high", "medium", "low"] as const) {
          if (!req.body.matrix[impact]?.[urgency]) throw invalid(`matrix.${impact}.${urgency}`, "every impact × urgency cell needs a priority");
        }
      }
      const before = await loadMatrix(ctx);
      await putSetting(ctx.db, MATRIX_KEY, req.body.matrix, ctx.clock.now().toISOString());
      await recordAudit(ctx, req.actor, { action: "setting.changed", target: { type: "setting", id: MATRIX_KEY, label: "Priority matrix" }, before, after: req.body.matrix });
      ctx.memo.forget(MATRIX_KEY);
      ctx.log.info({ event: "priority_matrix_changed", actor: req.actor.id }, "priority matrix changed");
      return { matrix: await loadMatrix(ctx) };
    },
  });

  app.get("/api/custom-fields", {
    schema: { tags, summary: "Custom ticket fields (requesters see the ones shown to them)", response: { 200: z.array(CustomField) } },
    handler: async (req) => {
      const rows = await listCustomFields(ctx.db);
      return rows.filter((r) => req.actor.role !== "requester" || (r.visible_to_requester && r.active)).map(presentField);
    },
  });

  app.post("/api/custom-fields", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a custom field", body: CustomFieldInput, response: { 201: CustomField } },
    handler: async (req, reply) => reply.status(201).send(presentField(await createCustomField(ctx, req.actor, req.body))),
  });

  app.patch("/api/custom-fields/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Change a custom field", params: z.object({ id: Id }), body: CustomFieldUpdateInput, response: { 200: CustomField } },
    handler: async (req) => presentField(await updateCustomField(ctx, req.actor, req.params.id, req.body)),
  });
}
