/**
 * Row types of every table, as the application sees them. Times are ISO 8601 strings in UTC on
 * both engines (PostgreSQL's timestamptz is parsed into that form in connect.ts); flags are 0/1
 * integers; JSON is stored as text.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";
import type { SlaTables } from "./tables/sla.ts";
import type { MailInTables } from "./tables/mail-in.ts";
import type { MailOutTables } from "./tables/mail-out.ts";
import type { RepliesTables } from "./tables/replies.ts";
import type { AuditTables } from "./tables/audit.ts";
import type { DraftTables } from "./tables/drafts.ts";
import type { NotificationTables } from "./tables/notifications.ts";
import type { JobsTable } from "./tables/jobs.ts";
import type { EventTables, XactIdColumn } from "./tables/events.ts";

type Flag = number;

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface OrganizationsTable {
  id: Generated<number>;
  name: string;
  domain: string | null;
  shares_tickets: Flag;
  created_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: "requester" | "agent" | "supervisor" | "admin";
  password_hash: string | null;
  organization_id: number | null;
  active: Flag;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  /** Space-separated scopes (auth/scopes.ts); `all` for tokens made before scopes existed. */
  scopes: Generated<string>;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: string;
}

export interface TeamsTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: string;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
}

export interface CategoriesTable {
  id: Generated<number>;
  parent_id: number | null;
  name: string;
  default_team_id: number | null;
  default_type: string | null;
  active: Flag;
  created_at: string;
}

export interface StatusesTable {
  key: string;
  label: string;
  requester_label: string;
  category: string;
  builtin: Flag;
  position: number;
  active: Flag;
}

export interface CustomFieldsTable {
  id: Generated<number>;
  key: string;
  label: string;
  type: string;
  options: string;
  required: Flag;
  visible_to_requester: Flag;
  active: Flag;
  created_at: string;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface TicketsTable {
  id: Generated<number>;
  number: number;
  type: string;
  subject: string;
  description: string;
  status: string;
  status_category: string;
  priority: string;
  impact: string;
  urgency: string;
  priority_overridden: Flag;
  channel: string;
  requester_id: number;
  organization_id: number | null;
  category_id: number | null;
  team_id: number | null;
  assignee_id: number | null;
  created_by_id: number | null;
  resolution_note: string | null;
  root_cause: string | null;
  is_major_incident: Flag;
  merged_into_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
}

export interface TicketTagsTable {
  ticket_id: number;
  tag: string;
}

export interface TicketWatchersTable {
  ticket_id: number;
  user_id: number;
}

export interface TicketFieldValuesTable {
  ticket_id: number;
  field_id: number;
  value: string;
}

export interface CommentsTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number | null;
  body: string;
  internal: Flag;
  /** The ticket the comment was written on, when a merge moved it elsewhere. */
  original_ticket_id: number | null;
  created_at: string;
}

export interface CommentMentionsTable {
  comment_id: number;
  user_id: number;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  actor_id: number | null;
  via: string;
  action: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  created_at: string;
  /** The writing transaction's id on PostgreSQL (set by the database), 0 on SQLite; see events/feed.ts. */
  xact_id: XactIdColumn;
}

export interface TicketLinksTable {
  id: Generated<number>;
  source_id: number;
  target_id: number;
  kind: string;
  created_by_id: number | null;
  created_at: string;
}

export interface AttachmentsTable {
  id: Generated<number>;
  sha256: string;
  size: number;
  filename: string;
  content_type: string;
  uploader_id: number | null;
  ticket_id: number | null;
  comment_id: number | null;
  created_at: string;
}

export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface SearchDocumentsTable {
  ticket_id: number;
  comment_id: number | null;
  internal: Flag;
  body: string;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  ticket_id: number | null;
  kind: string;
  actor_id: number | null;
  summary: string;
  created_at: string;
  read_at: string | null;
}

export interface PresenceTable {
  ticket_id: number;
  user_id: number;
  state: string;
  updated_at: string;
}

export interface SavedViewsTable {
  id: Generated<number>;
  owner_id: number;
  team_id: number | null;
  name: string;
  filters: string;
  columns: string;
  position: number;
  created_at: string;
  updated_at: string;
}

/** Every table: the core ones above, each domain's in db/tables/ (the database layer imports no domain). */
export interface Database extends SlaTables, MailInTables, MailOutTables, RepliesTables, AuditTables, NotificationTables, DraftTables, EventTables {
  settings: SettingsTable;
  /** The durable job queue (jobs/queue.ts). */
  jobs: JobsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  categories: CategoriesTable;
  statuses: StatusesTable;
  custom_fields: CustomFieldsTable;
  counters: CountersTable;
  tickets: TicketsTable;
  ticket_tags: TicketTagsTable;
  ticket_watchers: TicketWatchersTable;
  ticket_field_values: TicketFieldValuesTable;
  comments: CommentsTable;
  comment_mentions: CommentMentionsTable;
  ticket_events: TicketEventsTable;
  ticket_links: TicketLinksTable;
  attachments: AttachmentsTable;
  idempotency_keys: IdempotencyKeysTable;
  search_documents: SearchDocumentsTable;
  notifications: NotificationsTable;
  presence: PresenceTable;
  saved_views: SavedViewsTable;
}

export type UserRow = Selectable<UsersTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketPatch = Updateable<TicketsTable>;
export type CommentRow = Selectable<CommentsTable>;
export type StatusRow = Selectable<StatusesTable>;
