/**
 * Tessera's own Message-IDs carry who a message was sent to and a signature over that, so a
 * reply that refers to one can be trusted to answer that exact message: a forged In-Reply-To
 * cannot make a stranger's mail count as a party's reply (the "ticket trick").
 *
 *   <t{ticketId}.u{recipientUserId}.{nonce}.{signature}@{domain}>
 *
 * The signature is an HMAC of the other parts with the instance secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export interface OwnMessageId {
  ticketId: number;
  /** The person the message was sent to; 0 when it went to no single known person. */
  recipientUserId: number;
}

const SIGNATURE_HEX = 24;

function sign(secret: string, ticketId: number, userId: number, nonce: string): string {
  return createHmac("sha256", secret).update(`mail-id:${ticketId}.${userId}.${nonce}`).digest("hex").slice(0, SIGNATURE_HEX);
}

/** A fresh Message-ID (with angle brackets) for a message about a ticket sent to one person. */
export function makeMessageId(secret: string, domain: string, id: OwnMessageId): string {
  const nonce = randomBytes(9).toString("base64url");
  return `<t${id.ticketId}.u${id.recipientUserId}.${nonce}.${sign(secret, id.ticketId, id.recipientUserId, nonce)}@${domain}>`;
}

const OWN = /^<?t(\d{1,12})\.u(\d{1,12})\.([A-Za-z0-9_-]{6,32})\.([0-9a-f]{24})@[^>\s]+>?$/;

/** The ticket and recipient of one of our Message-IDs, or null when it is not ours or its signature is wrong. */
export function parseOwnMessageId(secret: string, messageId: string): OwnMessageId | null {
  const m = OWN.exec(messageId.trim());
  if (!m) return null;
  const ticketId = Number(m[1]);
  const recipientUserId = Number(m[2]);
  const expected = Buffer.from(sign(secret, ticketId, recipientUserId, m[3]));
  const given = Buffer.from(m[4]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { ticketId, recipientUserId };
}
