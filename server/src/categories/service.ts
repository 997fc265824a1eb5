/** Changing the category tree (admins): a category's parent must exist and must not be itself or below it. Each change is audited. */
import type { CategoryInput } from "@tessera/contracts";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { flagOf } from "../db/dialect.ts";
import { invalid, notFound } from "../errors.ts";
import { assertTeamExists } from "../people/teams.ts";
import { recordAudit } from "../audit/record.ts";
import { presentCategories } from "./present.ts";

type Input = z.infer<typeof CategoryInput>;

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

/** Every category, or only the active ones. */
export const listCategories = (db: Executor, activeOnly: boolean) =>
  db
    .selectFrom("categories")
    .selectAll()
    .$if(activeOnly, (qb) => qb.where("active", "=", 1))
    .execute();

export async function createCategory(ctx: AppContext, actor: Actor, b: Input) {
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
  ctx.log.info({ event: "category_created", actor: actor.id, id: row.id }, "category created");
  const [created] = await presentCategories(ctx.db, [row]);
  await recordAudit(ctx, actor, { action: "category.created", target: { type: "category", id: row.id, label: created.path }, after: created });
  return created;
}

export async function updateCategory(ctx: AppContext, actor: Actor, id: number, b: Partial<Input>) {
  const existing = await ctx.db.selectFrom("categories").selectAll().where("id", "=", id).executeTakeFirst();
  if (!existing) throw notFound("The category");
  const [before] = await presentCategories(ctx.db, [existing]);
  await assertParent(ctx.db, id, b.parent_id);
  await assertTeam(ctx.db, b.default_team_id);
  const row = await ctx.db
    .updateTable("categories")
    .set({ name: b.name, parent_id: b.parent_id, default_team_id: b.default_team_id, default_type: b.default_type, active: flagOf(b.active) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.log.info({ event: "category_updated", actor: actor.id, id: row.id }, "category updated");
  const [after] = await presentCategories(ctx.db, [row]);
  await recordAudit(ctx, actor, { action: "category.updated", target: { type: "category", id: row.id, label: after.path }, before, after });
  return after;
}
