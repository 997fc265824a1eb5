/**
 * The bell's reads and writes. Unread notifications of the same kind on the same ticket are one
 * group ("SLA breached on REQ-1042 ×4"); grouping happens here, in SQL, so that paging and the
 * unread count match what the bell shows.
 */
import type { Notification, NotificationMute } from "@tessera/contracts";
import { sql, type ExpressionBuilder } from "kysely";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { visibleTo } from "../tickets/policy.ts";
import { referenceOf } from "../tickets/reference.ts";

type NotificationsEb = ExpressionBuilder<Database, "notifications">;

/**
 * What makes notifications one line: the ticket (a notification about no ticket stands alone),
 * the kind, and the read state. Items marked read together share read_at, so a group read at once
 * stays one line in the history.
 */
const groupKey = sql<number>`coalesce(notifications.ticket_id, -notifications.id)`;

/** The caller's notifications about tickets they may still see (or about no ticket). */
function mine(actor: Actor) {
  return (eb: NotificationsEb) =>
    eb.and([
      eb("notifications.user_id", "=", actor.id),
      eb.or([eb("notifications.ticket_id", "is", null), eb.exists(eb.selectFrom("tickets").select("tickets.id").whereRef("tickets.id", "=", "notifications.ticket_id").where(visibleTo(actor)))]),
    ]);
}

export interface ListOptions {
  unreadOnly: boolean;
  limit: number;
  /** A group's `id` from the previous page: the groups whose newest notification is older. */
  before?: number;
}

/** The bell's lines, newest first, each standing for one or more notifications. */
export async function listGroups(ctx: AppContext, actor: Actor, opts: ListOptions, mutes: NotificationMute[]): Promise<Notification[]> {
  const groups = await ctx.db
    .selectFrom("notifications")
    .select((eb) => [eb.fn.max("notifications.id").as("newest_id"), eb.fn.countAll<number>().as("count"), eb.fn.count<number>("notifications.actor_id").distinct().as("actor_count")])
    .where(mine(actor))
    .$if(opts.unreadOnly, (q) => q.where("notifications.read_at", "is", null))
    .groupBy([groupKey, "notifications.kind", "notifications.read_at"])
    .$if(opts.before !== undefined, (q) => q.having((eb) => eb.fn.max("notifications.id"), "<", opts.before!))
    .orderBy("newest_id", "desc")
    .limit(opts.limit)
    .execute();
  if (!groups.length) return [];
  const rows = await ctx.db
    .selectFrom("notifications")
    .leftJoin("users", "users.id", "notifications.actor_id")
    .leftJoin("tickets", "tickets.id", "notifications.ticket_id")
    // actor_id is the notification's own: it is cleared when that person's account goes.
    .selectAll("notifications")
    .select(["users.name as actor_name", "tickets.type as ticket_type", "tickets.number as ticket_number"])
    .where(
      "notifications.id",
      "in",
      groups.map((g) => Number(g.newest_id)),
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const muted = new Map(mutes.map((m) => [m.ticket_id, m]));
  return groups.map((g) => {
    const r = byId.get(Number(g.newest_id))!;
    const mute = r.ticket_id === null ? undefined : muted.get(r.ticket_id);
    return {
      id: r.id,
      kind: r.kind,
      ticket_id: r.ticket_id,
      ticket_reference: r.ticket_type && r.ticket_number != null ? referenceOf({ type: r.ticket_type, number: r.ticket_number }) : null,
      actor: r.actor_id ? { id: r.actor_id, name: r.actor_name! } : null,
      actor_count: Number(g.actor_count),
      summary: r.summary,
      created_at: r.created_at,
      read_at: r.read_at,
      count: Number(g.count),
      muted: mute ? { until: mute.until } : null,
    };
  });
}

/** Unread lines of the bell (a group counts once) and unread notifications (repeats included). */
export async function countUnread(ctx: AppContext, actor: Actor): Promise<{ groups: number; items: number }> {
  const groups = ctx.db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(mine(actor))
    .where("notifications.read_at", "is", null)
    .groupBy([groupKey, "notifications.kind"]);
  const r = await ctx.db
    .selectFrom(groups.as("g"))
    .select((eb) => [eb.fn.countAll<number>().as("groups"), eb.fn.coalesce(eb.fn.sum<number>("g.n"), sql<number>`0`).as("items")])
    .executeTakeFirstOrThrow();
  return { groups: Number(r.groups), items: Number(r.items) };
}

/**
 * Marks a line of the bell read: the notification `id` and the unread ones it collapsed (same
 * ticket and kind, not newer, so a repeat that arrived after the agent looked stays unread).
 * False when the caller has no such notification.
 */
export async function markGroupRead(ctx: AppContext, actor: Actor, id: number): Promise<boolean> {
  const n = await ctx.db.selectFrom("notifications").select(["id", "ticket_id", "kind", "read_at"]).where("id", "=", id).where("user_id", "=", actor.id).executeTakeFirst();
  if (!n) return false;
  if (n.read_at) return true;
  await ctx.db
    .updateTable("notifications")
    .set({ read_at: ctx.clock.now().toISOString() })
    .where("user_id", "=", actor.id)
    .where("read_at", "is", null)
    .$if(n.ticket_id === null, (q) => q.where("id", "=", n.id))
    .$if(n.ticket_id !== null, (q) => q.where("ticket_id", "=", n.ticket_id!).where("kind", "=", n.kind).where("id", "<=", n.id))
    .execute();
  return true;
}

/** Marks every notification of the caller read, at one instant. */
export async function markAllRead(ctx: AppContext, actor: Actor): Promise<void> {
  await ctx.db.updateTable("notifications").set({ read_at: ctx.clock.now().toISOString() }).where("user_id", "=", actor.id).where("read_at", "is", null).execute();
}
