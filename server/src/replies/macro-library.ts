/** The macro library: listing, saving, changing and deleting macros, each change audited. Applying and undoing are in macros.ts. */
import type { MacroInput, MacroUpdateInput, ReplyListQuery } from "@tessera/contracts";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { validateActions } from "./macros.ts";
import { canEdit, canUse, listableBy, sharingAfter, sharingOfNew } from "./policy.ts";
import type { MacrosTable } from "./tables.ts";

export type MacroRow = Omit<MacrosTable, "id"> & { id: number };

/** What the audit trail keeps of a macro. */
const audited = (r: MacroRow) => ({ name: r.name, description: r.description, actions: JSON.parse(r.actions) as unknown, scope: r.scope, team_id: r.team_id });

/** The macros the actor may list, by name. */
export const listMacros = (db: Executor, actor: Actor, list: z.infer<typeof ReplyListQuery>["list"]) =>
  db.selectFrom("macros").selectAll().where(listableBy(actor, list)).orderBy("name").orderBy("id").execute();

/** A macro the actor may use; anything else is a 404. */
export async function loadMacro(db: Executor, actor: Actor, id: number): Promise<MacroRow> {
  const row = await db.selectFrom("macros").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || !canUse(actor, row)) throw notFound("The macro");
  return row;
}

export async function createMacro(ctx: AppContext, actor: Actor, b: z.infer<typeof MacroInput>): Promise<MacroRow> {
  const sharing = await sharingOfNew(ctx, actor, b, "macro");
  await validateActions(ctx, b.actions);
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .insertInto("macros")
    .values({ name: b.name, description: b.description, actions: JSON.stringify(b.actions), ...sharing, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, actor, { action: "macro.created", target: { type: "macro", id: row.id, label: row.name }, after: audited(row) });
  return row;
}

export async function updateMacro(ctx: AppContext, actor: Actor, id: number, b: z.infer<typeof MacroUpdateInput>): Promise<MacroRow> {
  const row = await loadMacro(ctx.db, actor, id);
  if (!canEdit(actor, row, "macro")) throw forbidden("Only its owner (for a personal macro), the team's supervisors and admins can change this macro.");
  const sharing = await sharingAfter(ctx, actor, row, b, "macro");
  if (b.actions) await validateActions(ctx, b.actions);
  const updated = await ctx.db
    .updateTable("macros")
    .set({
      ...(b.name !== undefined && { name: b.name }),
      ...(b.description !== undefined && { description: b.description }),
      ...(b.actions !== undefined && { actions: JSON.stringify(b.actions) }),
      ...sharing,
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, actor, { action: "macro.updated", target: { type: "macro", id: row.id, label: updated.name }, before: audited(row), after: audited(updated) });
  return updated;
}

/** Deletes a macro; what it already did stays, and can still be undone. */
export async function deleteMacro(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  const row = await loadMacro(ctx.db, actor, id);
  if (!canEdit(actor, row, "macro")) throw forbidden("Only its owner (for a personal macro), the team's supervisors and admins can delete this macro.");
  await ctx.db.deleteFrom("macros").where("id", "=", row.id).execute();
  await recordAudit(ctx, actor, { action: "macro.deleted", target: { type: "macro", id: row.id, label: row.name }, before: audited(row) });
}

/** Who applied a macro application, and to which ticket. */
export const applicationOf = (db: Executor, id: number) => db.selectFrom("macro_applications").select(["ticket_id", "actor_id"]).where("id", "=", id).executeTakeFirst();
