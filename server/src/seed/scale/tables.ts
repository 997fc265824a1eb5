/**
 * The tables a seeded desk writes in bulk, with their columns in the order the generator fills
 * them and each column's PostgreSQL type (for the array casts of `unnest`), written as
 * "name type, name type, ...".
 */
export interface BulkTable {
  name: string;
  columns: ReadonlyArray<readonly [string, string]>;
  /** SQLite: the columns to insert into, when they are named otherwise (an FTS5 table's rowid). */
  sqliteNames?: string;
  /** PostgreSQL: the values inserted, from the arrays `u` (each named as its column), when not `u.*`. */
  pgValues?: string;
}

const table = (name: string, spec: string, opts: Pick<BulkTable, "sqliteNames" | "pgValues"> = {}): BulkTable => ({
  ...opts,
  name,
  columns: spec.split(",").map((c) => {
    const [column, type] = c.trim().split(/\s+/);
    return [column, type] as const;
  }),
});

export const TICKETS = table(
  "tickets",
  "id int, number int, type text, subject text, description text, status text, status_category text, priority text, impact text, urgency text, priority_overridden int, channel text, requester_id int, organization_id int, category_id int, team_id int, assignee_id int, created_by_id int, resolution_note text, root_cause text, is_major_incident int, version int, created_at timestamptz, updated_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, closed_at timestamptz, sla_state text, sla_kind text, sla_due_at timestamptz, sla_warn_at timestamptz, sla_remaining_ms bigint, sla_sort text, sla_next_check_at timestamptz",
);

export const TICKET_TAGS = table("ticket_tags", "ticket_id int, tag text");

export const TICKET_WATCHERS = table("ticket_watchers", "ticket_id int, user_id int");

export const COMMENTS = table("comments", "id int, ticket_id int, author_id int, body text, internal int, created_at timestamptz");

export const COMMENT_MENTIONS = table("comment_mentions", "comment_id int, user_id int");

export const TICKET_EVENTS = table("ticket_events", "id int, ticket_id int, actor_id int, via text, action text, field text, old_value text, new_value text, created_at timestamptz");

export const ATTACHMENTS = table("attachments", "id int, sha256 text, size int, filename text, content_type text, uploader_id int, ticket_id int, comment_id int, created_at timestamptz");

/** The text of each description and comment, which a ticket's search row is built from (server/src/search/ticket-index.ts). */
export const SEARCH_DOCUMENTS = table("search_documents", "ticket_id int, comment_id int, internal smallint, body text");

/** The search index, a row per ticket: FTS5 keyed by rowid on SQLite, tsvectors on PostgreSQL (migration 2026-12-07-0022). */
export const TICKET_SEARCH = table("ticket_search", "ticket_id int, public text, internal text", {
  sqliteNames: "rowid, public, internal",
  pgValues: "u.ticket_id, to_tsvector('simple', u.public), to_tsvector('simple', u.internal)",
});

export const SLA_CLOCKS = table(
  "sla_clocks",
  "ticket_id int, policy_id int, policy_name text, calendar_id int, priority text, matched_on text, terms text, state text, since timestamptz, reason text, used_ms bigint, paused_ms bigint, paused_business_ms bigint, updated_at timestamptz",
);

export const SLA_CLOCK_LOG = table("sla_clock_log", "id int, ticket_id int, at timestamptz, kind text, reason text");

export const SLA_TARGETS = table(
  "sla_targets",
  "ticket_id int, kind text, cycle int, started_at timestamptz, target_ms bigint, warn_ms bigint, due_at timestamptz, warn_at timestamptz, met_at timestamptz, used_ms bigint, warned_at timestamptz, breached_at timestamptz",
);

export const SLA_OUTCOMES = table(
  "sla_outcomes",
  "id int, ticket_id int, kind text, cycle int, policy_id int, policy_name text, priority text, target_ms bigint, used_ms bigint, met int, margin_ms bigint, started_at timestamptz, ended_at timestamptz, recorded_at timestamptz",
);

/** In the order a batch is written (a row's references come before it). */
export const BULK_TABLES = [
  TICKETS,
  TICKET_TAGS,
  TICKET_WATCHERS,
  COMMENTS,
  COMMENT_MENTIONS,
  ATTACHMENTS,
  TICKET_EVENTS,
  SEARCH_DOCUMENTS,
  TICKET_SEARCH,
  SLA_CLOCKS,
  SLA_CLOCK_LOG,
  SLA_TARGETS,
  SLA_OUTCOMES,
];

/** Tables whose ids the generator assigns, so that rows can point at each other without reading back. */
export const ID_TABLES = [TICKETS, COMMENTS, TICKET_EVENTS, ATTACHMENTS, SLA_CLOCK_LOG, SLA_OUTCOMES];

/** One batch's rows, by table name: each table's values one row after another, in column order (no array per row). */
export type Batch = Map<string, unknown[]>;

export function newBatch(): Batch {
  return new Map(BULK_TABLES.map((t) => [t.name, []]));
}
