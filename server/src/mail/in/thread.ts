/**
 * Which ticket a message answers: by In-Reply-To / References against Tessera's own signed
 * Message-IDs and the registry of every Message-ID received or sent, else by the `[#REF]` tag
 * in the subject. Never by subject similarity: two people writing "Printer broken" are two
 * tickets.
 */
import type { AppContext } from "../../context.ts";
import type { TicketRow } from "../../db/schema.ts";
import { parseOwnMessageId } from "../message-id.ts";
import { referenceOf } from "../../tickets/reference.ts";
import type { ParsedMail } from "./parse.ts";
import { normalizeMessageId } from "./raw.ts";

export interface ThreadMatch {
  ticket: TicketRow;
  /** signed: one of our own Message-IDs with a valid signature; registry: a known Message-ID; tag: only the subject tag. */
  by: "signed" | "registry" | "tag";
  /** For a signed match: the person our message was sent to (0: nobody in particular). */
  signedFor?: number;
}

/** Our subject tag: `[#INC-12]` (also `[INC-12]` and `[# INC-12]`). */
const TAG = /\[#?\s*(INC|REQ|PRB|CHG|TKT)-(\d{1,9})\s*\]/gi;

/** The Message-IDs a message refers to, nearest first (In-Reply-To, then References from the end). */
export function referencedIds(mail: Pick<ParsedMail, "inReplyTo" | "references">): string[] {
  const ids = [mail.inReplyTo, ...[...mail.references].reverse()].map(normalizeMessageId).filter((x): x is string => !!x);
  return [...new Set(ids)].slice(0, 50);
}

async function ticketById(ctx: Pick<AppContext, "db">, id: number): Promise<TicketRow | undefined> {
  // A merged ticket hands its mail on to the ticket it was merged into.
  let t = await ctx.db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirst();
  for (let hops = 0; t?.merged_into_id && hops < 5; hops++) {
    t = await ctx.db.selectFrom("tickets").selectAll().where("id", "=", t.merged_into_id).executeTakeFirst();
  }
  return t;
}

export async function findThread(ctx: Pick<AppContext, "db" | "secret">, mail: ParsedMail): Promise<ThreadMatch | undefined> {
  const ids = referencedIds(mail);
  if (ids.length) {
    const known = await ctx.db.selectFrom("mail_thread_ids").select(["message_id", "ticket_id"]).where("message_id", "in", ids).execute();
    for (const id of ids) {
      const own = parseOwnMessageId(ctx.secret, id);
      if (own) {
        const ticket = await ticketById(ctx, own.ticketId);
        if (ticket) return { ticket, by: "signed", signedFor: own.recipientUserId };
      }
      const row = known.find((k) => k.message_id === id);
      if (row) {
        const ticket = await ticketById(ctx, row.ticket_id);
        if (ticket) return { ticket, by: "registry" };
      }
    }
  }
  for (const m of mail.subject.matchAll(TAG)) {
    const ticket = await ctx.db.selectFrom("tickets").selectAll().where("number", "=", Number(m[2])).executeTakeFirst();
    // The prefix must be the ticket's own: [#REQ-12] does not reach INC-12.
    if (ticket && referenceOf(ticket).toUpperCase() === `${m[1]}-${m[2]}`.toUpperCase()) {
      const target = await ticketById(ctx, ticket.id);
      if (target) return { ticket: target, by: "tag" };
    }
  }
  return undefined;
}
