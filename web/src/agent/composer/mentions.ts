/**
 * The composer writes plain text; this turns it into the HTML the API stores: paragraphs,
 * line breaks, and each picked @mention as `<span data-mention-id="ID">@Name</span>` (which the
 * server reads to notify that agent). Everything the agent typed is escaped first.
 */

export interface Mention {
  id: number;
  name: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function composeHtml(text: string, mentions: Mention[]): string {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((p) => {
      let html = escapeHtml(p).replace(/\n/g, "<br>");
      for (const m of mentions) {
        const at = escapeHtml(`@${m.name}`);
        html = html.replace(new RegExp(`(^|[\\s(>])${escapeRegExp(at)}(?![\\p{L}\\p{N}])`, "gu"), `$1<span data-mention-id="${m.id}">${at}</span>`);
      }
      return `<p>${html}</p>`;
    });
  return paragraphs.join("");
}

/** The "@word" being typed just before the caret, if any. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

/** Up to six colleagues (never oneself) whose name has a word, or whose address, starting with `query`. */
export function mentionCandidates<U extends { id: number; name: string; email: string }>(staff: U[], selfId: number, query: string): U[] {
  const q = query.toLowerCase();
  const matches = (u: U) =>
    u.name
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(q)) || u.email.toLowerCase().startsWith(q);
  return staff.filter((u) => u.id !== selfId && matches(u)).slice(0, 6);
}
