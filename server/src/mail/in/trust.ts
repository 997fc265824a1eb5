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
import type { CopiesReason, HeldReason } from "./tables.ts";
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

/**
 * Whether the people a message copies in may join a ticket on the sender's word: only when the
 * sender is proven, by replying to one of our signed Message-IDs (which only the mail we sent
 * carries) or by a DMARC pass from a trusted receiving server. A subject tag is typed by anyone
 * and From by anyone, so a message known only by those two must never widen who receives the
 * ticket's mail; its copies wait for an agent (see copies.ts). Returns why they must wait, or
 * null when they may join.
 */
export function copiesMustWait(match: Pick<ThreadMatch, "by"> | undefined, senderAuthenticated: boolean): CopiesReason | null {
  if (senderAuthenticated || match?.by === "signed") return null;
  if (!match) return null; // an ordinary new request: its To and Cc are the requester's own choice
  return match.by === "tag" ? "tag_only" : "unsigned_thread";
}
