/** Adding and changing organizations (admins); each change is audited. */
import type { OrganizationInput } from "@tessera/contracts";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import { flagOf } from "../db/dialect.ts";
import { notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { presentOrganization } from "./present.ts";

export async function createOrganization(ctx: AppContext, actor: Actor, input: z.infer<typeof OrganizationInput>) {
  const row = await ctx.db
    .insertInto("organizations")
    .values({ name: input.name, domain: input.domain ?? null, shares_tickets: input.shares_tickets ? 1 : 0, created_at: ctx.clock.now().toISOString() })
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.log.info({ event: "organization_created", actor: actor.id, id: row.id }, "organization created");
  await recordAudit(ctx, actor, { action: "organization.created", target: { type: "organization", id: row.id, label: row.name }, after: presentOrganization(row) });
  return row;
}

export async function updateOrganization(ctx: AppContext, actor: Actor, id: number, b: Partial<z.infer<typeof OrganizationInput>>) {
  const before = await ctx.db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
  const row = await ctx.db
    .updateTable("organizations")
    .set({ name: b.name, domain: b.domain, shares_tickets: flagOf(b.shares_tickets) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound("The organization");
  ctx.log.info({ event: "organization_updated", actor: actor.id, id: row.id }, "organization updated");
  await recordAudit(ctx, actor, {
    action: "organization.updated",
    target: { type: "organization", id: row.id, label: row.name },
    before: before && presentOrganization(before),
    after: presentOrganization(row),
  });
  return row;
}
