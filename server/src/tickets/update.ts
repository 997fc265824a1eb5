/**
 * Changing a ticket: fields, status (with its rules), tags, watchers and custom fields, at the
 * version the caller read. Writes the events, then runs the in-transaction reactions.
 */
import type { Level, TicketUpdateInput } from "@tessera/contracts";
import { type Insertable, sql } from "kysely";
import type { AppContext } from "../context.ts";
import { type Actor, isStaff } from "../auth/actor.ts";
import type { Database, TicketPatch, TicketRow } from "../db/schema.ts";
import { AppError, forbidden, invalid } from "../errors.ts";
import { slaClock } from "../events/reactions.ts";
import { notify } from "../notifications/service.ts";
import { toStoredHtml } from "../text/rich-text.ts";
import { loadFields, validateFieldValues } from "./custom-fields.ts";
import { type EventInput, recordEvents, viaOf } from "./events.ts";
import { loadMatrix, priorityOf } from "./priority.ts";
import { referenceOf } from "./reference.ts";
import { lockTicket, refuseFields, reindexDescription, reopen, VersionConflict } from "./service.ts";
import { settleSnooze } from "./snooze.ts";
import { allowedTargets, canMove, defaultStatusOf, isFinalCategory, loadStatuses } from "./statuses.ts";
import { activeUser, assertAssignable, assertTeam, findCategory, validateWatchers } from "./write-lookups.ts";

type Tx = AppContext;

const isIncidentLike = (type: string) => type === "incident" || type === "problem";

export async function updateTicket(tx: Tx, actor: Actor, ticketId: number, input: TicketUpdateInput, expectedVersion: number | undefined, opts: { via?: string } = {}): Promise<TicketRow> {
  refuseFields(actor, input, "update");
  const via = opts.via ?? viaOf(actor);
  const now = tx.clock.now().toISOString();
  const t = await lockTicket(tx, ticketId);
  // Colleagues of a sharing organization and watchers may see a request, but only its requester changes it.
  if (!isStaff(actor) && t.requester_id !== actor.id) throw forbidden("Only the requester can change this request.");
  if (expectedVersion === undefined) {
    throw new AppError("precondition_failed", 428, "Send the version you read (the `version` field or an If-Match header) so that no one else's change is overwritten.");
  }
  if (expectedVersion !== t.version) throw new VersionConflict(t);

  const patch: TicketPatch = {};
  const events: EventInput[] = [];
  const change = <K extends keyof TicketRow>(field: K, value: TicketRow[K], action = "field_changed") => {
    if (value === t[field] || (patch as Record<string, unknown>)[field] === value) return;
    (patch as Record<string, unknown>)[field] = value;
    events.push({ action, field, old: t[field], new: value });
  };
  const after = () => ({ ...t, ...patch }) as TicketRow;

  if (input.subject !== undefined) change("subject", input.subject);
  if (input.description !== undefined) change("description", toStoredHtml(input.description, input.format ?? "html", "description"));
  if (input.type !== undefined) change("type", input.type);
  if (input.requester_id !== undefined && input.requester_id !== t.requester_id) {
    const r = await activeUser(tx, input.requester_id, "requester_id");
    change("requester_id", r.id);
    change("organization_id", r.organization_id);
  }
  if (input.category_id !== undefined) {
    await findCategory(tx, input.category_id);
    change("category_id", input.category_id);
  }
  if (input.team_id !== undefined) {
    await assertTeam(tx, input.team_id);
    change("team_id", input.team_id);
  }
  if (input.assignee_id !== undefined) {
    if (input.assignee_id !== null) await assertAssignable(tx, input.assignee_id, after().team_id);
    change("assignee_id", input.assignee_id);
  } else if (patch.team_id !== undefined && t.assignee_id != null && patch.team_id != null) {
    // Moving a ticket to another team unassigns it unless its agent belongs to that team too.
    const stays = await tx.db.selectFrom("team_members").select("user_id").where("team_id", "=", patch.team_id).where("user_id", "=", t.assignee_id).executeTakeFirst();
    if (!stays) change("assignee_id", null);
  }

  // Priority: the matrix decides unless an agent overrides it; null hands it back to the matrix.
  if (input.impact !== undefined) change("impact", input.impact);
  if (input.urgency !== undefined) change("urgency", input.urgency);
  const matrixPriority = priorityOf(await loadMatrix(tx), after().impact as Level, after().urgency as Level);
  if (input.priority !== undefined && input.priority !== null) {
    change("priority_overridden", 1);
    change("priority", input.priority, "priority_overridden");
  } else if (input.priority === null || !t.priority_overridden) {
    if (input.priority === null) change("priority_overridden", 0);
    change("priority", matrixPriority);
  }

  if (input.resolution_note !== undefined) change("resolution_note", input.resolution_note || null);
  if (input.root_cause !== undefined) change("root_cause", input.root_cause || null);
  if (input.is_major_incident !== undefined) {
    if (input.is_major_incident && after().type !== "incident") throw invalid("is_major_incident", "only incidents can be major incidents");
    change("is_major_incident", input.is_major_incident ? 1 : 0);
  }

  let resolvedChildren: TicketRow[] = [];
  if (input.status !== undefined && input.status !== t.status) {
    resolvedChildren = await applyStatus(tx, actor, t, after(), input.status, patch, events, now);
  }

  const sideEvents = await applyCollections(tx, actor, t, input);
  events.push(...sideEvents);
  if (!events.length) return t;

  const updated = await tx.db
    .updateTable("tickets")
    .set({ ...patch, updated_at: now, version: sql`version + 1` })
    .where("id", "=", t.id)
    .where("version", "=", expectedVersion)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw new VersionConflict(await lockTicket(tx, t.id));
  if (patch.subject !== undefined || patch.description !== undefined) await reindexDescription(tx, updated);
  await recordEvents(tx.db, t.id, actor, via, now, events);
  await settleSnooze(tx, actor, t, { fromRequester: false, categoryAfter: updated.status_category, now });
  if (patch.assignee_id) await notify(tx.db, { userIds: [patch.assignee_id], ticketId: t.id, kind: "assigned", actorId: actor.id, summary: `${referenceOf(updated)} ${updated.subject}`, now });
  for (const child of resolvedChildren) await resolveWithParent(tx, actor, child, updated, now);
  // The row as written, with what settling a snooze and the SLA clock changed after it: callers present it without reading it again.
  const snooze =
    t.snoozed_until == null && t.snooze_returned_at == null
      ? {}
      : await tx.db.selectFrom("tickets").select(["snoozed_until", "snoozed_by_id", "snooze_returned_at"]).where("id", "=", t.id).executeTakeFirstOrThrow();
  return { ...updated, ...snooze, ...(await slaClock(tx, t.id, { actor, via })) };
}

