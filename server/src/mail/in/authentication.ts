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

const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1).replace(/\\(.)/g, "$1") : s);

/** Parses one Authentication-Results value; undefined when it has no authserv-id. */
export function parseAuthResults(value: string): AuthResultsHeader | undefined {
  const parts = stripComments(value).split(";").map((p) => p.trim());
  // authserv-id [version]
  const authservId = unquote(parts[0]?.split(/\s+/)[0] ?? "").toLowerCase();
  if (!authservId) return undefined;
  const results: AuthResult[] = [];
  for (const part of parts.slice(1)) {
    const tokens = part.match(/[^\s=]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s]+)|\S+/g) ?? [];
    const first = /^([^\s=]+)\s*=\s*(\S+)$/.exec(tokens[0] ?? "");
    if (!first) continue; // "none", or something unreadable
    const method = first[1].toLowerCase().replace(/\/.*$/, "");
    const props: Record<string, string> = {};
    for (const t of tokens.slice(1)) {
      const m = /^([^\s=]+)\s*=\s*(.+)$/.exec(t);
      if (m) props[m[1].toLowerCase()] = unquote(m[2]);
    }
    results.push({ method, result: unquote(first[2]).toLowerCase(), props });
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
