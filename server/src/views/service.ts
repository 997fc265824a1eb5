/**
 * Saved views: a named set of list filters, sort and columns. Personal, or shared with one of
 * the owner's teams; only the owner changes or deletes one. Each change is audited.
 */
import { TicketListQuery } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { isAdmin } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { forbidden, invalid, notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";

const Filters = TicketListQuery.omit({ limit: true, cursor: true });
const Columns = z.array(z.string().regex(/^[a-z_]{1,40}$/)).max(20);
export const ViewInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    filters: z.record(z.string(), z.unknown()).default({}),
    columns: Columns.default([]),
    team_id: z.number().int().positive().nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

type Row = { id: number; name: string; owner_id: number; team_id: number | null; filters: string; columns: string; position: number };
export const present = (r: Row, me: number) => ({ ...r, filters: JSON.parse(r.filters), columns: JSON.parse(r.columns), mine: r.owner_id === me });

/** Filters are stored as the list's query parameters and must parse as such. */
function checkFilters(filters: Record<string, unknown>) {
  const parsed = Filters.safeParse(Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v])));
  if (!parsed.success) throw invalid(`filters.${parsed.error.issues[0].path.join(".")}`, parsed.error.issues[0].message);
}

type Input = z.infer<typeof ViewInput>;

function assertTeam(actor: Actor, teamId: number | null | undefined) {
  if (teamId != null && !actor.team_ids.includes(teamId) && !isAdmin(actor)) throw forbidden("You can share a view only with a team you belong to.");
}

/** A view the actor owns or that is shared with one of their teams; anything else is a 404. */
async function loadView(db: Executor, actor: Actor, id: number) {
  const row = await db.selectFrom("saved_views").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row || (row.owner_id !== actor.id && (row.team_id == null || !actor.team_ids.includes(row.team_id)))) throw notFound("The view");
  return row;
}

/** The actor's views and those shared with their teams, in their order. */
export const listViews = (db: Executor, me: Actor) =>
  db
    .selectFrom("saved_views")
    .selectAll()
    .where((eb) => eb.or([eb("owner_id", "=", me.id), ...(me.team_ids.length ? [eb("team_id", "in", me.team_ids)] : [])]))
    .orderBy("position")
    .orderBy("id")
    .execute();

export async function createView(ctx: AppContext, actor: Actor, input: Input) {
  checkFilters(input.filters);
  assertTeam(actor, input.team_id);
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .insertInto("saved_views")
    .values({
      owner_id: actor.id,
      team_id: input.team_id ?? null,
      name: input.name,
      filters: JSON.stringify(input.filters),
      columns: JSON.stringify(input.columns),
      position: input.position ?? 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, actor, { action: "view.created", target: { type: "view", id: row.id, label: row.name }, after: present(row, actor.id) });
  return row;
}

export async function updateView(ctx: AppContext, actor: Actor, id: number, b: Partial<Input>) {
  const row = await loadView(ctx.db, actor, id);
  if (row.owner_id !== actor.id) throw forbidden("Only the owner can change a shared view.");
  if (b.filters) checkFilters(b.filters);
  assertTeam(actor, b.team_id);
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
  await recordAudit(ctx, actor, { action: "view.updated", target: { type: "view", id: row.id, label: updated.name }, before: present(row, actor.id), after: present(updated, actor.id) });
  return updated;
}

export async function deleteView(ctx: AppContext, actor: Actor, id: number) {
  const row = await loadView(ctx.db, actor, id);
  if (row.owner_id !== actor.id) throw forbidden("Only the owner can delete a shared view.");
  await ctx.db.deleteFrom("saved_views").where("id", "=", row.id).execute();
  await recordAudit(ctx, actor, { action: "view.deleted", target: { type: "view", id: row.id, label: row.name }, before: present(row, actor.id) });
}