/** Status change rules; returns the open children a major incident resolves along with itself. */
async function applyStatus(tx: Tx, actor: Actor, t: TicketRow, next: TicketRow, target: string, patch: TicketPatch, events: EventInput[], now: string): Promise<TicketRow[]> {
  const statuses = await loadStatuses(tx);
  const from = statuses.find((s) => s.key === t.status)!;
  const to = statuses.find((s) => s.key === target && s.active);
  const allowed = allowedTargets(statuses, from);
  if (!to || !canMove(from, to)) {
    throw new AppError(
      "invalid_transition",
      422,
      to ? `A ticket cannot go from ${from.label} to ${to.label}. Allowed: ${allowed.join(", ") || "none (this status is final)"}.` : `There is no status called "${target}".`,
      { from: from.key, to: target, allowed },
    );
  }
  // A requester may cancel, or submit their draft (only its author can see a draft); nothing else.
  const submitsDraft = from.category === "draft" && to.category === "new";
  if (!isStaff(actor) && to.category !== "cancelled" && !submitsDraft) throw forbidden("Requesters can only cancel their request; reply or confirm the resolution instead.");

  let children: TicketRow[] = [];
  if (to.category === "resolved") {
    if (!next.resolution_note?.trim())
      throw new AppError("validation_failed", 422, "resolution_note: say how it was resolved before resolving.", [{ field: "resolution_note", message: "is required to resolve" }]);
    if (isIncidentLike(next.type) && !next.root_cause?.trim())
      throw new AppError("validation_failed", 422, "root_cause: incidents and problems need a root cause before resolving.", [
        { field: "root_cause", message: "is required to resolve an incident or problem" },
      ]);
    children = await openChildren(tx, t.id);
    if (children.length && !next.is_major_incident) {
      throw new AppError("conflict", 409, `Resolve the open child tickets first: ${children.map(referenceOf).join(", ")}.`, {
        open_children: children.map((c) => ({ id: c.id, reference: referenceOf(c) })),
      });
    }
  }
  patch.status = to.key;
  patch.status_category = to.category;
  events.push({ action: "status_changed", field: "status", old: from.key, new: to.key });
  if (to.category === "resolved") patch.resolved_at = now;
  if (from.category === "resolved" && to.category !== "closed") reopen(t, patch, events, "status");
  if (isFinalCategory(to.category)) patch.closed_at = now;
  return children;
}

