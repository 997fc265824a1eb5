/**
 * An autoresponder that sends no RFC 3834 headers and answers our acknowledgement with a fresh
 * mail (no In-Reply-To, no tag) looks like a new request: it would open a ticket, get an
 * acknowledgement, answer that, and so on, as fast as the hourly cap allows. Such an answer is
 * recognised by arriving within minutes of an acknowledgement delivered to the same address (it
 * can only answer what it received), together with one sign that no person wrote it:
 * - it quotes the acknowledgement (the ticket's subject as its subject, or the ticket's reference);
 * - its text is word for word that of an earlier message from the same address;
 * - it and the sender's previous fresh message (not a reply) each came within QUICK_MS of an
 *   acknowledgement: it keeps answering, faster than people write new requests.
 * It is then held on the ticket whose acknowledgement it answers, marked no_auto_reply, with the
 * reason: at most one acknowledgement goes to an address per loop.
 */
import { createHash } from "node:crypto";
import type { AppContext } from "../../context.ts";
import { referenceOf } from "../../tickets/reference.ts";
import type { ParsedMail } from "./parse.ts";
import { prepared } from "../../db/prepared.ts";

/** How soon after an acknowledgement a fresh message counts as answering it. */
export const ANSWER_WINDOW_MS = 10 * 60_000;
/** How soon both of two fresh messages in a row must follow an acknowledgement to count as a robot's answers. */
const QUICK_MS = 3 * 60_000;
/** How far back the same words from the same sender count. */
const SAME_TEXT_MS = 24 * 3_600_000;

/** sha256 of a message's text with whitespace and case folded; null when it has no text. */
export function bodyHashOf(mail: Pick<ParsedMail, "text">): string | null {
  const text = mail.text.replace(/\s+/g, " ").trim().toLowerCase();
  return text ? createHash("sha256").update(text).digest("hex") : null;
}

/** A subject without reply/forward/autoreply prefixes and ticket tags, folded for comparison. */
function coreSubject(subject: string): string {
  // Bounded: our subjects are at most 300 characters, and the patterns below must not meet megabytes.
  let s = subject
    .slice(0, 1000)
    .replace(/\[#?\s*[A-Z]{2,5}-\d{1,9}\s*\]/gi, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  const prefix = /^(re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|auto(matic)?[ -]?(reply|response|answer)|autoreply|out of (the )?office|abwesend|absence|réponse automatique)\s*(\[\d+\])?\s*:\s*/i;
  for (let i = 0; i < 10 && prefix.test(s); i++) s = s.replace(prefix, "");
  return s.trim();
}

export interface AckLoop {
  /** The ticket whose acknowledgement the message answers: it is held there. */
  ticketId: number;
  reason: string;
}

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

// Every fresh message asks this: compiled once.
const lastAcknowledgement = prepared<{ to: string; since: string }, { ticket_id: number; sent_at: string | null; type: string; number: number; subject: string }>((db, p) =>
  db
    .selectFrom("mail_outbox")
    .innerJoin("tickets", "tickets.id", "mail_outbox.ticket_id")
    .select(["mail_outbox.ticket_id", "mail_outbox.sent_at", "tickets.type", "tickets.number", "tickets.subject"])
    .where("mail_outbox.kind", "=", "acknowledgement")
    .where("mail_outbox.to_address", "=", p.to)
    .where("mail_outbox.state", "=", "sent")
    .where("mail_outbox.sent_at", ">=", p.since)
    .orderBy("mail_outbox.sent_at", "desc")
    .limit(1),
);

/**
 * Whether a message that would open a new ticket is an automatic answer to our acknowledgement
 * (see the module comment); null when it is not.
 */
export async function detectAckLoop(ctx: Pick<AppContext, "db">, mail: Pick<ParsedMail, "subject" | "text">, from: string, bodyHash: string | null, now: string): Promise<AckLoop | null> {
  const at = Date.parse(now);
  const since = new Date(at - ANSWER_WINDOW_MS).toISOString();
  const ack = await lastAcknowledgement.first(ctx.db, { to: from, since });
  if (!ack?.sent_at) return null;
  const reference = referenceOf(ack);
  const sentAt = Date.parse(ack.sent_at);
  const answers = `answers the acknowledgement of ${reference} within ${minutes(at - sentAt)} min`;

  const core = coreSubject(mail.subject);
  const ackSubject = coreSubject(ack.subject);
  const refPattern = new RegExp(`\\b${reference.replace("-", "\\s*-\\s*")}\\b`, "i");
  if ((core && ackSubject && core === ackSubject) || refPattern.test(mail.subject) || refPattern.test(mail.text)) {
    return { ticketId: ack.ticket_id, reason: `loop: ${answers} and quotes it` };
  }

  const earlier = await ctx.db
    .selectFrom("mail_messages")
    .select(["created_at", "body_sha256", "outcome"])
    .where("from_address", "=", from)
    .where("created_at", ">=", new Date(at - SAME_TEXT_MS).toISOString())
    .orderBy("id", "desc")
    .limit(50)
    .execute();
  const same = bodyHash ? earlier.find((m) => m.body_sha256 === bodyHash) : undefined;
  if (same) return { ticketId: ack.ticket_id, reason: `loop: ${answers}, with the same text as its message of ${same.created_at}` };

  // The sender's previous fresh message (a reply on a ticket is what people do after an
  // acknowledgement): did it, too, come within moments of an acknowledgement?
  const previous = earlier.find((m) => m.outcome === "ticket");
  if (previous && at - sentAt <= QUICK_MS) {
    const before = Date.parse(previous.created_at);
    const prior = await ctx.db
      .selectFrom("mail_outbox")
      .select("id")
      .where("kind", "=", "acknowledgement")
      .where("to_address", "=", from)
      .where("state", "=", "sent")
      .where("sent_at", ">=", new Date(before - QUICK_MS).toISOString())
      .where("sent_at", "<", previous.created_at)
      .executeTakeFirst();
    if (prior) return { ticketId: ack.ticket_id, reason: `loop: ${answers}, and its previous message answered one as quickly` };
  }
  return null;
}
