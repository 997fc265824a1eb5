/** In-app notifications: written in the same transaction as the change they report. */
import type { Executor } from "../context.ts";

export type NotificationKind = "mention" | "assigned" | "requester_reply" | "snooze_ended" | "sla_warning" | "sla_breach" | "auto_closed" | "mail_held";

export async function notify(
  db: Executor,
  input: { userIds: number[]; ticketId: number; kind: NotificationKind; actorId: number | null; summary: string; now: string },
) {
  const users = [...new Set(input.userIds)].filter((id) => id !== input.actorId);
  if (!users.length) return;
  await db
    .insertInto("notifications")
    .values(users.map((user_id) => ({ user_id, ticket_id: input.ticketId, kind: input.kind, actor_id: input.actorId, summary: input.summary.slice(0, 300), created_at: input.now, read_at: null })))
    .execute();
}
