/**
 * Whether the receiving mail server authenticated a message's From: its Authentication-Results
 * header (RFC 8601) saying `dmarc=pass` for the From domain. Tessera checks no DKIM signature or
 * SPF record itself: that is the MTA's job, done where the connecting host is known. Such a
 * header is only as good as the server that wrote it, and anyone can write one into the mail
 * they send, so it counts only when
 * - the admin names that server's authserv-id (TESSERA_MAIL_TRUSTED_AUTHSERV_IDS), and
 * - it is among the topmost Authentication-Results headers with that id: the block the trusted
 *   server added, above any a sender could have put in (servers prepend their headers, so a
 *   forged one sits below; headers of other servers above it, such as an internal relay's, are
 *   passed over).
 *
 * The header is read here from the raw message with a small parser of RFC 8601's grammar
 * (comments, quoted strings, `;`-separated results): the npm packages that read it (mailauth)
 * come with a whole DKIM/SPF/DMARC verifier and DNS resolver this needs none of.
 */
import { open } from "node:fs/promises";

/** One `method=result` of an Authentication-Results header, with its properties (`header.from` …). */
export interface AuthResult {
  method: string;
  result: string;
  props: Record<string, string>;
}

export interface AuthResultsHeader {
  authservId: string;
  results: AuthResult[];
}

/** Most of a message read for its header section: a header section is never this large. */
const HEADER_SCAN_BYTES = 256 * 1024;

/** The start of a raw message, enough to hold its header section: from memory, or from its spool file. */
export async function headOf(raw: Buffer | { path: string }): Promise<Buffer> {
  if (Buffer.isBuffer(raw)) return raw.subarray(0, Math.min(raw.length, HEADER_SCAN_BYTES));
  const fh = await open(raw.path, "r");
  try {
    const buf = Buffer.alloc(HEADER_SCAN_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEADER_SCAN_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The values of every `name` header field of a raw message, top to bottom, unfolded. */
export function headerValues(raw: Buffer, name: string): string[] {
  const head = raw.subarray(0, Math.min(raw.length, HEADER_SCAN_BYTES)).toString("latin1");
  const end = head.search(/\r?\n\r?\n/);
  const section = end < 0 ? head : head.slice(0, end);
  const fields = section.replace(/\r?\n(?=[ \t])/g, "").split(/\r?\n/);
  const prefix = `${name.toLowerCase()}:`;
  return fields.filter((f) => f.toLowerCase().startsWith(prefix)).map((f) => f.slice(prefix.length).trim());
}

/** Removes RFC 5322 comments (nested parentheses) outside quoted strings. */
function stripComments(v: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === "\\" && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (v[i + 1] ?? "");
      i++;
    } else if (quoted) {
      out += ch;
      if (ch === '"') quoted = false;
    } else if (ch === "(") depth++;
    else if (ch === ")" && depth > 0) depth--;
    else if (depth === 0) {
      if (ch === '"') quoted = true;
      out += ch;
    }
  }
  return out;
}

/** Longest Authentication-Results value read; real ones are a few hundred characters. */
const MAX_VALUE = 8 * 1024;

/** Splits on whitespace outside quoted strings, and joins `a = b` into one `a=b` token (one pass, no backtracking). */
function tokens(part: string): string[] {
  const raw: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < part.length; i++) {
    const ch = part[i];
    if (quoted) {
      cur += ch;
      if (ch === "\\" && i + 1 < part.length) cur += part[++i];
      else if (ch === '"') quoted = false;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
      if (cur) raw.push(cur);
      cur = "";
    } else {
      if (ch === '"') quoted = true;
      cur += ch;
    }
  }
  if (cur) raw.push(cur);
  const out: string[] = [];
  for (const t of raw) {
    const last = out.length ? out[out.length - 1] : undefined;
    if (last !== undefined && (last.endsWith("=") || t.startsWith("="))) out[out.length - 1] = last + t;
    else out.push(t);
  }
  return out;
}

const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1).replace(/\\(.)/g, "$1") : s);

/** Parses one Authentication-Results value; undefined when it has no authserv-id. */
export function parseAuthResults(value: string): AuthResultsHeader | undefined {
  const parts = stripComments(value.slice(0, MAX_VALUE))
    .split(";")
    .map((p) => p.trim());
  // authserv-id [version]
  const authservId = unquote(parts[0]?.split(/\s+/)[0] ?? "").toLowerCase();
  if (!authservId) return undefined;
  const results: AuthResult[] = [];
  for (const part of parts.slice(1)) {
    const list = tokens(part);
    const pair = (t: string | undefined) => {
      const at = t ? t.indexOf("=") : -1;
      return t && at > 0 && at < t.length - 1 ? [t.slice(0, at), t.slice(at + 1)] : undefined;
    };
    const first = pair(list[0]);
    if (!first) continue; // "none", or something unreadable
    const method = first[0].toLowerCase().replace(/\/.*$/, "");
    const props: Record<string, string> = {};
    for (const t of list.slice(1)) {
      const p = pair(t);
      if (p) props[p[0].toLowerCase()] = unquote(p[1]);
    }
    results.push({ method, result: unquote(first[1]).toLowerCase(), props });
  }
  return { authservId, results };
}

/**
 * The Authentication-Results headers that count: reading from the top, the first run of headers
 * whose authserv-id is trusted, ending at the next one that is not. Headers with a trusted id
 * further down are ignored (a sender put them in, or an earlier hop did).
 */
export function trustedAuthResults(raw: Buffer, trustedIds: readonly string[]): AuthResultsHeader[] {
  if (!trustedIds.length) return [];
  const all = headerValues(raw, "Authentication-Results").map(parseAuthResults);
  const run: AuthResultsHeader[] = [];
  for (const h of all) {
    if (h && trustedIds.includes(h.authservId)) run.push(h);
    else if (run.length) break;
  }
  return run;
}

/**
 * True when a trusted server says DMARC passed for the domain of `fromAddress`. The topmost
 * DMARC verdict of the trusted run decides: a pass below a fail (or a none) is not taken.
 */
export function dmarcPassed(raw: Buffer, fromAddress: string, trustedIds: readonly string[]): boolean {
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1).toLowerCase();
  for (const h of trustedAuthResults(raw, trustedIds)) {
    const dmarc = h.results.find((r) => r.method === "dmarc");
    if (!dmarc) continue;
    return dmarc.result === "pass" && (dmarc.props["header.from"] ?? "").toLowerCase() === domain;
  }
  return false;
}
