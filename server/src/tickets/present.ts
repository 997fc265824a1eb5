/**
 * Explicit views of tickets, comments and events. What a requester receives is decided here and
 * in the queries, never by the client: internal notes, internal events, tags and links to
 * tickets they cannot see are left out.
 */
import type { Comment, LastMessage, Ticket, TicketEvent, TicketSummary } from "@tessera/contracts";
import { htmlToText } from "../text/rich-text.ts";
import type { Actor } from "../auth/actor.ts";
import { isStaff } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { slaBadges } from "../sla/badge.ts";
import type { CommentRow, StatusRow, TicketRow } from "../db/schema.ts";
import { instantOf, readJson } from "../db/json.ts";
import type { DialectName } from "../db/connect.ts";
import { presentAttachment } from "../attachments/service.ts";
import { loadFields, parseStoredValue } from "./custom-fields.ts";
import { REQUESTER_EVENT_ACTIONS } from "./events.ts";
import { inverseOf } from "./links.ts";
import { visibleTo } from "./policy.ts";
import { parseTicketKey, referenceOf } from "./reference.ts";
import { isBackFromSnooze, isSnoozed } from "./snooze.ts";
import { loadStatuses } from "./statuses.ts";
import { readDraftBy } from "../drafts/queries.ts";
import { type LastMessageRow, type PageRow, type PeopleColumns, readPageRows, readTicketView, type SummaryRow, type ViewRow } from "./view-queries.ts";

/** What presenting reads with: the database (or transaction), its engine, the settings cache and the desk's clock. */
export type Presenter = Pick<AppContext, "db" | "dialect" | "memo" | "clock">;

type UserRef = { id: number; name: string; email: string };

async function usersById(db: Executor, ids: Array<number | null>): Promise<Map<number, UserRef>> {
  const unique = [...new Set(ids.filter((x): x is number => x != null))];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom("users").select(["id", "name", "email"]).where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function statusView(statuses: StatusRow[], key: string) {
  const s = statuses.find((x) => x.key === key)!;
  return { key: s.key, label: s.label, requester_label: s.requester_label, category: s.category as Ticket["status"]["category"] };
}

const person = (id: number | null, name: string | null, email: string | null): UserRef | null => (id != null && name != null ? { id, name, email: email! } : null);
const named = (id: number | null, name: string | null) => (id != null && name != null ? { id, name } : null);

/** What a row shows beside its own columns and its people's names, read by the page's (or the ticket's) one query. */
interface Related {
  tags: string[];
  last: LastMessageRow | null;
}

/** Shared by every row of a page. */
interface PageFacts {
  /** A status as rows show it; one object per status for the whole page. */
  statusView(key: string): TicketSummary["status"];
  staff: boolean;
  now: string;
  badges: Map<number, NonNullable<TicketSummary["sla"]>> | undefined;
  dialect: DialectName;
}

function summaryOf(r: SummaryRow, names: PeopleColumns, rel: Related, page: PageFacts): TicketSummary {
  const { staff, now } = page;
  const requester = person(r.requester_id, names.requester_name, names.requester_email)!;
  return {
    id: r.id,
    number: r.number,
    reference: referenceOf(r),
    type: r.type as Ticket["type"],
    subject: r.subject,
    status: page.statusView(r.status),
    priority: r.priority as Ticket["priority"],
    channel: r.channel as Ticket["channel"],
    requester,
    organization: named(r.organization_id, names.organization_name),
    category: named(r.category_id, names.category_name),
    team: named(r.team_id, names.team_name),
    assignee: person(r.assignee_id, names.assignee_name, names.assignee_email),
    version: r.version,
    created_at: r.created_at,
    updated_at: r.updated_at,
    first_response_at: r.first_response_at,
    resolved_at: r.resolved_at,
    closed_at: r.closed_at,
    sla: page.badges?.get(r.id) ?? null,
    // Snooze is the team's own bookkeeping: requesters never see it.
    snoozed_until: staff && isSnoozed(r, now) ? r.snoozed_until : null,
    back_from_snooze: staff && isBackFromSnooze(r, now),
    tags: rel.tags.sort(),
    last_message: previewOf(rel.last, r.requester_id, page.dialect),
    draft_by: staff ? readDraftBy(r.draft_by) : [],
  };
}

/** What every row of a page shares: statuses, the caller's kind, the desk's clock and the SLA badges. */
async function pageFacts(r: Presenter, actor: Actor, rows: SummaryRow[]): Promise<PageFacts> {
  const staff = isStaff(actor);
  // SLA countdowns are for agents; requesters ask GET /api/tickets/:id/sla for their expected times.
  // The desk's clock, never the machine's: SLA states and snoozes follow the time the desk runs on.
  const [statuses, badges] = await Promise.all([loadStatuses(r), staff ? slaBadges(r, rows, r.clock.now()) : undefined]);
  const views = new Map<string, TicketSummary["status"]>();
  const viewOf = (key: string) => {
    let v = views.get(key);
    if (!v) views.set(key, (v = statusView(statuses, key)));
    return v;
  };
  return { statusView: viewOf, staff, now: r.clock.now().toISOString(), badges, dialect: r.dialect };
}

const tagList = (tags: PageRow["tags"]) => (tags ? readJson(tags).map((t) => t.tag) : []);

/** The rows of a list page, in the order of `ids`: one query for the whole page, not one per row or per table. */
export async function presentSummaries(r: Presenter, actor: Actor, ids: number[]): Promise<TicketSummary[]> {
  if (!ids.length) return [];
  const rows = await readPageRows(r.db, r.dialect, actor, ids);
  const page = await pageFacts(r, actor, rows);
  const byId = new Map(rows.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    // The row itself carries the names: copying its forty columns into another object cost more than presenting it.
    return p ? [summaryOf(p, p, { tags: tagList(p.tags), last: p.last_message ? readJson(p.last_message) : null }, page)] : [];
  });
}

