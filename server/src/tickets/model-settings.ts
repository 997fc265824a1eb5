/**
 * Changing the ticket model (admins): statuses and custom fields. Each change forgets the cached
 * list on this node and is audited; a taken key is a 409.
 */
import type { CustomField, CustomFieldInput, CustomFieldUpdateInput, Status, StatusInput, StatusUpdateInput } from "@tessera/contracts";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { flagOf, unlessTaken } from "../db/dialect.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { type AuditEntry, recordAudit } from "../audit/record.ts";
import { FIELDS_KEY } from "./custom-fields.ts";
import { STATUSES_KEY } from "./statuses.ts";

export const presentStatus = (s: { key: string; label: string; requester_label: string; category: string; builtin: number; position: number; active: number }): Status => ({
  ...s,
  category: s.category as Status["category"],
  builtin: !!s.builtin,
  active: !!s.active,
});
export const presentField = (f: { id: number; key: string; label: string; type: string; options: string; required: number; visible_to_requester: number; active: number }): CustomField => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type as CustomField["type"],
  options: JSON.parse(f.options),
  required: !!f.required,
  visible_to_requester: !!f.visible_to_requester,
  active: !!f.active,
});

/**
 * After a status or custom field changes: this node forgets its cached list, and the change is
 * logged (when `log` is given) and audited.
 */
async function afterModelChange(ctx: AppContext, actor: Actor, memoKey: string, audit: AuditEntry, log?: { event: string; key: string }) {
  ctx.memo.forget(memoKey);
  if (log) ctx.log.info({ event: log.event, actor: actor.id, key: log.key }, log.event.replace(/_/g, " "));
  await recordAudit(ctx, actor, audit);
}

export async function createStatus(ctx: AppContext, actor: Actor, input: z.infer<typeof StatusInput>) {
  const row = await unlessTaken(
    ctx.db
      .insertInto("statuses")
      .values({ ...input, position: input.position ?? 500, builtin: 0, active: 1 })
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => conflict(`A status with the key ${input.key} already exists.`),
  );
  await afterModelChange(
    ctx,
    actor,
    STATUSES_KEY,
    { action: "status.created", target: { type: "status", id: row.key, label: row.label }, after: presentStatus(row) },
    { event: "status_created", key: row.key },
  );
  return row;
}

/** Renames, reorders or retires a status; built-in ones cannot be retired. */
export async function updateStatus(ctx: AppContext, actor: Actor, key: string, input: z.infer<typeof StatusUpdateInput>) {
  const existing = await ctx.db.selectFrom("statuses").selectAll().where("key", "=", key).executeTakeFirst();
  if (!existing) throw notFound("The status");
  if (input.active === false && existing.builtin) throw invalid("active", "built-in statuses cannot be retired; rename them instead");
  const { active, ...rest } = input;
  const row = await ctx.db
    .updateTable("statuses")
    .set({ ...rest, ...(active !== undefined && { active: active ? 1 : 0 }) })
    .where("key", "=", key)
    .returningAll()
    .executeTakeFirstOrThrow();
  const audit: AuditEntry = { action: "status.updated", target: { type: "status", id: row.key, label: row.label }, before: presentStatus(existing), after: presentStatus(row) };
  await afterModelChange(ctx, actor, STATUSES_KEY, audit, { event: "status_updated", key: row.key });
  return row;
}

export const listCustomFields = (db: Executor) => db.selectFrom("custom_fields").selectAll().orderBy("id").execute();

export async function createCustomField(ctx: AppContext, actor: Actor, b: z.infer<typeof CustomFieldInput>) {
  if (b.type === "select" && !b.options?.length) throw invalid("options", "a select field needs at least one option");
  const row = await unlessTaken(
    ctx.db
      .insertInto("custom_fields")
      .values({
        key: b.key,
        label: b.label,
        type: b.type,
        options: JSON.stringify(b.options ?? []),
        required: b.required ? 1 : 0,
        visible_to_requester: b.visible_to_requester ? 1 : 0,
        active: 1,
        created_at: ctx.clock.now().toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
    () => conflict(`A field with the key ${b.key} already exists.`),
  );
  const audit: AuditEntry = { action: "custom_field.created", target: { type: "custom_field", id: row.id, label: row.label }, after: presentField(row) };
  await afterModelChange(ctx, actor, FIELDS_KEY, audit, { event: "custom_field_created", key: row.key });
  return row;
}

export async function updateCustomField(ctx: AppContext, actor: Actor, id: number, b: z.infer<typeof CustomFieldUpdateInput>) {
  const before = await ctx.db.selectFrom("custom_fields").selectAll().where("id", "=", id).executeTakeFirst();
  const row = await ctx.db
    .updateTable("custom_fields")
    .set({
      label: b.label,
      options: b.options && JSON.stringify(b.options),
      required: flagOf(b.required),
      visible_to_requester: flagOf(b.visible_to_requester),
      active: flagOf(b.active),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound("The custom field");
  await afterModelChange(ctx, actor, FIELDS_KEY, {
    action: "custom_field.updated",
    target: { type: "custom_field", id: row.id, label: row.label },
    before: before && presentField(before),
    after: presentField(row),
  });
  return row;
}
