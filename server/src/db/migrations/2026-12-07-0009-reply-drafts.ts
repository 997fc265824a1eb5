import { sql, type Kysely } from "kysely";
import { columns } from "./columns.ts";

/**
 * Reply drafts kept on the server, one per ticket and agent, so an unsent reply or note survives
 * a change of device and the team can see that someone is writing. A draft goes with its ticket
 * and with its author's account.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  await c.pairTable("reply_drafts", ["ticket_id", "tickets"], ["user_id", "users"], (t) =>
    t
      .addColumn("mode", "text", (col) => col.notNull().check(sql`mode in ('reply', 'note')`))
      .addColumn("body", "text", (col) => col.notNull())
      .addColumn("mentions", "text", (col) => col.notNull().defaultTo("[]"))
      .addColumn("updated_at", c.instant, (col) => col.notNull())
      .addColumn("version", "integer", (col) => col.notNull().defaultTo(1)),
  );
  // "My drafts" and deleting a user's drafts look them up by author.
  await db.schema.createIndex("reply_drafts_user").on("reply_drafts").column("user_id").execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