function previewOf(c: LastMessageRow | null, requesterId: number, dialect: DialectName): LastMessage | null {
  if (!c) return null;
  // Long bodies are cut before conversion: a preview needs the opening words, not the whole thread.
  const text = htmlToText(c.body.slice(0, 4_000));
  return {
    preview: text.length > 160 ? `${text.slice(0, 159)}…` : text,
    internal: !!c.internal,
    from_requester: c.author_id === requesterId,
    author: c.author_id ? c.author_name : null,
    created_at: instantOf(dialect, c.created_at),
  };
}

/**
 * The ticket `key` names (an id or a reference such as INC-1042) if the actor may see it, by the
 * same rule as findVisibleTicket, with all its page shows read in one statement. A bare number is
 * tried as an id first, then as a reference number. Undefined when this caller has no such ticket.
 */
export async function readVisibleTicket(r: Presenter, actor: Actor, key: string): Promise<Ticket | undefined> {
  const parsed = parseTicketKey(key);
  if (!parsed) return undefined;
  const byId = parsed.id !== undefined;
  let row = await readTicketView(r.db, r.dialect, actor, byId ? "id" : "number", (parsed.id ?? parsed.number)!);
  if (!row && byId) row = await readTicketView(r.db, r.dialect, actor, "number", parsed.id!);
  return row && ticketOf(r, actor, row, row);
}

/** A ticket the actor was allowed to act on, as it stands in `t` (e.g. just written, inside the change's transaction). */
export async function presentTicket(r: Presenter, actor: Actor, t: TicketRow): Promise<Ticket> {
  const view = await readTicketView(r.db, r.dialect, actor, "id", t.id, false);
  if (!view) throw new Error(`ticket ${t.id} vanished while being presented`);
  return ticketOf(r, actor, t, view);
}

async function ticketOf(r: Presenter, actor: Actor, t: TicketRow, view: ViewRow): Promise<Ticket> {
  const db = r.db;
  const staff = isStaff(actor);
  const links = readJson(view.links);
  // Linked tickets the caller cannot see are left out rather than named; rare, so read only when there are links.
  const otherIds = links.map((l) => (l.source_id === t.id ? l.target_id : l.source_id));
  const [page, fields, others, mergedInto] = await Promise.all([
    pageFacts(r, actor, [t]),
    loadFields(r),
    otherIds.length ? db.selectFrom("tickets").select(["id", "number", "type", "subject", "status"]).where("id", "in", otherIds).where(visibleTo(actor)).execute() : [],
    t.merged_into_id ? db.selectFrom("tickets").selectAll().where("id", "=", t.merged_into_id).where(visibleTo(actor)).executeTakeFirst() : undefined,
  ]);
  // A ticket's own page shows the whole thread; only lists need the preview.
  const summary = summaryOf(t, view, { tags: tagList(view.tags), last: null }, page);
  const customFields: Record<string, unknown> = {};
  for (const row of readJson(view.field_values)) {
    const def = fields.find((f) => f.id === row.field_id);
    if (def && (staff || def.visible_to_requester)) customFields[def.key] = parseStoredValue(def, row.value);
  }
  const ref = (o: { id: number; number: number; type: string; subject: string; status: string }) => ({ id: o.id, reference: referenceOf(o), subject: o.subject, status: o.status });
  const alert = staff && t.channel === "alert" && view.alert ? readJson(view.alert) : null;
  const at = (v: string) => instantOf(r.dialect, v);
  return {
    ...summary,
    tags: staff ? summary.tags : [],
    description: t.description,
    impact: t.impact as Ticket["impact"],
    urgency: t.urgency as Ticket["urgency"],
    priority_overridden: !!t.priority_overridden,
    watchers: readJson(view.watchers),
    custom_fields: customFields,
    attachments: readJson(view.attachments).map((a) => presentAttachment({ ...a, created_at: at(a.created_at) })),
    links: links.flatMap((l) => {
      const outgoing = l.source_id === t.id;
      const other = others.find((o) => o.id === (outgoing ? l.target_id : l.source_id));
      return other ? [{ id: l.id, kind: (outgoing ? l.kind : inverseOf(l.kind)) as Ticket["links"][number]["kind"], ticket: ref(other) }] : [];
    }),
    resolution_note: t.resolution_note,
    root_cause: t.root_cause,
    is_major_incident: !!t.is_major_incident,
    merged_into: mergedInto ? ref(mergedInto) : null,
    created_by: staff ? person(t.created_by_id, view.creator_name, view.creator_email) : null,
    alert: alert && { ...alert, first_seen_at: at(alert.first_seen_at), last_seen_at: at(alert.last_seen_at) },
    // Is, or ever was, in a status that waits on the requester.
    waited_on_requester: t.status_category === "awaiting_requester" || !!view.waited,
    drafts: staff && view.drafts ? readJson(view.drafts).map((d) => ({ user: { id: d.id, name: d.name }, mode: d.mode as "reply" | "note", updated_at: at(d.updated_at) })) : [],
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
