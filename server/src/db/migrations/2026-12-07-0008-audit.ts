import { sql, type Kysely } from "kysely";
import { columns, isPostgres } from "./columns.ts";

/**
 * The admin and security audit trail: sign-ins, account, role and setting changes, API tokens,
 * downloads of raw mail. Append-only: the database itself refuses UPDATE and DELETE (and on
 * PostgreSQL TRUNCATE), so no code path, and no one with the application's credentials, can
 * rewrite history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  // No foreign key to users: the actor's name and email are copied in, so an entry stays
  // readable whatever happens to the account, and no ON DELETE rule ever has to touch a row.
  await c
    .id(db.schema.createTable("audit_events"))
    .addColumn("created_at", c.instant, (col) => col.notNull())
    .addColumn("actor_id", "integer")
    .addColumn("actor_name", "text")
    .addColumn("actor_email", "text")
    .$call(c.required("text", "via", "action"))
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("target_label", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("detail", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("audit_events_actor").on("audit_events").columns(["actor_id", "id"]).execute();
  await db.schema.createIndex("audit_events_action").on("audit_events").columns(["action", "id"]).execute();
  await db.schema.createIndex("audit_events_created").on("audit_events").column("created_at").execute();

  if (isPostgres(db)) {
    await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_events is append-only: entries are never changed or deleted'; end $$`.execute(db);
    await sql`create trigger audit_events_no_change before update or delete on audit_events for each row execute function audit_events_append_only()`.execute(db);
    await sql`create trigger audit_events_no_truncate before truncate on audit_events for each statement execute function audit_events_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events begin select raise(abort, 'audit_events is append-only: entries are never changed or deleted'); end`.execute(db);
    await sql`create trigger audit_events_no_delete before delete on audit_events begin select raise(abort, 'audit_events is append-only: entries are never changed or deleted'); end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
