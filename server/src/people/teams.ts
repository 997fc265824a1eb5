/** Teams: adding and renaming them (admins), and the check that a named team exists. Membership is in service.ts. */
import type { TeamInput } from "@tessera/contracts";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";

/** Refuses, as a 400 on `field`, an id no team has; null and undefined mean "no team" and pass. */
export async function assertTeamExists(db: Executor, field: string, teamId: number | null | undefined): Promise<void> {
  if (teamId == null) return;
  if (!(await db.selectFrom("teams").select("id").where("id", "=", teamId).executeTakeFirst())) throw invalid(field, `no team has the id ${teamId}`);
}

const nameTaken = (err: unknown, name: string | undefined) => (isUniqueViolation(err) ? conflict(`A team named ${name} already exists.`) : err);

export async function createTeam(ctx: AppContext, actor: Actor, input: z.infer<typeof TeamInput>) {
  const row = await ctx.db
    .insertInto("teams")
    .values({ name: input.name, description: input.description ?? "", created_at: ctx.clock.now().toISOString() })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      throw nameTaken(err, input.name);
    });
  ctx.log.info({ event: "team_created", actor: actor.id, id: row.id }, "team created");
  await recordAudit(ctx, actor, { action: "team.created", target: { type: "team", id: row.id, label: row.name }, after: { name: row.name, description: row.description } });
  return row;
}

export async function updateTeam(ctx: AppContext, actor: Actor, id: number, input: Partial<z.infer<typeof TeamInput>>) {
  const before = await ctx.db.selectFrom("teams").select(["name", "description"]).where("id", "=", id).executeTakeFirst();
  const row = await ctx.db
    .updateTable("teams")
    .set({ ...(input.name !== undefined && { name: input.name }), ...(input.description !== undefined && { description: input.description }) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst()
    .catch((err) => {
      throw nameTaken(err, input.name);
    });
  if (!row) throw notFound("The team");
  await recordAudit(ctx, actor, { action: "team.updated", target: { type: "team", id: row.id, label: row.name }, before, after: { name: row.name, description: row.description } });
  return row;
}
