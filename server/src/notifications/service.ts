/** In-app notifications: written in the same transaction as the change they report. */
import type { Executor } from "../context.ts";

export type NotificationKind = "mention" | "assigned" | "requester_reply" | "snooze_ended" | "sla_warning" | "sla_breach" | "auto_closed" | "mail_held";

export interface NewNotification {
  user_id: number;
  ticket_id: number;
  kind: string;
  actor_id: number | null;
  summary: string;
  created_at: string;
  read_at: null;
}

export async function notify(db: Executor, input: { userIds: number[]; ticketId: number; kind: NotificationKind; actorId: number | null; summary: string; now: string }) {
  const users = [...new Set(input.userIds)].filter((id) => id !== input.actorId);
  if (!users.length) return;
  await insertNotifications(
    db,
    users.map((user_id) => ({ user_id, ticket_id: input.ticketId, kind: input.kind, actor_id: input.actorId, summary: input.summary.slice(0, 300), created_at: input.now, read_at: null })),
  );
}

/**
 * Writes notifications, leaving out those for a person who muted that ticket. Nothing is written
 * rather than a row already read: a written row would still reach the live stream (a toast) and
 * fill the bell's history, which is what muting is for; the ticket's own timeline keeps the
 * record. A mention is addressed to the person by name, so it always comes through.
 */
export async function insertNotifications(db: Executor, rows: NewNotification[]) {
  const muted = await mutedPairs(db, rows);
  const kept = rows.filter((r) => r.kind === "mention" || !muted.has(`${r.user_id}:${r.ticket_id}`));
  if (kept.length) await db.insertInto("notifications").values(kept).execute();
}

/** "user:ticket" for each row whose person has that ticket muted at the row's time. */
async function mutedPairs(db: Executor, rows: NewNotification[]): Promise<Set<string>> {
  const candidates = rows.filter((r) => r.kind !== "mention");
  if (!candidates.length) return new Set();
  const now = candidates.reduce((min, r) => (r.created_at < min ? r.created_at : min), candidates[0].created_at);
  const mutes = await db
    .selectFrom("notification_mutes")
    .select(["user_id", "ticket_id", "until"])
    .where("ticket_id", "in", [...new Set(candidates.map((r) => r.ticket_id))])
    .where("user_id", "in", [...new Set(candidates.map((r) => r.user_id))])
    .where((eb) => eb.or([eb("until", "is", null), eb("until", ">", now)]))
    .execute();
  const found = new Set<string>();
  for (const m of mutes) {
    const until = m.until === null ? null : new Date(m.until).toISOString();
    for (const r of candidates) {
      if (r.user_id === m.user_id && r.ticket_id === m.ticket_id && (until === null || r.created_at < until)) found.add(`${r.user_id}:${r.ticket_id}`);
    }
  }
  return found;
}
