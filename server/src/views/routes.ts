/**
 * Saved views: a named set of list filters, sort and columns. Personal, or shared with one of
 * the owner's teams.
 */
import { Id, SavedView, TicketListQuery } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { isAdmin } from "../auth/actor.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";

const Filters = TicketListQuery.omit({ limit: true, cursor: true });
const Columns = z.array(z.string().regex(/^[a-z_]{1,40}$/)).max(20);
const ViewInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    filters: z.record(z.string(), z.unknown()).default({}),
    columns: Columns.default([]),
    team_id: z.number().int().positive().nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

type Row = { id: number; name: string; owner_id: number; team_id: number | null; filters: string; columns: string; position: number };
const present = (r: Row, me: number) => ({ ...r, filters: JSON.parse(r.filters), columns: JSON.parse(r.columns), mine: r.owner_id === me });

/** Filters are stored as the list's query parameters and must parse as such. */
function checkFilters(filters: Record<string, unknown>) {
  const parsed = Filters.safeParse(Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])));
  if (!parsed.success) throw invalid(`filters.${parsed.error.issues[0].path.join(".")}`, parsed.error.issues[0].message);
}

export function viewRoutes(app: App, ctx: AppContext) {
  const tags = ["views"];
  const assertTeam = (actor: { team_ids: number[]; role: string }, teamId: number | null | undefined) => {
    if (teamId != null && !actor.team_ids.includes(teamId) && !isAdmin(actor as never)) throw forbidden("You can share a view only with a team you belong to.");
  };
  const load = async (id: number, actor: { id: number; team_ids: number[] }) => {
    const row = await ctx.db.selectFrom("saved_views").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row || (row.owner_id !== actor.id && (row.team_id == null || !actor.team_ids.includes(row.team_id)))) throw notFound("The view");
    return row;
  };

  app.get("/api/views", {
    config: { access: "staff" },
    schema: { tags, summary: "Your views and those shared with your teams", response: { 200: z.array(SavedView) } },
    handler: async (req) => {
      const me = req.actor;
      const rows = await ctx.db
        .selectFrom("saved_views")
        .selectAll()
        .where((eb) => eb.or([eb("owner_id", "=", me.id), ...(me.team_ids.length ? [eb("team_id", "in", me.team_ids)] : [])]))
        .orderBy("position")
        .orderBy("id")
        .execute();
      return rows.map((r) => present(r, me.id));
    },
  });

  app.post("/api/views", {
    config: { access: "staff" },
    schema: { tags, summary: "Save a view", body: ViewInput, response: { 201: SavedView } },
    handler: async (req, reply) => {
      checkFilters(req.body.filters);
      assertTeam(req.actor, req.body.team_id);
      const now = ctx.clock.now().toISOString();
      const row = await ctx.db
        .insertInto("saved_views")
        .values({ owner_id: req.actor.id, team_id: req.body.team_id ?? null, name: req.body.name, filters: JSON.stringify(req.body.filters), columns: JSON.stringify(req.body.columns), position: req.body.position ?? 0, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, req.actor, { action: "view.created", target: { type: "view", id: row.id, label: row.name }, after: present(row, req.actor.id) });
      return reply.status(201).send(present(row, req.actor.id));
    },
  });

  app.patch("/api/views/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Change a view you own", params: z.object({ id: Id }), body: ViewInput.partial(), response: { 200: SavedView } },
    handler: async (req) => {
      const row = await load(req.params.id, req.actor);
      if (row.owner_id !== req.actor.id) throw forbidden("Only the owner can change a shared view.");
      if (req.body.filters) checkFilters(req.body.filters);
      assertTeam(req.actor, req.body.team_id);
      const b = req.body;
      const updated = await ctx.db
        .updateTable("saved_views")
        .set({
          ...(b.name !== undefined && { name: b.name }),
          ...(b.filters !== undefined && { filters: JSON.stringify(b.filters) }),
          ...(b.columns !== undefined && { columns: JSON.stringify(b.columns) }),
          ...(b.team_id !== undefined && { team_id: b.team_id }),
          ...(b.position !== undefined && { position: b.position }),
          updated_at: ctx.clock.now().toISOString(),
        })
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(ctx, req.actor, { action: "view.updated", target: { type: "view", id: row.id, label: updated.name }, before: present(row, req.actor.id), after: present(updated, req.actor.id) });
      return present(updated, req.actor.id);
    },
  });

  app.delete("/api/views/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Delete a view you own", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      const row = await load(req.params.id, req.actor);
      if (row.owner_id !== req.actor.id) throw forbidden("Only the owner can delete a shared view.");
      await ctx.db.deleteFrom("saved_views").where("id", "=", row.id).execute();
      await recordAudit(ctx, req.actor, { action: "view.deleted", target: { type: "view", id: row.id, label: row.name }, before: present(row, req.actor.id) });
      return reply.status(204).send(null);
    },
  });
}
