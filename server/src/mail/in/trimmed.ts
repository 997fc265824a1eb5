/**
 * Whether a received reply shows less than the message held: its quoted history was hidden (see
 * quote.ts), or it was too long to show whole. The web app then offers "Show trimmed text".
 * Told from what is stored, the comment and the whole message's HTML, so it holds for every
 * message ever received, without a column of its own.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.ts";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "" };

/**
 * The words of an HTML body without markup or whitespace, entities read: two bodies with the
 * same text compare equal however their sanitiser wrote them. One pass, no regular expression
 * that could backtrack.
 */
export function bareText(html: string): string {
  let out = "";
  let inTag = false;
  for (let i = 0; i < html.length; i++) {
    const c = html[i];
    if (inTag) {
      if (c === ">") inTag = false;
      continue;
    }
    if (c === "<") {
      inTag = true;
      continue;
    }
    if (c === "&") {
      const end = html.indexOf(";", i);
      if (end > i && end - i <= 10) {
        const name = html.slice(i + 1, end);
        const code = name[0] === "#" ? (name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)) : NaN;
        const ch = Number.isFinite(code) ? String.fromCodePoint(code) : ENTITIES[name];
        if (ch !== undefined) {
          if (ch.trim()) out += ch;
          i = end;
          continue;
        }
      }
    }
    if (c.trim() && c !== "\u00a0") out += c;
  }
  return out;
}

/** The ids of the messages, among these, whose comment shows only part of them. */
export async function trimmedMessages(db: Kysely<Database>, rows: { id: number; comment_id: number | null; full_html: string }[]): Promise<Set<number>> {
  const withComment = rows.filter((r) => r.comment_id != null);
  if (!withComment.length) return new Set();
  const comments = await db
    .selectFrom("comments")
    .select(["id", "body"])
    .where(
      "id",
      "in",
      withComment.map((r) => r.comment_id!),
    )
    .execute();
  const bodies = new Map(comments.map((c) => [c.id, c.body]));
  const out = new Set<number>();
  for (const r of withComment) {
    const body = bodies.get(r.comment_id!);
    // What the reply shows starts with the whole message, unless part of it was left out.
    if (body !== undefined && !bareText(body).startsWith(bareText(r.full_html))) out.add(r.id);
  }
  return out;
}
