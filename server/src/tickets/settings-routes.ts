/** Admin settings of the ticket model: statuses, the priority matrix, custom fields. */
import { CustomField, CustomFieldInput, CustomFieldUpdateInput, Id, PriorityMatrix, Status, StatusInput, StatusUpdateInput } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { putSetting } from "../settings/store.ts";
import { loadMatrix, MATRIX_KEY } from "./priority.ts";
import { loadStatuses, STATUSES_KEY } from "./statuses.ts";
import { FIELDS_KEY } from "./custom-fields.ts";
import { recordAudit } from "../audit/record.ts";

const tags = ["settings"];
const presentStatus = (s: { key: string; label: string; requester_label: string; category: string; builtin: number; position: number; active: number }): Status => ({
  ...s,
  category: s.category as Status["category"],
  builtin: !!s.builtin,
  active: !!s.active,
});
const presentField = (f: { id: number; key: string; label: string; type: string; options: string; required: number; visible_to_requester: number; active: number }): CustomField => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type as CustomField["type"],
  options: JSON.parse(f.options),
  required: !!f.required,
  visible_to_requester: !!f.visible_to_requester,
  active: !!f.active,
});

export function adminTicketSettingsRoutes(app: App, ctx: AppContext) {
  app.get("/api/statuses", {
    schema: { tags, summary: "Ticket statuses, with the category that decides their behaviour", response: { 200: z.array(Status) } },
    handler: async () => (await loadStatuses(ctx)).map(presentStatus),
  });

  app.post("/api/statuses", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a status in one of the built-in categories", body: StatusInput, response: { 201: Status } },
    handler: async (req, reply) => {
      try {
        const row = await ctx.db
          .insertInto("statuses")
          .values({ ...req.body, position: req.body.position ?? 500, builtin: 0, active: 1 })
          .returningAll()
          .executeTakeFirstOrThrow();
        ctx.memo.forget(STATUSES_KEY);
        ctx.log.info({ event: "status_created", actor: req.actor.id, key: row.key }, "status created");
        await recordAudit(ctx, req.actor, { action: "status.created", target: { type: "status", id: row.key, label: row.label }, after: presentStatus(row) });
        return reply.status(201).send(presentStatus(row));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A status with the key ${req.body.key} already exists.`);
        throw err;
      }
    },
  });

  app.patch("/api/statuses/:key", {
    config: { access: "admin" },
    schema: { tags, summary: "Rename, reorder or retire a status", params: z.object({ key: z.string().max(40) }), body: StatusUpdateInput, response: { 200: Status } },
    handler: async (req) => {
      const existing = await ctx.db.selectFrom("statuses").selectAll().where("key", "=", req.params.key).executeTakeFirst();
      if (!existing) throw notFound("The status");
      if (req.body.active === false && existing.builtin) throw invalid("active", "built-in statuses cannot be retired; rename them instead");
      const { active, ...rest } = req.body;
      const row = await ctx.db.updateTable("statuses").set({ ...rest, ...(active !== undefined && { active: active ? 1 : 0 }) }).where("key", "=", req.params.key).returningAll().executeTakeFirstOrThrow();
      ctx.memo.forget(STATUSES_KEY);
      ctx.log.info({ event: "status_updated", actor: req.actor.id, key: row.key }, "status updated");
      await recordAudit(ctx, req.actor, { action: "status.updated", target: { type: "status", id: row.key, label: row.label }, before: presentStatus(existing), after: presentStatus(row) });
      return presentStatus(row);
    },
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
      const rows = await ctx.db.selectFrom("custom_fields").selectAll().orderBy("id").execute();
      return rows.filter((r) => req.actor.role !== "requester" || (r.visible_to_requester && r.active)).map(presentField);
    },
  });

  app.post("/api/custom-fields", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a custom field", body: CustomFieldInput, response: { 201: CustomField } },
    handler: async (req, reply) => {
      const b = req.body;
      if (b.type === "select" && !b.options?.length) throw invalid("options", "a select field needs at least one option");
      try {
        const row = await ctx.db
          .insertInto("custom_fields")
          .values({ key: b.key, label: b.label, type: b.type, options: JSON.stringify(b.options ?? []), required: b.required ? 1 : 0, visible_to_requester: b.visible_to_requester ? 1 : 0, active: 1, created_at: ctx.clock.now().toISOString() })
          .returningAll()
          .executeTakeFirstOrThrow();
        ctx.memo.forget(FIELDS_KEY);
        ctx.log.info({ event: "custom_field_created", actor: req.actor.id, key: row.key }, "custom field created");
        await recordAudit(ctx, req.actor, { action: "custom_field.created", target: { type: "custom_field", id: row.id, label: row.label }, after: presentField(row) });
        return reply.status(201).send(presentField(row));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A field with the key ${b.key} already exists.`);
        throw err;
      }
    },
  });

  app.patch("/api/custom-fields/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Change a custom field", params: z.object({ id: Id }), body: CustomFieldUpdateInput, response: { 200: CustomField } },
    handler: async (req) => {
      const b = req.body;
      const before = await ctx.db.selectFrom("custom_fields").selectAll().where("id", "=", req.params.id).executeTakeFirst();
      const row = await ctx.db
        .updateTable("custom_fields")
        .set({
          ...(b.label !== undefined && { label: b.label }),
          ...(b.options !== undefined && { options: JSON.stringify(b.options) }),
          ...(b.required !== undefined && { required: b.required ? 1 : 0 }),
          ...(b.visible_to_requester !== undefined && { visible_to_requester: b.visible_to_requester ? 1 : 0 }),
          ...(b.active !== undefined && { active: b.active ? 1 : 0 }),
        })
        .where("id", "=", req.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound("The custom field");
      ctx.memo.forget(FIELDS_KEY);
      await recordAudit(ctx, req.actor, { action: "custom_field.updated", target: { type: "custom_field", id: row.id, label: row.label }, before: before && presentField(before), after: presentField(row) });
      return presentField(row);
    },
  });
}
