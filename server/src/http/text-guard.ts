/**
 * One guard for the text that comes in over HTTP: the path, query, JSON or form body and the
 * headers read as text. It refuses, with a 400 naming the field:
 * - the NUL character: PostgreSQL cannot store it in text (a 500 there, stored on SQLite), and
 *   no field of ours has a use for it;
 * - anything that is not valid UTF-8: bytes that are not UTF-8 (0xff, a cut-off or overlong
 *   sequence, an encoded surrogate) and JSON `\ud800`-style escapes that decode to an unpaired
 *   surrogate. Left alone they turn into U+FFFD (or fail to encode) on the way to the database.
 *
 * Bodies and query strings are decoded here so that a run of bad bytes becomes an unpaired
 * surrogate instead of U+FFFD; one walk over the parsed values then finds both kinds and names
 * the field. A U+FFFD the client really sent stays valid text.
 */
import { isUtf8 } from "node:buffer";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { invalid } from "../errors.ts";
import type { App } from "./types.ts";

// Deeper than any of our schemas; a pathological body stops being walked here and fails validation.
const MAX_DEPTH = 20;

/** What bad bytes decode to here: an unpaired surrogate, which no valid UTF-8 can produce. */
const BAD_BYTES_MARK = "\ud800";
const REPLACEMENT_BYTES = Buffer.from("\ufffd");
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Headers whose value is read as text (stored, echoed or compared); others are passed over. */
const TEXT_HEADERS = ["idempotency-key", "if-match", "if-none-match", "x-csrf-token", "user-agent"];

const NOT_UTF8 = "must be valid UTF-8 text: it holds bytes that are not UTF-8, or an unpaired surrogate such as \\ud800";

/**
 * UTF-8 bytes to a string, except that each run of bytes that is not UTF-8 becomes an unpaired
 * surrogate rather than U+FFFD. The bytes EF BF BD (a real U+FFFD) always decode as one
 * character, so the pieces between them hold replacement characters for bad bytes only.
 */
export function decodeUtf8Marked(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString("utf8");
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(REPLACEMENT_BYTES, from);
    parts.push(
      bytes
        .subarray(from, at < 0 ? bytes.length : at)
        .toString("utf8")
        .replaceAll("\ufffd", BAD_BYTES_MARK),
    );
    if (at < 0) return parts.join("\ufffd");
    from = at + REPLACEMENT_BYTES.length;
  }
}

const HEX2 = /^[0-9a-fA-F]{2}$/;

/**
 * One percent-encoded component (application/x-www-form-urlencoded rules: `+` is a space; a `%`
 * not followed by two hex digits stays as it is, as in Fastify's own parser). Characters up to
 * U+00FF are taken as the bytes they stand for: Node reads the request line, and this module
 * reads form bodies, one byte per character.
 */
function decodeComponent(s: string): string {
  if (!/[%+]|[^\x00-\x7f]/.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && HEX2.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b) bytes.push(0x20);
    else if (c < 0x100) bytes.push(c);
    else {
      // Only callers inside the process (tests' inject) can hand over wider characters.
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...(UNPAIRED_SURROGATE.test(ch) ? [0xff] : Buffer.from(ch)));
      i += ch.length - 1;
    }
  }
  return decodeUtf8Marked(Buffer.from(bytes));
}

/** A query string or form body as Fastify's default parser reads it (repeated keys make an array), with bad bytes marked. */
export function parseUrlEncoded(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decodeComponent(pair.slice(eq + 1));
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

type Problem = "nul" | "utf8";

const problemOf = (s: string): Problem | undefined => (s.includes("\u0000") ? "nul" : UNPAIRED_SURROGATE.test(s) ? "utf8" : undefined);
// A key goes into the message: keep it printable and well-formed.
const shownKey = (key: string) => key.replaceAll("\u0000", "\\0").replace(new RegExp(UNPAIRED_SURROGATE, "g"), "\ufffd");

/** The path of the first string (or key) holding a NUL or not valid as Unicode, e.g. "body.requester.email". */
export function findBadText(value: unknown, path: string, depth = 0): { field: string; problem: Problem } | undefined {
  if (typeof value === "string") {
    const problem = problemOf(value);
    return problem && { field: path, problem };
  }
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const field = `${path}.${shownKey(key)}`;
    const problem = problemOf(key);
    if (problem) return { field, problem };
    const found = findBadText(v, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Text a library decoded for us before we could see the bytes (multipart field values and file
 * names: the parser turns bytes that are not UTF-8 into U+FFFD). There a U+FFFD is the trace of
 * bad bytes, so it is refused with them.
 */
export function checkDecodedText(value: string, field: string) {
  const problem = value.includes("\ufffd") ? "utf8" : problemOf(value);
  if (problem) throw invalid(field, problem === "nul" ? "must not contain the NUL character" : NOT_UTF8);
}

/** A header's value holds the bytes as sent, one character each (Node reads headers as Latin-1). */
function headerIsUtf8(value: string) {
  return !/[^\x00-\x7f]/.test(value) || isUtf8(Buffer.from(value, "latin1"));
}

/**
 * Fastify's errors from before routing, answered in our format. A path parameter that does not
 * decode (bytes that are not UTF-8, or a broken %-escape) is a 400 naming the segment.
 */
export function answerFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (error.code !== "FST_ERR_BAD_URL") return reply.send(error);
  const segment = (req.raw.url ?? "")
    .split("?")[0]
    .split("/")
    .find((part) => {
      try {
        decodeURIComponent(part);
        return false;
      } catch {
        return true;
      }
    });
  // Sent as it is: this answer comes before the app's error handler is in reach.
  const err = invalid("path", `${NOT_UTF8} (the segment ${JSON.stringify(segment ?? "")} does not decode)`);
  return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
}

/** The form parser for the setup page's plain HTML form, with the same checks as everything else. */
export function registerFormParser(scope: App, bodyLimit: number) {
  scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer", bodyLimit }, (_req, body, done) => {
    done(null, parseUrlEncoded((body as Buffer).toString("latin1")));
  });
}

export function registerTextGuard(app: App) {
  // JSON is parsed from the raw bytes so that bad bytes are seen (the default parser decodes
  // them to U+FFFD first); Fastify's own parser does the rest, prototype-poisoning checks included.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => parseJson(req, decodeUtf8Marked(body as Buffer), done));

  app.addHook("preValidation", async (req) => {
    for (const name of TEXT_HEADERS) {
      const v = req.headers[name];
      if (typeof v === "string" && !headerIsUtf8(v)) throw invalid(`headers.${name}`, NOT_UTF8);
    }
    const bad = findBadText(req.params, "params") ?? findBadText(req.query, "querystring") ?? findBadText(req.body, "body");
    if (bad) throw invalid(bad.field, bad.problem === "nul" ? "must not contain the NUL character" : NOT_UTF8);
  });
}
