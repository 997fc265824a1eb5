/**
 * Explicit views of tickets, comments and events. What a requester receives is decided here and
 * in the queries, never by the client: internal notes, internal events, tags and links to
 * tickets they cannot see are left out.
 */
import type { Comment, LastMessage, Ticket, TicketEvent, TicketSummary } from "@tessera/contracts";
import { htmlToText } from "../text/rich-text.ts";
import type { Actor } from "../auth/actor.ts";
import { isStaff } from "../auth/actor.ts";
import type { AppContext, Executor, Reader } from "../context.ts";
import { SLA_BADGE_COLUMNS, slaBadges } from "../sla/badge.ts";
import type { CommentRow, StatusRow, TicketRow } from "../db/schema.ts";
import { presentAttachment } from "../attachments/service.ts";
import { loadFields, parseStoredValue } from "./custom-fields.ts";
import { REQUESTER_EVENT_ACTIONS } from "./events.ts";
import { inverseOf } from "./links.ts";
import { visibleTo } from "./policy.ts";
import { referenceOf } from "./reference.ts";
import { isBackFromSnooze, isSnoozed } from "./snooze.ts";
import { loadStatuses } from "./statuses.ts";
import { draftMarkers, readDraftBy } from "../drafts/queries.ts";

type UserRef = { id: number; name: string; email: string };

async function usersById(db: Executor, ids: Array<number | null>): Promise<Map<number, UserRef>> {
  const unique = [...new Set(ids.filter((x): x is number => x != null))];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom("users").select(["id", "name", "email"]).where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function namesById(db: Executor, table: "teams" | "categories" | "organizations", ids: Array<number | null>) {
  const unique = [...new Set(ids.filter((x): x is number => x != null))];
  if (!unique.length) return new Map<number, { id: number; name: string }>();
  const rows = await db.selectFrom(table).select(["id", "name"]).where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name }]));
}

function statusView(statuses: StatusRow[], key: string) {
  const s = statuses.find((x) => x.key === key)!;
  return { key: s.key, label: s.label, requester_label: s.requester_label, category: s.category as Ticket["status"]["category"] };
}

/**
 * The columns a list row needs. Lists read only these: turning a wide row (description, notes)
 * into a JS object costs more than finding it.
 */
export const SUMMARY_COLUMNS = [
  "id",
  "number",
  "type",
  "subject",
  "status",
  "priority",
  "channel",
  "requester_id",
  "organization_id",
  "category_id",
  "team_id",
  "assignee_id",
  "version",
  "created_at",
  "updated_at",
  "first_response_at",
  "resolved_at",
  "closed_at",
  ...SLA_BADGE_COLUMNS,
  "snoozed_until",
  "snooze_returned_at",
] as const;
export type SummaryRow = Pick<TicketRow, (typeof SUMMARY_COLUMNS)[number]> & { draft_by?: Parameters<typeof readDraftBy>[0] };

/** List rows: one query per related table for the whole page, not per row. */
export async function presentSummaries(r: Reader & Pick<AppContext, "clock">, actor: Actor, rows: SummaryRow[], opts: { lastMessage?: boolean } = {}): Promise<TicketSummary[]> {
  if (!rows.length) return [];
  const db = r.db;
  const ids = rows.map((r) => r.id);
  const [statuses, users, teams, categories, orgs, tags] = await Promise.all([
    loadStatuses(r),
    usersById(
      db,
      rows.flatMap((r) => [r.requester_id, r.assignee_id]),
    ),
    namesById(
      db,
      "teams",
      rows.map((r) => r.team_id),
    ),
    namesById(
      db,
      "categories",
      rows.map((r) => r.category_id),
    ),
    namesById(
      db,
      "organizations",
      rows.map((r) => r.organization_id),
    ),
    isStaff(actor) ? db.selectFrom("ticket_tags").selectAll().where("ticket_id", "in", ids).execute() : Promise.resolve([]),
  ]);
  // A ticket's own page shows the whole thread; only lists need the preview.
  const last = opts.lastMessage === false ? new Map<number, LastRow>() : await lastMessages(db, ids, isStaff(actor));
  const authors = await usersById(
    db,
    [...last.values()].map((c) => c.author_id).filter((id) => !users.has(id!)),
  );
  // SLA countdowns are for agents; requesters ask GET /api/tickets/:id/sla for their expected times.
  // The desk's clock, never the machine's: SLA states and snoozes follow the time the desk runs on.
  const badges = isStaff(actor) ? await slaBadges(r, rows, r.clock.now()) : undefined;
  // Snooze is the team's own bookkeeping: requesters never see it.
  const staff = isStaff(actor);
  const now = r.clock.now().toISOString();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    reference: referenceOf(r),
    type: r.type as Ticket["type"],
    subject: r.subject,
    status: statusView(statuses, r.status),
    priority: r.priority as Ticket["priority"],
    channel: r.channel as Ticket["channel"],
    requester: users.get(r.requester_id)!,
    organization: r.organization_id ? (orgs.get(r.organization_id) ?? null) : null,
    category: r.category_id ? (categories.get(r.category_id) ?? null) : null,
    team: r.team_id ? (teams.get(r.team_id) ?? null) : null,
    assignee: r.assignee_id ? (users.get(r.assignee_id) ?? null) : null,
    version: r.version,
    created_at: r.created_at,
    updated_at: r.updated_at,
    first_response_at: r.first_response_at,
    resolved_at: r.resolved_at,
    closed_at: r.closed_at,
    sla: badges?.get(r.id) ?? null,
    snoozed_until: staff && isSnoozed(r, now) ? r.snoozed_until : null,
    back_from_snooze: staff && isBackFromSnooze(r, now),
    tags: tags
      .filter((t) => t.ticket_id === r.id)
      .map((t) => t.tag)
      .sort(),
    last_message: previewOf(last.get(r.id), r.requester_id, (id) => users.get(id) ?? authors.get(id)),
    draft_by: staff ? readDraftBy(r.draft_by) : [],
  }));
}

