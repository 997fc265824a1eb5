/**
 * The admin routes SLA calendars and policies share: read one, add, change and delete, each
 * change in one transaction with its audit entry. The rules are in admin.ts.
 */
import { Id } from "@tessera/contracts";
import { z } from "zod";
import { type AppContext, type Executor, inTransaction } from "../context.ts";
import type { App } from "../http/types.ts";
import { recordAudit } from "../audit/record.ts";

export interface Definition<R extends { id: number; name: string }, Out, In extends object, Up extends object> {
  /** Below /api/sla/. */
  path: "calendars" | "policies";
  /** The audit trail's name for it. */
  type: "sla_calendar" | "sla_policy";
  schemas: { record: z.ZodType<Out>; input: z.ZodType<In>; update: z.ZodType<Up> };
  summaries: { one: string; add: string; change: string; delete: string };
  descriptions: { add: string; change: string };
  get(db: Executor, id: number): Promise<R>;
  create(tx: AppContext, input: In): Promise<R>;
  update(tx: AppContext, id: number, input: Up): Promise<R>;
  remove(tx: AppContext, id: number): Promise<void>;
  present(db: Executor, records: R[]): Promise<Out[]>;
}

export function definitionRoutes<R extends { id: number; name: string }, Out, In extends object, Up extends object>(app: App, ctx: AppContext, d: Definition<R, Out, In, Up>) {
  const tags = ["sla"];
  const params = z.object({ id: Id });
  const path = `/api/sla/${d.path}`;
  const target = (r: R) => ({ type: d.type, id: r.id, label: r.name });
  const presentOne = async (r: R) => (await d.present(ctx.db, [r]))[0];
  // The body schemas are z.ZodType<In> and <Up>, of objects: what Fastify parsed is one. Its
  // typing keeps "undefined becomes unknown" open for a generic type, hence the casts below.

  app.get(`${path}/:id`, {
    config: { access: "staff" },
    schema: { tags, summary: d.summaries.one, params, response: { 200: d.schemas.record } },
    handler: async (req) => presentOne(await d.get(ctx.db, req.params.id)),
  });

  app.post(path, {
    config: { access: "admin" },
    schema: { tags, summary: d.summaries.add, description: d.descriptions.add, body: d.schemas.input, response: { 201: d.schemas.record } },
    handler: async (req, reply) => {
      const rec = await inTransaction(ctx, async (tx) => {
        const created = await d.create(tx, req.body as In);
        await recordAudit(tx, req.actor, { action: `${d.type}.created`, target: target(created), after: created });
        return created;
      });
      return reply.status(201).send(await presentOne(rec));
    },
  });

  app.patch(`${path}/:id`, {
    config: { access: "admin" },
    schema: { tags, summary: d.summaries.change, description: d.descriptions.change, params, body: d.schemas.update, response: { 200: d.schemas.record } },
    handler: async (req) => {
      const rec = await inTransaction(ctx, async (tx) => {
        const before = await d.get(tx.db, req.params.id);
        const after = await d.update(tx, req.params.id, req.body as Up);
        await recordAudit(tx, req.actor, { action: `${d.type}.updated`, target: target(after), before, after });
        return after;
      });
      return presentOne(rec);
    },
  });

  app.delete(`${path}/:id`, {
    config: { access: "admin" },
    schema: { tags, summary: d.summaries.delete, params, response: { 204: z.null() } },
    handler: async (req, reply) => {
      await inTransaction(ctx, async (tx) => {
        const before = await d.get(tx.db, req.params.id);
        await d.remove(tx, req.params.id);
        await recordAudit(tx, req.actor, { action: `${d.type}.deleted`, target: target(before), before });
      });
      return reply.status(204).send(null);
    },
  });
}
