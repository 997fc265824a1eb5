/**
 * The search box's syntax, read once and written out for each engine. A search is a list of
 * clauses that must all match somewhere in a ticket's text:
 *
 * - a word (`vpn`); the last word typed is also a prefix, so a search finds as the user types;
 * - a prefix, a word ending in `*` (`print*`: printer, printing);
 * - a phrase in double quotes (`"will not boot"`): its words one after another.
 *
 * Everything else is punctuation: words are runs of letters and digits, lower-cased, so nothing a
 * user types is ever query syntax to the database.
 */

export interface SearchClause {
  /** One word, or the words of a phrase in order. */
  words: string[];
  /** The last word stands for every word that starts with it. */
  prefix: boolean;
}

/** At most this many words in a search; the rest are ignored. */
const MAX_WORDS = 12;

const WORD = /[\p{L}\p{N}]+/gu;
const wordsOf = (text: string) => text.toLowerCase().match(WORD) ?? [];

/** The clauses of a search text, in the order typed; none when it holds no word. */
export function parseSearch(q: string): SearchClause[] {
  const clauses: SearchClause[] = [];
  // A quoted run (its closing quote optional), or a run of anything but spaces and quotes.
  for (const [part, quoted, bare] of q.matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    if (quoted !== undefined || part.startsWith('"')) {
      const words = wordsOf(quoted ?? "");
      if (words.length) clauses.push({ words, prefix: false });
      continue;
    }
    // Inside a bare run, a word is a prefix when a "*" follows it (`print*`, `router*)`).
    for (const m of bare.matchAll(/([\p{L}\p{N}]+)(\*)?/gu)) clauses.push({ words: [m[1].toLowerCase()], prefix: !!m[2] });
  }
  const last = clauses[clauses.length - 1];
  if (last && !q.trimEnd().endsWith('"')) last.prefix = true;
  return limitWords(clauses);
}

function limitWords(clauses: SearchClause[]): SearchClause[] {
  const kept: SearchClause[] = [];
  let left = MAX_WORDS;
  for (const c of clauses) {
    if (left <= 0) break;
    const words = c.words.slice(0, left);
    kept.push({ words, prefix: c.prefix && words.length === c.words.length });
    left -= words.length;
  }
  return kept;
}

/**
 * An FTS5 query: every clause a quoted string (a phrase when it holds several words), a prefix
 * marked by "*" after the quotes. With `column`, only that column is searched.
 */
export function fts5Query(clauses: SearchClause[], column?: string): string {
  const all = clauses.map((c) => `"${c.words.join(" ")}"${c.prefix ? "*" : ""}`).join(" ");
  return column ? `{${column}} : (${all})` : all;
}

/** A PostgreSQL tsquery (for to_tsquery): words joined by &, a phrase by <->, a prefix marked :*. */
export function tsQuery(clauses: SearchClause[]): string {
  return clauses
    .map((c) => {
      const words = c.words.map((w, i) => (c.prefix && i === c.words.length - 1 ? `${w}:*` : w));
      return words.length > 1 ? `(${words.join(" <-> ")})` : words[0];
    })
    .join(" & ");
}