type LastRow = Pick<CommentRow, "ticket_id" | "author_id" | "body" | "internal" | "created_at">;

/** The newest comment of each ticket (public ones only for requesters), in one query for the page. */
async function lastMessages(db: Executor, ticketIds: number[], staff: boolean): Promise<Map<number, LastRow>> {
  const newest = db
    .selectFrom("comments")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("ticket_id", "in", ticketIds)
    .$if(!staff, (q) => q.where("internal", "=", 0))
    .groupBy("ticket_id");
  const rows = await db.selectFrom("comments").select(["ticket_id", "author_id", "body", "internal", "created_at"]).where("id", "in", newest).execute();
  return new Map(rows.map((r) => [r.ticket_id, r]));
}

function previewOf(c: LastRow | undefined, requesterId: number, user: (id: number) => UserRef | undefined): LastMessage | null {
  if (!c) return null;
  // Long bodies are cut before conversion: a preview needs the opening words, not the whole thread.
  const text = htmlToText(c.body.slice(0, 4_000));
  return {
    preview: text.length > 160 ? `${text.slice(0, 159)}…` : text,
    internal: !!c.internal,
    from_requester: c.author_id === requesterId,
    author: c.author_id ? (user(c.author_id)?.name ?? null) : null,
    created_at: c.created_at,
  };
}

/** Whether the ticket is, or ever was, in a status that waits on the requester: read from its status changes. */
async function hasWaitedOnRequester(r: Reader, t: TicketRow): Promise<boolean> {
  if (t.status_category === "awaiting_requester") return true;
  const keys = (await loadStatuses(r)).filter((s) => s.category === "awaiting_requester").map((s) => JSON.stringify(s.key));
  if (!keys.length) return false;
  const hit = await r.db.selectFrom("ticket_events").select("id").where("ticket_id", "=", t.id).where("field", "=", "status").where("new_value", "in", keys).limit(1).executeTakeFirst();
  return !!hit;
}

