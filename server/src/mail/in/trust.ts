/**
 * Who a reply is from, as far as the ticket is concerned. From is not authentication: anyone can
 * write any address there. The parties of a ticket are its requester, its watchers (people
 * copied in) and agents; an agent's address counts only on a reply to a signed notification
 * that was sent to that very agent. Everyone else is a stranger, whose mail never reaches the
 * requester (the "ticket trick": an outsider using the desk's address to receive, through a
 * ticket, mail meant for someone else).
 */
import type { AppContext } from "../../context.ts";
import type { TicketRow, UserRow } from "../../db/schema.ts";
import type { HeldReason } from "./tables.ts";
import type { ThreadMatch } from "./thread.ts";

export type Standing = { kind: "requester" | "watcher" | "agent" } | { kind: "stranger"; reason: HeldReason };

export async function standingOf(ctx: Pick<AppContext, "db">, ticket: TicketRow, sender: UserRow | undefined, match: ThreadMatch): Promise<Standing> {
  if (!sender || !sender.active) return { kind: "stranger", reason: "not_a_party" };
  if (sender.role !== "requester") {
    return match.by === "signed" && match.signedFor === sender.id ? { kind: "agent" } : { kind: "stranger", reason: "unverified_agent" };
  }
  if (sender.id === ticket.requester_id) return { kind: "requester" };
  const watcher = await ctx.db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", ticket.id).where("user_id", "=", sender.id).executeTakeFirst();
  return watcher ? { kind: "watcher" } : { kind: "stranger", reason: "not_a_party" };
}
