/** Links between tickets, merging a duplicate into its primary, and splitting a comment out. */
import type { LinkKind } from "@tessera/contracts";
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import type { Actor } from "../auth/actor.ts";
import type { TicketRow } from "../db/schema.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { AppError, conflict, invalid, notFound } from "../errors.ts";
import { htmlToText } from "../text/rich-text.ts";
import { recordEvents, viaOf } from "./events.ts";
import { createTicket } from "./create.ts";
import { lockTicket } from "./service.ts";
import { refreshTicketSearch } from "../search/ticket-index.ts";
import { referenceOf } from "./reference.ts";
import { defaultStatusOf, isFinalCategory, loadStatuses } from "./statuses.ts";
import { syncSla } from "../sla/sync.ts";

type Tx = AppContext;

/**
 * Links are stored in one direction: `parent` (source's parent is target), `duplicate_of`,
 * `caused_by` (incident → problem) and `related`. `child` is a parent link made from the other end.
 */
export async function addLink(tx: Tx, actor: Actor, from: TicketRow, kind: LinkKind, to: TicketRow) {
  if (from.id === to.id) throw invalid("target", "a ticket cannot be linked to itself");
  const [source, target, stored] = kind === "child" ? [to, from, "parent"] : [from, to, kind];
  if (stored === "caused_by" && (source.type !== "incident" || target.type !== "problem")) {
    throw invalid("kind", "caused_by links an incident to the problem that caused it");
  }
  if (stored === "parent") await assertNoCycle(tx, source.id, target.id);
  const now = tx.clock.now().toISOString();
  let link;
  try {
    link = await tx.db
      .insertInto("ticket_links")
      .values({ source_id: source.id, target_id: target.id, kind: stored, created_by_id: actor.id, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("These tickets are already linked that way.");
    throw err;
  }
  const via = viaOf(actor);
  await recordEvents(tx.db, from.id, actor, via, now, [{ action: "linked", new: { kind, ticket_id: to.id, reference: referenceOf(to) } }]);
  await recordEvents(tx.db, to.id, actor, via, now, [{ action: "linked", new: { kind: inverseOf(kind), ticket_id: from.id, reference: referenceOf(from) } }]);
  return link.id;
}

export function inverseOf(kind: string): string {
  return ({ parent: "child", child: "parent", duplicate_of: "duplicated_by", caused_by: "causes", related: "related" } as Record<string, string>)[kind] ?? kind;
}

async function assertNoCycle(tx: Tx, childId: number, parentId: number) {
  const existing = await tx.db.selectFrom("ticket_links").select("target_id").where("source_id", "=", childId).where("kind", "=", "parent").executeTakeFirst();
  if (existing) throw conflict("This ticket already has a parent; remove that link first.");
  // Walk up from the new parent; meeting the child would make it its own ancestor.
  for (let id: number | undefined = parentId, depth = 0; id !== undefined && depth < 100; depth++) {
    if (id === childId) throw invalid("target", "a ticket cannot be the parent of its own parent");
    const up = await tx.db.selectFrom("ticket_links").select("target_id").where("source_id", "=", id).where("kind", "=", "parent").executeTakeFirst();
    id = up?.target_id;
  }
}

export async function removeLink(tx: Tx, actor: Actor, ticket: TicketRow, linkId: number) {
  const link = await tx.db
    .selectFrom("ticket_links")
    .selectAll()
    .where("id", "=", linkId)
    .where((eb) => eb.or([eb("source_id", "=", ticket.id), eb("target_id", "=", ticket.id)]))
    .executeTakeFirst();
  if (!link) throw notFound("The link");
  await tx.db.deleteFrom("ticket_links").where("id", "=", linkId).execute();
  const now = tx.clock.now().toISOString();
  for (const [id, other, kind] of [
    [link.source_id, link.target_id, link.kind],
    [link.target_id, link.source_id, inverseOf(link.kind)],
  ] as const) {
    await recordEvents(tx.db, id, actor, viaOf(actor), now, [{ action: "unlinked", old: { kind, ticket_id: other } }]);
  }
}

/**
 * Merges `duplicate` into `primary`: its comments, attachments and watchers (and its requester,
 * as a watcher) move over, and the duplicate closes with a duplicate_of link.
 */
export async function mergeTickets(tx: Tx, actor: Actor, duplicate: TicketRow, primary: TicketRow) {
  if (duplicate.id === primary.id) throw invalid("into", "a ticket cannot be merged into itself");
  const dup = await lockTicket(tx, duplicate.id);
  const prim = await lockTicket(tx, primary.id);
  if (isFinalCategory(dup.status_category)) throw conflict(`${referenceOf(dup)} is already closed; it cannot be merged.`);
  if (isFinalCategory(prim.status_category)) throw conflict(`${referenceOf(prim)} is closed; merge into an open ticket.`);
  const now = tx.clock.now().toISOString();

  const moved = await tx.db
    .updateTable("comments")
    .set({ ticket_id: prim.id, original_ticket_id: sql`coalesce(original_ticket_id, ${dup.id})` })
    .where("ticket_id", "=", dup.id)
    .executeTakeFirst();
  await tx.db.updateTable("search_documents").set({ ticket_id: prim.id }).where("ticket_id", "=", dup.id).where("comment_id", "is not", null).execute();
  await refreshTicketSearch(tx, [dup.id, prim.id]);
  await tx.db.updateTable("attachments").set({ ticket_id: prim.id }).where("ticket_id", "=", dup.id).execute();
  const watchers = (await tx.db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", dup.id).execute()).map((w) => w.user_id);
  const newWatchers = [...new Set([...watchers, dup.requester_id])].filter((id) => id !== prim.requester_id);
  if (newWatchers.length) {
    await tx.db
      .insertInto("ticket_watchers")
      .values(newWatchers.map((user_id) => ({ ticket_id: prim.id, user_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await tx.db
    .insertInto("ticket_links")
    .values({ source_id: dup.id, target_id: prim.id, kind: "duplicate_of", created_by_id: actor.id, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const closed = defaultStatusOf(await loadStatuses(tx), "closed");
  const note = `Merged into ${referenceOf(prim)}.`;
  await tx.db
    .updateTable("tickets")
    .set({ status: closed.key, status_category: closed.category, merged_into_id: prim.id, resolution_note: dup.resolution_note ?? note, closed_at: now, updated_at: now, version: sql`version + 1` })
    .where("id", "=", dup.id)
    .execute();
  await tx.db
    .updateTable("tickets")
    .set({ updated_at: now, version: sql`version + 1` })
    .where("id", "=", prim.id)
    .execute();

  const via = `merge:${referenceOf(dup)}`;
  await recordEvents(tx.db, dup.id, actor, viaOf(actor), now, [
    { action: "merged_into", new: { ticket_id: prim.id, reference: referenceOf(prim) } },
    { action: "status_changed", field: "status", old: dup.status, new: closed.key },
  ]);
  await recordEvents(tx.db, prim.id, actor, via, now, [
    { action: "merged_from", new: { ticket_id: dup.id, reference: referenceOf(dup), comments: Number(moved.numUpdatedRows), watchers: newWatchers } },
  ]);
  // The duplicate's clock stops; the primary may have gained messages awaiting an answer.
  await syncSla(tx, dup.id, { actor, via: viaOf(actor) });
  await syncSla(tx, prim.id, { actor, via });
}

/** Makes a new child ticket from one comment of `parent`. */
export async function splitTicket(tx: Tx, actor: Actor, parent: TicketRow, commentId: number, subject?: string) {
  const comment = await tx.db.selectFrom("comments").selectAll().where("id", "=", commentId).where("ticket_id", "=", parent.id).executeTakeFirst();
  if (!comment) throw invalid("comment_id", "no comment of this ticket has that id");
  // The child belongs to a requester, whose ticket shows its description: a note would leak.
  if (comment.internal)
    throw new AppError("validation_failed", 422, "comment_id: internal notes cannot be split into a ticket the requester can read; reply publicly first.", [
      { field: "comment_id", message: "is an internal note" },
    ]);
  if (isFinalCategory(parent.status_category)) throw new AppError("conflict", 409, "A closed ticket cannot be split.");
  const author = comment.author_id ? await tx.db.selectFrom("users").select(["id", "role", "active"]).where("id", "=", comment.author_id).executeTakeFirst() : undefined;
  const requesterId = author && author.role === "requester" && author.active ? author.id : parent.requester_id;
  const text = htmlToText(comment.body);
  const child = await createTicket(tx, actor, {
    subject: subject ?? `${text.slice(0, 120) || "Split"}${text.length > 120 ? "…" : ""}`,
    description: comment.body,
    format: "html",
    type: parent.type as "incident",
    requester_id: requesterId,
    category_id: parent.category_id,
    team_id: parent.team_id,
    impact: parent.impact as "medium",
    urgency: parent.urgency as "medium",
  });
  const now = tx.clock.now().toISOString();
  await tx.db.insertInto("ticket_links").values({ source_id: child.id, target_id: parent.id, kind: "parent", created_by_id: actor.id, created_at: now }).execute();
  await recordEvents(tx.db, parent.id, actor, viaOf(actor), now, [{ action: "split_to", new: { ticket_id: child.id, reference: referenceOf(child), comment_id: commentId } }]);
  await recordEvents(tx.db, child.id, actor, viaOf(actor), now, [{ action: "split_from", new: { ticket_id: parent.id, reference: referenceOf(parent), comment_id: commentId } }]);
  return child;
}
