/**
 * Loop protection on the way in (RFC 3834 and the habits of real mail systems): which messages
 * must never get an automatic answer, and which are bounces to be noted on the ticket they
 * concern instead of opening one.
 */
import type { ParsedMail } from "./parse.ts";

export interface LoopVerdict {
  /** No automatic answer may ever go to this message. */
  noAutoReply: boolean;
  /** Why, for the record. */
  reason: string | null;
  /** A delivery status notification (or other mail from a mailer daemon). */
  bounce: boolean;
}

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailer)@/i;
const NO_REPLY = /^(no-?reply|do-?not-?reply|donotreply)([+.-][^@]*)?@/i;

export function judgeLoop(mail: ParsedMail): LoopVerdict {
  const from = mail.from?.address ?? "";
  const type = mail.contentType?.value.toLowerCase() ?? "";
  const report = type === "multipart/report" && /delivery-status|disposition-notification/i.test(mail.contentType?.params["report-type"] ?? "delivery-status");
  const bounce = report || DAEMON.test(from);
  const reasons: string[] = [];
  if (report) reasons.push(`delivery report (${mail.contentType?.params["report-type"] ?? "multipart/report"})`);
  if (DAEMON.test(from)) reasons.push(`sent by ${from}`);
  const auto = mail.autoSubmitted?.trim().toLowerCase();
  if (auto && !/^no\b/.test(auto)) reasons.push(`Auto-Submitted: ${auto}`);
  const precedence = mail.precedence?.trim().toLowerCase();
  if (precedence && /^(bulk|junk|list)\b/.test(precedence)) reasons.push(`Precedence: ${precedence}`);
  if (mail.xAutoreply) reasons.push("X-Autoreply / X-Autorespond");
  if (mail.listId) reasons.push("mailing list (List-Id)");
  if (NO_REPLY.test(from)) reasons.push("no-reply sender");
  return { noAutoReply: reasons.length > 0, reason: reasons.join("; ") || null, bounce };
}

/** An automatic answer (out of office and the like): noted on its ticket, never a reply that reopens it. */
export function isAutoReply(mail: ParsedMail): boolean {
  const auto = mail.autoSubmitted?.trim().toLowerCase();
  return (!!auto && !/^no\b/.test(auto)) || !!mail.xAutoreply;
}

export interface BounceFacts {
  /** The Message-ID of the message that bounced, when the report carries it. */
  originalMessageId: string | null;
  recipient: string | null;
  status: string | null;
  diagnostic: string | null;
}

/** Reads a DSN: the bounced message's Message-ID (from its returned headers), recipient and status. */
export function readBounce(mail: ParsedMail): BounceFacts {
  const texts: string[] = [];
  for (const a of mail.attachments) {
    if (/^(message\/(rfc822|rfc822-headers|global|global-headers|delivery-status)|text\/rfc822-headers)$/i.test(a.contentType)) {
      texts.push(Buffer.from(a.content.buffer, a.content.byteOffset, Math.min(a.content.byteLength, 256 * 1024)).toString("utf8"));
    }
  }
  texts.push(mail.text);
  const all = texts.join("\n");
  // [ \t]*, not \s*, at a line's start: \s* would run on across every blank line that follows, once
  // for each line, in time with the square of the number of lines (a body of blank lines hung).
  // After the colon \s* stays, for a folded header; it runs once per label found.
  const original = /^[ \t]*Message-ID:\s*(<[^<>\s]+>)/im.exec(all)?.[1] ?? mail.inReplyTo ?? mail.references.at(-1) ?? null;
  const recipient = /^[ \t]*(?:Final|Original)-Recipient:\s*(?:rfc822;\s*)?([^\s;]+)/im.exec(all)?.[1] ?? null;
  const status = /^[ \t]*Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(all)?.[1] ?? null;
  const diagnostic = /^[ \t]*Diagnostic-Code:\s*(?:smtp;\s*)?(.{1,300})/im.exec(all)?.[1]?.trim() ?? null;
  return { originalMessageId: original, recipient, status, diagnostic };
}
