/**
 * What a ticket's page and a list page show, each read in one statement: the ticket (or the page's
 * tickets) joined to its people, team, category and organization, with the lists it carries
 * (tags, watchers, fields, attachments, links, drafts) as JSON columns (db/json.ts).
 *
 * Each query is built and compiled once per caller shape (db/prepared.ts): the role, how many teams
 * an agent has, whether a requester belongs to an organization. The caller's id, organization and
 * teams are parameters, and visibility is the same visibleTo() every path uses, applied to a caller
 * made of those parameters.
 */
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from "kysely";
import type { Actor } from "../auth/actor.ts";
import type { Executor } from "../context.ts";
import type { DialectName } from "../db/connect.ts";
import { jsonArrayFrom, jsonBuildObject, onlyIf } from "../db/json.ts";
import { prepared, type Prepared } from "../db/prepared.ts";
import type { Database, TicketRow } from "../db/schema.ts";
import type { AttachmentRow } from "../attachments/service.ts";
import { SLA_BADGE_COLUMNS } from "../sla/badge.ts";
import { draftByColumn, type readDraftBy } from "../drafts/queries.ts";
import { type CallerParams, callerParams, callerShape, shapeActor, shapeKey, visibleTo } from "./policy.ts";

/** A JSON column: parsed (PostgreSQL) or text (SQLite); read it with readJson(). */
type Json<T> = T | string;

export interface PeopleColumns {
  requester_name: string | null;
  requester_email: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
  team_name: string | null;
  category_name: string | null;
  organization_name: string | null;
}