export async function presentTicket(r: Reader & Pick<AppContext, "clock">, actor: Actor, t: TicketRow): Promise<Ticket> {
  const db = r.db;
  const staff = isStaff(actor);
  const [summary] = await presentSummaries(r, actor, [t], { lastMessage: false });
  const [watcherRows, fieldRows, fields, attachments, links, mergedInto, alert, waitedOnRequester, drafts] = await Promise.all([
    db
      .selectFrom("ticket_watchers")
      .innerJoin("users", "users.id", "ticket_watchers.user_id")
      .select(["users.id", "users.name", "users.email"])
      .where("ticket_watchers.ticket_id", "=", t.id)
      .orderBy("users.name")
      .execute(),
    db.selectFrom("ticket_field_values").selectAll().where("ticket_id", "=", t.id).execute(),
    loadFields(r),
    db
      .selectFrom("attachments")
      .leftJoin("comments", "comments.id", "attachments.comment_id")
      .selectAll("attachments")
      .where("attachments.ticket_id", "=", t.id)
      .$if(!staff, (q) => q.where((eb) => eb.or([eb("comments.internal", "is", null), eb("comments.internal", "=", 0)])))
      .orderBy("attachments.id")
      .execute(),
    db
      .selectFrom("ticket_links")
      .selectAll()
      .where((eb) => eb.or([eb("source_id", "=", t.id), eb("target_id", "=", t.id)]))
      .orderBy("id")
      .execute(),
    t.merged_into_id ? db.selectFrom("tickets").selectAll().where("id", "=", t.merged_into_id).where(visibleTo(actor)).executeTakeFirst() : Promise.resolve(undefined),
    staff && t.channel === "alert"
      ? db.selectFrom("alert_incidents").select(["source", "fingerprint", "last_status", "occurrences", "first_seen_at", "last_seen_at"]).where("ticket_id", "=", t.id).executeTakeFirst()
      : Promise.resolve(undefined),
    hasWaitedOnRequester(r, t),
    staff ? draftMarkers(db, t.id) : Promise.resolve([]),
  ]);
  // Linked tickets the caller cannot see are left out rather than named.
  const otherIds = links.map((l) => (l.source_id === t.id ? l.target_id : l.source_id));
  const others = otherIds.length ? await db.selectFrom("tickets").select(["id", "number", "type", "subject", "status"]).where("id", "in", otherIds).where(visibleTo(actor)).execute() : [];
  // Usually the creator is the requester (or the assignee), already looked up for the summary.
  const known = [summary.requester, summary.assignee].find((u) => u?.id === t.created_by_id);
  const createdBy = !staff || !t.created_by_id ? null : (known ?? (await usersById(db, [t.created_by_id])).get(t.created_by_id) ?? null);
  const customFields: Record<string, unknown> = {};
  for (const row of fieldRows) {
    const def = fields.find((f) => f.id === row.field_id);
    if (def && (staff || def.visible_to_requester)) customFields[def.key] = parseStoredValue(def, row.value);
  }
  const ref = (o: { id: number; number: number; type: string; subject: string; status: string }) => ({ id: o.id, reference: referenceOf(o), subject: o.subject, status: o.status });
  return {
    ...summary,
    tags: staff ? summary.tags : [],
    description: t.description,
    impact: t.impact as Ticket["impact"],
    urgency: t.urgency as Ticket["urgency"],
    priority_overridden: !!t.priority_overridden,
    watchers: watcherRows,
    custom_fields: customFields,
    attachments: attachments.map(presentAttachment),
    links: links.flatMap((l) => {
      const outgoing = l.source_id === t.id;
      const other = others.find((o) => o.id === (outgoing ? l.target_id : l.source_id));
      return other ? [{ id: l.id, kind: (outgoing ? l.kind : inverseOf(l.kind)) as Ticket["links"][number]["kind"], ticket: ref(other) }] : [];
    }),
    resolution_note: t.resolution_note,
    root_cause: t.root_cause,
    is_major_incident: !!t.is_major_incident,
    merged_into: mergedInto ? ref(mergedInto) : null,
    created_by: createdBy,
    alert: alert ?? null,
    waited_on_requester: waitedOnRequester,
    drafts,
  };
}

export async function presentComments(db: Executor, rows: CommentRow[]): Promise<Comment[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [users, mentions, attachments] = await Promise.all([
    usersById(
      db,
      rows.map((r) => r.author_id),
    ),
    db
      .selectFrom("comment_mentions")
      .innerJoin("users", "users.id", "comment_mentions.user_id")
      .select(["comment_mentions.comment_id", "users.id", "users.name", "users.email"])
      .where("comment_mentions.comment_id", "in", ids)
      .execute(),
    db.selectFrom("attachments").selectAll().where("comment_id", "in", ids).orderBy("id").execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    ticket_id: r.ticket_id,
    author: r.author_id ? (users.get(r.author_id) ?? null) : null,
    body: r.body,
    internal: !!r.internal,
    mentions: mentions.filter((m) => m.comment_id === r.id).map(({ comment_id: _, ...u }) => u),
    attachments: attachments.filter((a) => a.comment_id === r.id).map(presentAttachment),
    created_at: r.created_at,
  }));
}

export async function presentEvents(
  db: Executor,
  actor: Actor,
  rows: Array<{ id: number; ticket_id: number; actor_id: number | null; via: string; action: string; field: string | null; old_value: string | null; new_value: string | null; created_at: string }>,
): Promise<TicketEvent[]> {
  const visible = isStaff(actor) ? rows : rows.filter((r) => REQUESTER_EVENT_ACTIONS.includes(r.action));
  const users = await usersById(
    db,
    visible.map((r) => r.actor_id),
  );
  return visible.map((r) => ({
    id: r.id,
    ticket_id: r.ticket_id,
    actor: r.actor_id ? (users.get(r.actor_id) ?? null) : null,
    via: r.via,
    action: r.action,
    field: r.field,
    old_value: r.old_value === null ? null : JSON.parse(r.old_value),
    new_value: r.new_value === null ? null : JSON.parse(r.new_value),
    created_at: r.created_at,
  }));
}
