/**
 * What identifies a raw message: its Message-ID, or one derived from its content, and a
 * fingerprint of the message itself. Trace headers (Received, Delivered-To, Return-Path, X-…)
 * differ between two deliveries of the same message (to two of our addresses, or over SMTP and
 * IMAP), so the fingerprint covers only the headers the sender wrote that matter, and the body.
 */
import { createHash } from "node:crypto";

const FINGERPRINT_HEADERS = ["from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references", "content-type"];

/** Header text read, at most: a header block longer than this is not the sender's own. */
const HEADER_TEXT_MAX = 1024 * 1024;

/** The header block's lines, unfolded, by lower-case name. */
function parseHeaderText(block: Buffer): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const text = block.toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Whitespace as a regular expression's \s sees it, among Latin-1 characters. */
const LAST_NON_SPACE = /[^\t\n\v\f\r \u00a0][\t\n\v\f\r \u00a0]*$/;

/**
 * sha256 (hex) over the sender's own headers and the body, line endings normalised (CRLF as LF)
 * and trailing whitespace left out, computed over the message as it streams past: only the
 * header block (at most 1 MiB) and a run of trailing whitespace are held, never the message.
 */
export class Fingerprinter {
  private readonly hash = createHash("sha256");
  /** The header block so far (its first HEADER_TEXT_MAX bytes), until the blank line is found. */
  private head: Buffer[] = [];
  private headLength = 0;
  /** The last bytes seen while looking for the blank line, which may span two chunks. */
  private carry = Buffer.alloc(0);
  private inBody = false;
  /** A CR at the end of the last chunk, waiting to see whether an LF follows. */
  private pendingCr = false;
  /** Whitespace not yet hashed: dropped if nothing but whitespace follows it. */
  private pendingSpace: string[] = [];

  update(chunk: Buffer): this {
    // Large buffers in slices, so no temporary string is ever the size of the message.
    for (let at = 0; at < chunk.length; at += 1024 * 1024) this.take(chunk.subarray(at, Math.min(chunk.length, at + 1024 * 1024)));
    return this;
  }

  digest(): string {
    if (!this.inBody) this.startBody();
    // A trailing CR and pending whitespace are trailing whitespace: left out.
    return this.hash.digest("hex");
  }

  private take(chunk: Buffer) {
    if (this.inBody) return this.body(chunk);
    const seen = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const crlf = seen.indexOf("\r\n\r\n");
    const lf = seen.indexOf("\n\n");
    let end = -1;
    let bodyStart = -1;
    if (crlf >= 0 && (lf < 0 || crlf < lf)) [end, bodyStart] = [crlf, crlf + 4];
    else if (lf >= 0) [end, bodyStart] = [lf, lf + 2];
    // `seen` starts with the carried bytes, which are already in `head`.
    const fresh = end >= 0 ? Math.max(0, end - this.carry.length) : chunk.length;
    this.keepHead(chunk.subarray(0, fresh));
    if (end < 0) {
      this.carry = Buffer.from(seen.subarray(Math.max(0, seen.length - 3)));
      return;
    }
    this.startBody();
    this.body(seen.subarray(bodyStart));
  }

  private keepHead(bytes: Buffer) {
    const room = HEADER_TEXT_MAX - this.headLength;
    if (room <= 0 || !bytes.length) return;
    const kept = Buffer.from(bytes.subarray(0, room));
    this.head.push(kept);
    this.headLength += kept.length;
  }

  private startBody() {
    this.inBody = true;
    const headers = parseHeaderText(Buffer.concat(this.head));
    this.head = [];
    this.carry = Buffer.alloc(0);
    for (const name of FINGERPRINT_HEADERS) this.hash.update(`${name}:${(headers.get(name) ?? []).join("\u0000").replace(/\s+/g, " ")}\n`);
  }

  private body(chunk: Buffer) {
    if (!chunk.length) return;
    let text = (this.pendingCr ? "\r" : "") + chunk.toString("latin1");
    this.pendingCr = text.endsWith("\r");
    if (this.pendingCr) text = text.slice(0, -1);
    text = text.replace(/\r\n/g, "\n");
    const m = LAST_NON_SPACE.exec(text);
    if (!m) {
      this.pendingSpace.push(text);
      return;
    }
    for (const space of this.pendingSpace) this.hash.update(space, "latin1");
    this.pendingSpace = [];
    this.hash.update(text.slice(0, m.index + 1), "latin1");
    this.pendingSpace.push(text.slice(m.index + 1));
  }
}

/** sha256 (hex) over the sender's own headers and the body, line endings normalised. */
export function fingerprintOf(raw: Buffer): string {
  return new Fingerprinter().update(raw).digest();
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
