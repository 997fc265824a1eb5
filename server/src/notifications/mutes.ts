/**
 * Muting one ticket's notifications for a while: the agent keeps working the ticket but stops
 * hearing about it. Mentions of them still arrive (see insertNotifications in service.ts).
 */
import type { NotificationMute } from "@tessera/contracts";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { invalid } from "../errors.ts";
import { visibleTo } from "../tickets/policy.ts";
import { referenceOf } from "../tickets/reference.ts";

const MAX_AHEAD_MS = 366 * 86_400_000;

/** Mutes (or moves the end of the mute of) a ticket the actor can see; null mutes until unmuted. */
export async function muteTicket(ctx: AppContext, actor: Actor, ticket: TicketRow, untilInput: string | null): Promise<NotificationMute> {
  const now = ctx.clock.now();
  let until: string | null = null;
  if (untilInput !== null) {
    const at = new Date(untilInput);
    if (at.getTime() <= now.getTime()) throw invalid("until", "must be in the future; send null to mute until you unmute");
    if (at.getTime() > now.getTime() + MAX_AHEAD_MS) throw invalid("until", "must be within a year from now; send null to mute until you unmute");
    until = at.toISOString();
  }
  const row = { user_id: actor.id, ticket_id: ticket.id, until, created_at: now.toISOString() };
  await ctx.db
    .insertInto("notification_mutes")
    .values(row)
    .onConflict((oc) => oc.columns(["user_id", "ticket_id"]).doUpdateSet({ until, created_at: row.created_at }))
    .execute();
  return { ticket_id: ticket.id, ticket_reference: referenceOf(ticket), subject: ticket.subject, until };
}

/** Ends a mute. Unmuting a ticket that is not muted is harmless. */
export async function unmuteTicket(ctx: AppContext, actor: Actor, ticket: TicketRow): Promise<void> {
  await ctx.db.deleteFrom("notification_mutes").where("user_id", "=", actor.id).where("ticket_id", "=", ticket.id).execute();
}

/** The actor's mutes still in force on tickets they can see, ending soonest first (open-ended last). */
export async function listMutes(ctx: AppContext, actor: Actor): Promise<NotificationMute[]> {
  const now = ctx.clock.now().toISOString();
  const rows = await ctx.db
    .selectFrom("notification_mutes")
    .innerJoin("tickets", "tickets.id", "notification_mutes.ticket_id")
    .select(["notification_mutes.ticket_id", "notification_mutes.until", "tickets.type", "tickets.number", "tickets.subject"])
    .where("notification_mutes.user_id", "=", actor.id)
    .where((eb) => eb.or([eb("notification_mutes.until", "is", null), eb("notification_mutes.until", ">", now)]))
    .where(visibleTo(actor))
    .orderBy("notification_mutes.ticket_id")
    .limit(200)
    .execute();
  const mutes = rows.map((r) => ({ ticket_id: r.ticket_id, ticket_reference: referenceOf(r), subject: r.subject, until: r.until === null ? null : new Date(r.until).toISOString() }));
  return mutes.sort((a, b) => (a.until ?? "~").localeCompare(b.until ?? "~"));
}
