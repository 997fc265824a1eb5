/**
 * Holding a message for an agent, and telling the agents who should decide: the ticket's
 * assignee in the app, or, while nobody is assigned, the active agents of its team. A ticket
 * with neither has the held list alone.
 */
import type { AppContext } from "../../context.ts";
import { notify } from "../../notifications/service.ts";
import { recordEvents } from "../../tickets/events.ts";
import { referenceOf } from "../../tickets/reference.ts";
import type { Address } from "./parse.ts";
import type { HeldReason } from "./tables.ts";

export async function holdMessage(tx: AppContext, messageRowId: number, ticketId: number, from: Address, reason: HeldReason, now: string) {
  const held = await tx.db
    .insertInto("mail_held")
    .values({ mail_message_id: messageRowId, ticket_id: ticketId, reason, status: "held", decided_by_id: null, decided_at: null, result_ticket_id: null, created_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Agents see it in the ticket's history; requesters never see this event.
  await recordEvents(tx.db, ticketId, undefined, "email", now, [{ action: "mail_held", new: { held_id: held.id, from: from.address, reason } }]);
  await notifyAgentsOfTicket(tx, ticketId, (ref) => `${ref} — mail from ${from.address} is held (${HELD_WHY[reason]})`, now);
  return held.id;
}

const HELD_WHY: Record<HeldReason, string> = {
  not_a_party: "not a party to the ticket",
  unverified_agent: "an agent's address, not verified",
  message_id_reused: "reuses the Message-ID of another message",
  auto_reply_loop: "an automatic answer to our acknowledgement, a mail loop",
};

/** Notifies (kind `mail_held`) the agents who decide on held mail of a ticket; `summary` gets "REF Subject". */
export async function notifyAgentsOfTicket(tx: AppContext, ticketId: number, summary: (ticket: string) => string, now: string) {
  const t = await tx.db.selectFrom("tickets").select(["id", "type", "number", "subject", "assignee_id", "team_id"]).where("id", "=", ticketId).executeTakeFirst();
  if (!t) return;
  let userIds = t.assignee_id ? [t.assignee_id] : [];
  if (!userIds.length && t.team_id != null) {
    const members = await tx.db
      .selectFrom("team_members")
      .innerJoin("users", "users.id", "team_members.user_id")
      .select("users.id")
      .where("team_members.team_id", "=", t.team_id)
      .where("users.active", "=", 1)
      .where("users.role", "!=", "requester")
      .execute();
    userIds = members.map((m) => m.id);
  }
  await notify(tx.db, { userIds, ticketId, kind: "mail_held", actorId: null, summary: summary(`${referenceOf(t)} ${t.subject}`), now });
}
