/** Categories: a tree; each may default a team and a ticket type for the tickets filed under it. */
import { Category, CategoryInput, Id } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext, Executor } from "../context.ts";
import type { App } from "../http/types.ts";
import { isStaff } from "../auth/actor.ts";
import { invalid, notFound } from "../errors.ts";
import { assertTeamExists } from "../people/teams.ts";
import { recordAudit } from "../audit/record.ts";

type Row = { id: number; parent_id: number | null; name: string; default_team_id: number | null; default_type: string | null; active: number };

async function presentCategories(db: Executor, rows: Row[]): Promise<Category[]> {
  const all = await db.selectFrom("categories").select(["id", "parent_id", "name"]).execute();
  const byId = new Map(all.map((c) => [c.id, c]));
  const teams = await db.selectFrom("teams").select(["id", "name"]).execute();
  const pathOf = (id: number): string => {
    const names: string[] = [];
    for (let c = byId.get(id), depth = 0; c && depth < 20; c = c.parent_id ? byId.get(c.parent_id) : undefined, depth++) names.unshift(c.name);
    return names.join(" / ");
  };
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    parent_id: r.parent_id,
    path: pathOf(r.id),
    default_team: teams.find((t) => t.id === r.default_team_id) ?? null,
    default_type: (r.default_type as Category["default_type"]) ?? null,
    active: !!r.active,
  }));
}

async function assertParent(db: Executor, selfId: number | undefined, parentId: number | null | undefined) {
  if (parentId == null) return;
  const all = await db.selectFrom("categories").select(["id", "parent_id"]).execute();
  if (!all.some((c) => c.id === parentId)) throw invalid("parent_id", `no category has the id ${parentId}`);
  // Walk up from the new parent: meeting ourselves would make a cycle.
  for (let id: number | null = parentId, depth = 0; id != null && depth < 50; depth++) {
    if (id === selfId) throw invalid("parent_id", "a category cannot be placed under itself or its own subcategory");
    id = all.find((c) => c.id === id)?.parent_id ?? null;
  }
}

const assertTeam = (db: Executor, teamId: number | null | undefined) => assertTeamExists(db, "default_team_id", teamId);

export function categoryRoutes(app: App, ctx: AppContext) {
  app.get("/api/categories", {
    schema: { tags: ["categories"], summary: "The category tree, flattened, in path order", response: { 200: z.array(Category) } },
    handler: async (req) => {
      const rows = await ctx.db
        .selectFrom("categories")
        .selectAll()
        .$if(!isStaff(req.actor), (qb) => qb.where("active", "=", 1))
        .execute();
      return (await presentCategories(ctx.db, rows)).sort((a, b) => a.path.localeCompare(b.path));
    },
  });

  app.post("/api/categories", {
    config: { access: "admin" },
    schema: { tags: ["categories"], summary: "Add a category", body: CategoryInput, response: { 201: Category } },
    handler: async (req, reply) => {
      const b = req.body;
      await assertParent(ctx.db, undefined, b.parent_id);
      await assertTeam(ctx.db, b.default_team_id);
      const row = await ctx.db
        .insertInto("categories")
        .values({
          name: b.name,
          parent_id: b.parent_id ?? null,
          default_team_id: b.default_team_id ?? null,
          default_type: b.default_type ?? null,
          active: b.active === false ? 0 : 1,
          created_at: ctx.clock.now().toISOString(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      ctx.log.info({ event: "category_created", actor: req.actor.id, id: row.id }, "category created");
      const [created] = await presentCategories(ctx.db, [row]);
      await recordAudit(ctx, req.actor, { action: "category.created", target: { type: "category", id: row.id, label: created.path }, after: created });
      return reply.status(201).send(created);
    },
  });

  app.patch("/api/categories/:id", {
    config: { access: "admin" },
    schema: { tags: ["categories"], summary: "Change a category", params: z.object({ id: Id }), body: CategoryInput.partial(), response: { 200: Category } },
    handler: async (req) => {
      const b = req.body;
      const existing = await ctx.db.selectFrom("categories").selectAll().where("id", "=", req.params.id).executeTakeFirst();
      if (!existing) throw notFound("The category");
      const [before] = await presentCategories(ctx.db, [existing]);
      await assertParent(ctx.db, req.params.id, b.parent_id);
      await assertTeam(ctx.db, b.default_team_id);
      const row = await ctx.db
        .updateTable("categories")
        .set({
          ...(b.name !== undefined && { name: b.name }),
          ...(b.parent_id !== undefined && { parent_id: b.parent_id }),
          ...(b.default_team_id !== undefined && { default_team_id: b.default_team_id }),
          ...(b.default_type !== undefined && { default_type: b.default_type }),
          ...(b.active !== undefined && { active: b.active ? 1 : 0 }),
        })
        .where("id", "=", req.params.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      ctx.log.info({ event: "category_updated", actor: req.actor.id, id: row.id }, "category updated");
      const [after] = await presentCategories(ctx.db, [row]);
      await recordAudit(ctx, req.actor, { action: "category.updated", target: { type: "category", id: row.id, label: after.path }, before, after });
      return after;
    },
  });
}
