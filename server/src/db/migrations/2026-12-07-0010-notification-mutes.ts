import type { Kysely } from "kysely";
import { columns } from "./columns.ts";

/**
 * Per-agent mutes of one ticket's notifications: while a row is in force (until is null or in the
 * future) nothing about that ticket reaches that person's bell, except mentions of them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  await c.pairTable("notification_mutes", ["user_id", "users"], ["ticket_id", "tickets"], (t) =>
    // until null: muted until the person unmutes.
    t.addColumn("until", c.instant).addColumn("created_at", c.instant, (col) => col.notNull()),
  );
  // The bell groups a person's unread notifications by ticket and kind.
  await db.schema.createIndex("notifications_user_unread").on("notifications").columns(["user_id", "read_at", "ticket_id", "kind"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
