import { sql, type Kysely } from "kysely";
import { columns, isPostgres } from "./columns.ts";

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.instant;

  await c.keyed(db.schema.createTable("settings")).$call(c.required("text", "value")).$call(c.required(ts, "updated_at")).execute();

  await c
    .id(db.schema.createTable("organizations"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("domain", "text")
    .addColumn("shares_tickets", "integer", c.flag)
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();

  await c
    .id(db.schema.createTable("users"))
    .addColumn("email", "text", (col) => col.notNull().unique())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("role", "text", (col) => col.notNull().check(sql`role in ('requester','agent','supervisor','admin')`))
    .addColumn("password_hash", "text")
    .addColumn("organization_id", "integer", c.refersTo("organizations", "set null"))
    .addColumn("active", "integer", (col) => col.notNull().defaultTo(1))
    .$call(c.timestamps)
    .addColumn("last_login_at", ts)
    .execute();
  await db.schema.createIndex("users_organization").on("users").column("organization_id").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (col) => col.primaryKey())
    .addColumn("user_id", "integer", c.belongsTo("users"))
    .addColumn("csrf_token", "text", (col) => col.notNull())
    .$call(c.required(ts, "created_at", "last_seen_at", "expires_at"))
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await c
    .id(db.schema.createTable("api_tokens"))
    .addColumn("user_id", "integer", c.belongsTo("users"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("token_hash", "text", (col) => col.notNull().unique())
    .addColumn("created_at", ts, (col) => col.notNull())
    .addColumn("last_used_at", ts)
    .addColumn("revoked_at", ts)
    .execute();

  await c.keyed(db.schema.createTable("login_throttle")).$call(c.required("integer", "failures")).$call(c.required(ts, "last_failure_at")).execute();

  await c
    .id(db.schema.createTable("teams"))
    .addColumn("name", "text", (col) => col.notNull().unique())
    .addColumn("description", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();

  await c.pairTable("team_members", ["team_id", "teams"], ["user_id", "users"]);
  await db.schema.createIndex("team_members_user").on("team_members").column("user_id").execute();

  await c
    .id(db.schema.createTable("categories"))
    .addColumn("parent_id", "integer", (col) => col.references("categories.id"))
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("default_team_id", "integer", c.refersTo("teams", "set null"))
    .addColumn("default_type", "text")
    .addColumn("active", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();

  await c
    .keyed(db.schema.createTable("statuses"))
    .$call(c.required("text", "label", "requester_label", "category"))
    .addColumn("builtin", "integer", c.flag)
    .addColumn("position", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("active", "integer", (col) => col.notNull().defaultTo(1))
    .execute();

  await c
    .id(db.schema.createTable("custom_fields"))
    .addColumn("key", "text", (col) => col.notNull().unique())
    .$call(c.required("text", "label", "type"))
    .addColumn("options", "text", (col) => col.notNull().defaultTo("[]"))
    .$call(c.flags("required", "visible_to_requester"))
    .addColumn("active", "integer", (col) => col.notNull().defaultTo(1))
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("counters")
    .addColumn("name", "text", (col) => col.primaryKey())
    .addColumn("value", "integer", (col) => col.notNull())
    .execute();

  await c
    .id(db.schema.createTable("tickets"))
    .addColumn("number", "integer", (col) => col.notNull().unique())
    .$call(c.required("text", "type", "subject", "description"))
    .addColumn("status", "text", (col) => col.notNull().references("statuses.key"))
    .$call(c.required("text", "status_category", "priority", "impact", "urgency"))
    .addColumn("priority_overridden", "integer", c.flag)
    .addColumn("channel", "text", (col) => col.notNull())
    .addColumn("requester_id", "integer", (col) => col.notNull().references("users.id"))
    .addColumn("organization_id", "integer", c.refersTo("organizations", "set null"))
    .addColumn("category_id", "integer", (col) => col.references("categories.id"))
    .addColumn("team_id", "integer", (col) => col.references("teams.id"))
    .addColumn("assignee_id", "integer", (col) => col.references("users.id"))
    .addColumn("created_by_id", "integer", (col) => col.references("users.id"))
    .addColumn("resolution_note", "text")
    .addColumn("root_cause", "text")
    .addColumn("is_major_incident", "integer", c.flag)
    .addColumn("merged_into_id", "integer", (col) => col.references("tickets.id"))
    .addColumn("version", "integer", (col) => col.notNull().defaultTo(1))
    .$call(c.timestamps)
    .addColumn("first_response_at", ts)
    .addColumn("resolved_at", ts)
    .addColumn("closed_at", ts)
    .execute();
  // Lists are keyset-paginated on (sort column, id); the visibility filters lead on team, assignee, requester.
  for (const [name, cols] of [
    ["tickets_updated", ["updated_at", "id"]],
    ["tickets_created", ["created_at", "id"]],
    ["tickets_team", ["team_id", "status_category", "updated_at"]],
    ["tickets_assignee", ["assignee_id", "status_category", "updated_at"]],
    ["tickets_requester", ["requester_id", "updated_at"]],
    ["tickets_organization", ["organization_id", "updated_at"]],
    ["tickets_category", ["category_id"]],
    ["tickets_status", ["status_category", "updated_at"]],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on("tickets")
      .columns([...cols])
      .execute();
  }

  await db.schema
    .createTable("ticket_tags")
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("tag", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("ticket_tags_pk", ["ticket_id", "tag"])
    .execute();
  await db.schema.createIndex("ticket_tags_tag").on("ticket_tags").columns(["tag", "ticket_id"]).execute();

  await c.pairTable("ticket_watchers", ["ticket_id", "tickets"], ["user_id", "users"]);
  await db.schema.createIndex("ticket_watchers_user").on("ticket_watchers").columns(["user_id", "ticket_id"]).execute();

  // Custom field values live beside the ticket, not in it: adding fields never widens ticket rows.
  await db.schema
    .createTable("ticket_field_values")
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("field_id", "integer", (col) => col.notNull().references("custom_fields.id"))
    .addColumn("value", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("ticket_field_values_pk", ["ticket_id", "field_id"])
    .execute();

  await c
    .id(db.schema.createTable("comments"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("author_id", "integer", (col) => col.references("users.id"))
    .addColumn("body", "text", (col) => col.notNull())
    .addColumn("internal", "integer", c.flag)
    .addColumn("original_ticket_id", "integer")
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("comments_ticket").on("comments").columns(["ticket_id", "id"]).execute();

  await c.pairTable("comment_mentions", ["comment_id", "comments"], ["user_id", "users"]);
  await db.schema.createIndex("comment_mentions_user").on("comment_mentions").column("user_id").execute();

  await c
    .id(db.schema.createTable("ticket_events"))
    .addColumn("ticket_id", "integer", c.belongsTo("tickets"))
    .addColumn("actor_id", "integer", (col) => col.references("users.id"))
    .$call(c.required("text", "via", "action"))
    .addColumn("field", "text")
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex("ticket_events_ticket").on("ticket_events").columns(["ticket_id", "id"]).execute();
  await db.schema.createIndex("ticket_events_created").on("ticket_events").column("created_at").execute();

  await c
    .id(db.schema.createTable("ticket_links"))
    .addColumn("source_id", "integer", c.belongsTo("tickets"))
    .addColumn("target_id", "integer", c.belongsTo("tickets"))
    .addColumn("kind", "text", (col) => col.notNull())
    .addColumn("created_by_id", "integer", (col) => col.references("users.id"))
    .addColumn("created_at", ts, (col) => col.notNull())
    .addUniqueConstraint("ticket_links_unique", ["source_id", "target_id", "kind"])
    .execute();
  await db.schema.createIndex("ticket_links_target").on("ticket_links").columns(["target_id", "kind"]).execute();

  await c
    .id(db.schema.createTable("attachments"))
    .addColumn("sha256", "text", (col) => col.notNull())
    .addColumn("size", "integer", (col) => col.notNull())
    .$call(c.required("text", "filename", "content_type"))
    .addColumn("uploader_id", "integer", (col) => col.references("users.id"))
    .addColumn("ticket_id", "integer", c.refersTo("tickets", "cascade"))
    .addColumn("comment_id", "integer", c.refersTo("comments", "set null"))
    .addColumn("created_at", ts, (col) => col.notNull())
    .execute();
  await c.indexEach("attachments", ["ticket_id", "comment_id"]);

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "integer", c.belongsTo("users"))
    .$call(c.required("text", "key", "request_hash"))
    .addColumn("status_code", "integer", (col) => col.notNull())
    .addColumn("response", "text", (col) => col.notNull())
    .addColumn("created_at", ts, (col) => col.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
    .execute();
  await db.schema.createIndex("idempotency_keys_created").on("idempotency_keys").column("created_at").execute();

  if (isPostgres(db)) {
    await sql`create sequence ticket_number_seq start with 1001`.execute(db);
    await sql`create table search_documents (
      id serial primary key,
      ticket_id integer not null references tickets(id) on delete cascade,
      comment_id integer references comments(id) on delete cascade,
      internal smallint not null default 0,
      body text not null,
      tsv tsvector generated always as (to_tsvector('simple', body)) stored
    )`.execute(db);
    await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
    await sql`create index search_documents_ticket on search_documents (ticket_id)`.execute(db);
    await sql`create index search_documents_comment on search_documents (comment_id)`.execute(db);
  } else {
    await db.insertInto("counters").values({ name: "ticket_number", value: 1000 }).execute();
    await sql`create virtual table search_documents using fts5(
      body, ticket_id unindexed, comment_id unindexed, internal unindexed,
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  }

  const statuses: Array<[string, string, string, string]> = [
    ["draft", "Draft", "Draft", "draft"],
    ["new", "New", "Submitted", "new"],
    ["open", "Open", "Waiting for support", "open"],
    ["in_progress", "In progress", "In progress", "open"],
    ["on_hold", "Awaiting requester", "Waiting for you", "awaiting_requester"],
    ["pending", "Awaiting third party", "Waiting for support", "awaiting_third_party"],
    ["under_review", "Awaiting approval", "Awaiting approval", "awaiting_approval"],
    ["resolved", "Resolved", "Resolved", "resolved"],
    ["closed", "Closed", "Closed", "closed"],
    ["cancelled", "Cancelled", "Cancelled", "cancelled"],
  ];
  await db
    .insertInto("statuses")
    .values(statuses.map(([key, label, requester_label, category], i) => ({ key, label, requester_label, category, builtin: 1, position: i * 10, active: 1 })))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("The foundation migration cannot be reverted; restore a backup instead.");
}