export interface LastMessageRow {
  author_id: number | null;
  author_name: string | null;
  body: string;
  internal: number;
  created_at: string;
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

/** A list row with what it shows beside its own columns. */
export interface PageRow extends SummaryRow, PeopleColumns {
  tags: Json<Array<{ tag: string }>> | null;
  last_message: Json<LastMessageRow> | null;
}

export interface DraftRow {
  id: number;
  name: string;
  mode: string;
  updated_at: string;
}

export type AlertRow = { source: string; fingerprint: string; last_status: "firing" | "resolved"; occurrences: number; first_seen_at: string; last_seen_at: string };

/** A ticket with everything its page shows. Staff-only columns are null for requesters. */
export interface ViewRow extends TicketRow, PeopleColumns {
  creator_name: string | null;
  creator_email: string | null;
  tags: Json<Array<{ tag: string }>> | null;
  watchers: Json<Array<{ id: number; name: string; email: string }>>;
  field_values: Json<Array<{ field_id: number; value: string }>>;
  attachments: Json<AttachmentRow[]>;
  links: Json<Array<{ id: number; source_id: number; target_id: number; kind: string }>>;
  drafts: Json<DraftRow[]> | null;
  alert: Json<AlertRow> | null;
  waited: number | boolean;
}

// A handful of shapes per install (roles × team counts); an agent in very many teams is still one more entry.
const compiled = new Map<string, Prepared<CallerParams, unknown>>();
function once<R>(key: string, build: () => Prepared<CallerParams, R>): Prepared<CallerParams, R> {
  let q = compiled.get(key);
  if (!q) {
    q = build();
    compiled.set(key, q);
  }
  return q as Prepared<CallerParams, R>;
}

type Db = Kysely<Database>;

/** The tickets of a query with their people's, team's, category's and organization's names. */
type WithPeople = SelectQueryBuilder<Database, "tickets", PeopleColumns>;

/**
 * The people, team, category and organization of each ticket of the query. Both engines join
 * them on their ids for a page of tickets. PostgreSQL keeps these statements prepared per
 * connection (db/pg-statements.ts), so the joins' costlier planning is paid once, and each run is
 * cheaper: on a page of 25 tickets a scalar subquery per name cost 35 µs more of the database's
 * CPU (15 µs on the million-ticket desk, where each join reads its table by primary key). For a
 * single ticket the subqueries are the cheaper of the two on PostgreSQL (by 3–15 µs), and cheaper
 * to plan when statements are sent unnamed (TESSERA_PG_PREPARE=off): there each list page plans
 * the joins, about 1.3 ms against 0.6.
 */
function withPeople(db: Db, dialect: DialectName, rows: "one" | "page"): WithPeople {
  if (dialect === "postgres" && rows === "one") {
    return db
      .selectFrom("tickets")
      .select((eb) => [
        eb.selectFrom("users").select("users.name").whereRef("users.id", "=", "tickets.requester_id").as("requester_name"),
        eb.selectFrom("users").select("users.email").whereRef("users.id", "=", "tickets.requester_id").as("requester_email"),
        eb.selectFrom("users").select("users.name").whereRef("users.id", "=", "tickets.assignee_id").as("assignee_name"),
        eb.selectFrom("users").select("users.email").whereRef("users.id", "=", "tickets.assignee_id").as("assignee_email"),
        eb.selectFrom("teams").select("teams.name").whereRef("teams.id", "=", "tickets.team_id").as("team_name"),
        eb.selectFrom("categories").select("categories.name").whereRef("categories.id", "=", "tickets.category_id").as("category_name"),
        eb.selectFrom("organizations").select("organizations.name").whereRef("organizations.id", "=", "tickets.organization_id").as("organization_name"),
      ]) as unknown as WithPeople;
  }
  return db
    .selectFrom("tickets")
    .leftJoin("users as requester", "requester.id", "tickets.requester_id")
    .leftJoin("users as assignee", "assignee.id", "tickets.assignee_id")
    .leftJoin("teams", "teams.id", "tickets.team_id")
    .leftJoin("categories", "categories.id", "tickets.category_id")
    .leftJoin("organizations", "organizations.id", "tickets.organization_id")
    .select([
      "requester.name as requester_name",
      "requester.email as requester_email",
      "assignee.name as assignee_name",
      "assignee.email as assignee_email",
      "teams.name as team_name",
      "categories.name as category_name",
      "organizations.name as organization_name",
    ]) as unknown as WithPeople;
}

const tagsOf = (eb: ExpressionBuilder<Database, "tickets">, dialect: DialectName) =>
  jsonArrayFrom(dialect, eb.selectFrom("ticket_tags").select("ticket_tags.tag").whereRef("ticket_tags.ticket_id", "=", "tickets.id"));

/**
 * One ticket and all its page shows: by id or by number, among the tickets `actor` can see; or,
 * with `visible: false`, the ticket with this id whoever sees it (to answer a change the caller
 * was allowed to make).
 */
export async function readTicketView(db: Executor, dialect: DialectName, actor: Actor, by: "id" | "number", value: number, visible = true): Promise<ViewRow | undefined> {
  const shape = callerShape(actor, visible);
  const q = once<ViewRow>(`${dialect}:view:${by}:${visible}:${shapeKey(shape)}`, () =>
    prepared<CallerParams, ViewRow>((root, p) => {
      const staff = shape.who !== "requester";
      const caller = shapeActor(shape, p);
      return withPeople(root, dialect, "one")
        .selectAll("tickets")
        .select((eb) => [
          eb.selectFrom("users").select("users.name").whereRef("users.id", "=", "tickets.created_by_id").as("creator_name"),
          eb.selectFrom("users").select("users.email").whereRef("users.id", "=", "tickets.created_by_id").as("creator_email"),
        ])
        .select((eb) => [
          onlyIf(staff, tagsOf(eb, dialect)).as("tags"),
          jsonArrayFrom(
            dialect,
            eb
              .selectFrom("ticket_watchers")
              .innerJoin("users", "users.id", "ticket_watchers.user_id")
              .select(["users.id", "users.name", "users.email"])
              .whereRef("ticket_watchers.ticket_id", "=", "tickets.id")
              .orderBy("users.name"),
          ).as("watchers"),
          jsonArrayFrom(
            dialect,
            eb.selectFrom("ticket_field_values").select(["ticket_field_values.field_id", "ticket_field_values.value"]).whereRef("ticket_field_values.ticket_id", "=", "tickets.id"),
          ).as("field_values"),
          jsonArrayFrom(
            dialect,
            eb
              .selectFrom("attachments")
              .leftJoin("comments", "comments.id", "attachments.comment_id")
              .select([
                "attachments.id",
                "attachments.sha256",
                "attachments.size",
                "attachments.filename",
                "attachments.content_type",
                "attachments.uploader_id",
                "attachments.ticket_id",
                "attachments.comment_id",
                "attachments.created_at",
              ])
              .whereRef("attachments.ticket_id", "=", "tickets.id")
              // Attachments of internal notes are the team's own.
              .$if(!staff, (a) => a.where((w) => w.or([w("comments.internal", "is", null), w("comments.internal", "=", 0)])))
              .orderBy("attachments.id"),
          ).as("attachments"),
          jsonArrayFrom(
            dialect,
            eb
              .selectFrom("ticket_links")
              .select(["ticket_links.id", "ticket_links.source_id", "ticket_links.target_id", "ticket_links.kind"])
              .where((w) => w.or([w("ticket_links.source_id", "=", w.ref("tickets.id")), w("ticket_links.target_id", "=", w.ref("tickets.id"))]))
              .orderBy("ticket_links.id"),
          ).as("links"),
          onlyIf(
            staff,
            jsonArrayFrom(
              dialect,
              eb
                .selectFrom("reply_drafts")
                .innerJoin("users", "users.id", "reply_drafts.user_id")
                .select(["users.id", "users.name", "reply_drafts.mode", "reply_drafts.updated_at"])
                .whereRef("reply_drafts.ticket_id", "=", "tickets.id")
                .orderBy("reply_drafts.updated_at", "desc")
                .orderBy("users.id"),
            ),
          ).as("drafts"),
          staff
            ? eb
                .selectFrom("alert_incidents")
                .select((a) =>
                  jsonBuildObject(dialect, {
                    source: a.ref("alert_incidents.source"),
                    fingerprint: a.ref("alert_incidents.fingerprint"),
                    last_status: a.ref("alert_incidents.last_status"),
                    occurrences: a.ref("alert_incidents.occurrences"),
                    first_seen_at: a.ref("alert_incidents.first_seen_at"),
                    last_seen_at: a.ref("alert_incidents.last_seen_at"),
                  }).as("alert"),
                )
                .whereRef("alert_incidents.ticket_id", "=", "tickets.id")
                .limit(sql.lit(1))
                .as("alert")
            : sql<null>`null`.as("alert"),
          // Ever in a status that waits on the requester: status events store the key as JSON text.
          eb
            .exists(
              eb
                .selectFrom("ticket_events")
                .select("ticket_events.id")
                .whereRef("ticket_events.ticket_id", "=", "tickets.id")
                .where("ticket_events.field", "=", "status")
                .where(
                  "ticket_events.new_value",
                  "in",
                  eb
                    .selectFrom("statuses")
                    .select(sql<string>`'"' || statuses.key || '"'`.as("quoted"))
                    .where("statuses.category", "=", "awaiting_requester"),
                ),
            )
            .as("waited"),
        ])
        .where(`tickets.${by}`, "=", p["ticket.key"] as number)
        .$if(visible, (w) => w.where(visibleTo(caller)));
    }),
  );
  return q.first(db, { ...callerParams(actor), "ticket.key": value });
}

/** Bound placeholders for a page of ids: a few list lengths, each compiled once, padded by repeating an id. */
const ID_SLOTS = [1, 4, 16, 32, 64, 128, 256];

/**
 * A page of list rows by id, with what each shows, in one statement; only the tickets `actor`
 * can see (the list found them so a moment ago: one changed since is left out), in no order.
 */
export async function readPageRows(db: Executor, dialect: DialectName, actor: Actor, ids: number[]): Promise<PageRow[]> {
  const out: PageRow[] = [];
  const shape = callerShape(actor);
  const staff = shape.who !== "requester";
  const most = ID_SLOTS[ID_SLOTS.length - 1];
  for (let from = 0; from < ids.length; from += most) {
    const chunk = ids.slice(from, from + most);
    const slots = ID_SLOTS.find((n) => n >= chunk.length)!;
    const q = once<PageRow>(`${dialect}:page:${slots}:${shapeKey(shape)}`, () =>
      prepared<CallerParams, PageRow>((root, p) =>
        withPeople(root, dialect, "page")
          .select(SUMMARY_COLUMNS.map((c) => `tickets.${c}` as const))
          .select((eb) => [
            // Who is drafting (agents only: requesters never learn of drafts).
            staff ? draftByColumn(dialect).as("draft_by") : sql<null>`null`.as("draft_by"),
            onlyIf(staff, tagsOf(eb, dialect)).as("tags"),
            // The newest message, public ones only for requesters; a preview needs only the opening words.
            eb
              .selectFrom("comments")
              .leftJoin("users", "users.id", "comments.author_id")
              .select((c) =>
                jsonBuildObject(dialect, {
                  author_id: c.ref("comments.author_id"),
                  author_name: c.ref("users.name"),
                  body: sql<string>`substr(comments.body, 1, 4000)`,
                  internal: c.ref("comments.internal"),
                  created_at: c.ref("comments.created_at"),
                }).as("last_message"),
              )
              .whereRef("comments.ticket_id", "=", "tickets.id")
              .$if(!staff, (c) => c.where("comments.internal", "=", 0))
              .orderBy("comments.id", "desc")
              .limit(sql.lit(1))
              .as("last_message"),
          ])
          .where(
            "tickets.id",
            "in",
            Array.from({ length: slots }, (_, i) => p[`ticket.${i}`] as number),
          )
          .where(visibleTo(shapeActor(shape, p))),
      ),
    );
    const params = callerParams(actor);
    for (let i = 0; i < slots; i++) params[`ticket.${i}`] = chunk[Math.min(i, chunk.length - 1)];
    out.push(...(await q.all(db, params)));
  }
  return out;
}
