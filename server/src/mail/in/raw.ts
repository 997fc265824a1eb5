/**
 * What identifies a raw message: its Message-ID, or one derived from its content, and a
 * fingerprint of the message itself. Trace headers (Received, Delivered-To, Return-Path, X-…)
 * differ between two deliveries of the same message (to two of our addresses, or over SMTP and
 * IMAP), so the fingerprint covers only the headers the sender wrote that matter, and the body.
 */
import { createHash } from "node:crypto";

const FINGERPRINT_HEADERS = ["from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references", "content-type"];

/** The header block (unfolded, by lower-case name) and where the body starts. */
export function splitMessage(raw: Buffer): { headers: Map<string, string[]>; bodyStart: number } {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  let end = raw.length;
  let bodyStart = raw.length;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) [end, bodyStart] = [crlf, crlf + 4];
  else if (lf >= 0) [end, bodyStart] = [lf, lf + 2];
  const headers = new Map<string, string[]>();
  const text = raw.subarray(0, Math.min(end, 1024 * 1024)).toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, bodyStart };
}

/** sha256 (hex) over the sender's own headers and the body, line endings normalised. */
export function fingerprintOf(raw: Buffer): string {
  const { headers, bodyStart } = splitMessage(raw);
  const hash = createHash("sha256");
  for (const name of FINGERPRINT_HEADERS) hash.update(`${name}:${(headers.get(name) ?? []).join("\u0000").replace(/\s+/g, " ")}\n`);
  const body = raw.subarray(bodyStart).toString("latin1").replace(/\r\n/g, "\n").replace(/\s+$/, "");
  hash.update(body, "latin1");
  return hash.digest("hex");
}

/** A Message-ID as stored: one `<…>` token, at most 500 characters; null when there is none usable. */
export function normalizeMessageId(id: string | null | undefined): string | null {
  const m = /<([^<>\s]{1,498})>/.exec(id ?? "") ?? /^\s*([^<>\s@]{1,249}@[^<>\s]{1,248})\s*$/.exec(id ?? "");
  return m ? `<${m[1]}>` : null;
}

/** The Message-ID given to a message without one: derived from its content, so a re-fetch finds it again. */
export function generatedMessageId(fingerprint: string): string {
  return `<${fingerprint.slice(0, 40)}@generated.tessera.invalid>`;
}