async function openChildren(tx: Tx, parentId: number): Promise<TicketRow[]> {
  return tx.db
    .selectFrom("tickets")
    .innerJoin("ticket_links", "ticket_links.source_id", "tickets.id")
    .selectAll("tickets")
    .where("ticket_links.target_id", "=", parentId)
    .where("ticket_links.kind", "=", "parent")
    .where("tickets.status_category", "not in", ["resolved", "closed", "cancelled"])
    .execute();
}

/** A major incident's child is resolved with the parent's note and root cause. */
async function resolveWithParent(tx: Tx, actor: Actor, child: TicketRow, parent: TicketRow, now: string) {
  const resolved = defaultStatusOf(await loadStatuses(tx), "resolved");
  await tx.db
    .updateTable("tickets")
    .set({
      status: resolved.key,
      status_category: resolved.category,
      resolution_note: parent.resolution_note,
      root_cause: parent.root_cause,
      resolved_at: now,
      updated_at: now,
      version: sql`version + 1`,
    })
    .where("id", "=", child.id)
    .execute();
  await recordEvents(tx.db, child.id, actor, `major_incident:${referenceOf(parent)}`, now, [
    { action: "status_changed", field: "status", old: child.status, new: resolved.key },
    { action: "field_changed", field: "resolution_note", old: child.resolution_note, new: parent.resolution_note },
  ]);
  await slaClock(tx, child.id, { actor, via: `major_incident:${referenceOf(parent)}` });
}

type SideTable = "ticket_tags" | "ticket_watchers";

/**
 * Rewrites a set stored beside the ticket in `table`, one row per value (`rowOf`), when it
 * changed (both sides sorted); the change is an event.
 */
async function replaceSet<V extends string | number>(
  tx: Tx,
  t: TicketRow,
  events: EventInput[],
  [field, table]: [string, SideTable],
  before: V[],
  after: V[],
  rowOf: (value: V) => Insertable<Database[SideTable]>,
) {
  if (after.join("\n") === before.join("\n")) return;
  await tx.db.deleteFrom(table).where("ticket_id", "=", t.id).execute();
  if (after.length) await tx.db.insertInto(table).values(after.map(rowOf)).execute();
  events.push({ action: "field_changed", field, old: before, new: after });
}

/** Tags, watchers and custom field values: stored beside the ticket, each change an event. */
async function applyCollections(tx: Tx, actor: Actor, t: TicketRow, input: TicketUpdateInput): Promise<EventInput[]> {
  const events: EventInput[] = [];
  if (input.tags !== undefined || input.add_tags !== undefined || input.remove_tags !== undefined) {
    const before = (await tx.db.selectFrom("ticket_tags").select("tag").where("ticket_id", "=", t.id).execute()).map((r) => r.tag).sort();
    let next = new Set(input.tags ?? before);
    for (const tag of input.add_tags ?? []) next.add(tag);
    for (const tag of input.remove_tags ?? []) next.delete(tag);
    await replaceSet(tx, t, events, ["tags", "ticket_tags"], before, [...next].sort(), (tag) => ({ ticket_id: t.id, tag }));
  }
  if (input.watcher_ids !== undefined) {
    const before = (await tx.db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", t.id).execute()).map((r) => r.user_id).sort((a, b) => a - b);
    const afterIds = (await validateWatchers(tx, actor, input.watcher_ids)).sort((a, b) => a - b);
    await replaceSet(tx, t, events, ["watchers", "ticket_watchers"], before, afterIds, (user_id) => ({ ticket_id: t.id, user_id }));
  }
  if (input.custom_fields !== undefined) {
    const defs = await loadFields(tx);
    const values = validateFieldValues(defs, input.custom_fields, { creating: false, requester: !isStaff(actor) });
    const current = await tx.db.selectFrom("ticket_field_values").selectAll().where("ticket_id", "=", t.id).execute();
    for (const [fieldId, value] of values) {
      const old = current.find((c) => c.field_id === fieldId)?.value ?? null;
      if (old === value) continue;
      await tx.db.deleteFrom("ticket_field_values").where("ticket_id", "=", t.id).where("field_id", "=", fieldId).execute();
      if (value !== null) await tx.db.insertInto("ticket_field_values").values({ ticket_id: t.id, field_id: fieldId, value }).execute();
      events.push({ action: "field_changed", field: `custom_fields.${defs.find((d) => d.id === fieldId)!.key}`, old, new: value });
    }
  }
  return events;
}
