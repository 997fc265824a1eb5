/** Canned replies: saved texts with placeholders that agents insert from the composer with `/`. */
import { CannedReply, CannedReplyInput, CannedReplyUpdateInput, Id, ReplyListQuery } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import type { App } from "../http/types.ts";
import { canEdit, canUse, listableBy, sharingAfter, sharingOfNew } from "./policy.ts";
import { presentAll, presentShared, type SharedRefs } from "./present.ts";
import { recordAudit } from "../audit/record.ts";

/** What the audit trail keeps of a canned reply. */
const audited = (r: Row) => ({ title: r.title, body: r.body, scope: r.scope, team_id: r.team_id });

type Row = { id: number; title: string; body: string; scope: string; owner_id: number | null; team_id: number | null; created_at: string; updated_at: string };

const present = (r: Row, actor: Actor, refs: SharedRefs): CannedReply => ({
  id: r.id,
  title: r.title,
  body: r.body,
  ...presentShared(r, actor, refs, "canned"),
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export function cannedReplyRoutes(app: App, ctx: AppContext) {
  const tags = ["canned replies"];
  const load = async (id: number, actor: Actor) => {
    const row = await ctx.db.selectFrom("canned_replies").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || !canUse(actor, row)) throw notFound("The canned reply");
    return row;
  };
  const one = async (r: Row, actor: Actor) => (await presentAll(ctx.db, actor, [r], present))[0];

  app.get("/api/canned-replies", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Canned replies you can use: your own, your teams', and those for everyone",
      description: "`list=shared` leaves out personal ones (the admin settings list every team's).",
      querystring: ReplyListQuery,
      response: { 200: z.array(CannedReply) },
    },
    handler: async (req) => {
      const rows = await ctx.db.selectFrom("canned_replies").selectAll().where(listableBy(req.actor, req.query.list)).orderBy("title").orderBy("id").execute();
      return presentAll(ctx.db, req.actor, rows, present);
    },
  });

  app.post("/api/canned-replies", {
    config: { access: "staff" },
    schema: { tags, summary: "Save a canned reply", body: CannedReplyInput, response: { 201: CannedReply } },
    handler: async (req, reply) => {
      const b = req.body;
      const sharing = await sharingOfNew(ctx, req.actor, b, "canned");
      const now = ctx.clock.now().toISOString();
      const row = await ctx.db
        .insertInto("canned_replies")
        .values({ title: b.title, body: b.body, ...sharing, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, req.actor, { action: "canned_reply.created", target: { type: "canned_reply", id: row.id, label: row.title }, after: audited(row) });
      return reply.status(201).send(await one(row, req.actor));
    },
  });

  app.patch("/api/canned-replies/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Change a canned reply", params: z.object({ id: Id }), body: CannedReplyUpdateInput, response: { 200: CannedReply } },
    handler: async (req) => {
      const row = await load(req.params.id, req.actor);
      if (!canEdit(req.actor, row, "canned")) throw forbidden("Only its owner, the team's supervisors and admins can change this canned reply.");
      const b = req.body;
      const sharing = await sharingAfter(ctx, req.actor, row, b, "canned");
      const updated = await ctx.db
        .updateTable("canned_replies")
        .set({
          ...(b.title !== undefined && { title: b.title }),
          ...(b.body !== undefined && { body: b.body }),
          ...sharing,
          updated_at: ctx.clock.now().toISOString(),
        })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, req.actor, { action: "canned_reply.updated", target: { type: "canned_reply", id: row.id, label: updated.title }, before: audited(row), after: audited(updated) });
      return one(updated, req.actor);
    },
  });

  app.delete("/api/canned-replies/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Delete a canned reply", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      const row = await load(req.params.id, req.actor);
      if (!canEdit(req.actor, row, "canned")) throw forbidden("Only its owner, the team's supervisors and admins can delete this canned reply.");
      await ctx.db.deleteFrom("canned_replies").where("id", "=", row.id).execute();
      await recordAudit(ctx, req.actor, { action: "canned_reply.deleted", target: { type: "canned_reply", id: row.id, label: row.title }, before: audited(row) });
      return reply.status(204).send(null);
    },
  });
}
