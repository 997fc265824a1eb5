/**
 * Finds the quoted history at the end of a reply, so that a ticket shows what the sender wrote
 * and keeps the rest one click away. Only history is hidden: an "On … wrote:" header with its
 * ">" lines (or the HTML quote block a mail client wraps them in), or an Outlook block
 * ("-----Original Message-----", a line of underscores, or "From: … Sent: …" headers) and
 * everything after it. Text the sender wrote above, between or below quoted parts stays shown;
 * a line of underscores followed by more of the sender's words is just a line.
 *
 * Written here rather than taken from email-reply-parser: that library runs multi-line regular
 * expressions over the whole text, which backtrack quadratically (a 750 KB Dutch reply thread
 * took 16 s to 175 s), and it treats any line of underscores as the start of a signature, so the
 * text after one vanished. This scanner looks at each line once, tests header patterns only
 * on short lines, and gives up (nothing trimmed) on a body longer than it reads.
 */
import { parseDocument } from "htmlparser2";
import { isTag, isText, type AnyNode, type Element } from "domhandler";
import { measureHtml } from "../../text/html-shape.ts";

/** Longest text body scanned for quoted history, in characters; a longer one is shown whole. */
export const TRIM_TEXT_MAX = 4_000_000;
/** Longest HTML body scanned for quoted history, in characters; a longer one is shown whole. */
export const TRIM_HTML_MAX = 2_000_000;
/**
 * Deepest element nesting an HTML body may have to be scanned: the HTML parser slows down with
 * the square of the depth, and mail nests a few hundred levels at most.
 */
const TRIM_HTML_DEPTH_MAX = 1_000;
/** Header patterns are tested on lines no longer than this (a real header line is short). */
const HEADER_LINE_MAX = 400;

/** "On … wrote:" in the languages the common clients write it in (Gmail, Apple Mail, Thunderbird, iOS, Android). */
const ATTRIBUTION = [
  /^On\s.+\bwrote\s*:$/i, // en
  /^Am\s.+\bschrieb\b.*:$/i, // de
  /^Le\s.+\s(a\s)?écrit\s*:$/i, // fr (with its space before the colon)
  /^El\s.+\bescribió\s*:$/i, // es
  /^Op\s.+\bschreef\b.*:$/i, // nl
  /^Op\s.+\bgeschreven\s*:$/i, // nl (iOS: "Op … heeft … het volgende geschreven:")
  /^Il\s.+\bscritto\s*:$/i, // it
  /^Em\s.+\bescreveu\s*:$/i, // pt
  /^Den\s.+\bskrev\b.*:$/i, // sv, da, no
  /^.+のメッセージ\s*[:：]$/, // ja (Apple Mail, iOS)
  /^.+(写道|寫道)\s*[:：]$/, // zh
  /^.+\s작성\s*[:：]$/, // ko
];
/** A name and address alone: "Ann Lee <ann@example.com> wrote:" (Thunderbird), "… schrieb:". */
const NAME_WROTE = /^.{1,200}\s(wrote|schrieb|a écrit|escribió|schreef|ha scritto|escreveu|skrev)\s*:$/i;

/** Gmail writes some languages as "DATE NAME <address>:", e.g. Japanese "2026年11月23日(月) 16:02 Help Desk <help@desk.test>:". */
const DATED_ADDRESS_HEADER = /^.*(\d{4}|\d{1,2}:\d{2}).*<[^<>\s]+@[^<>\s]+>\s*[:：]$/;

const ORIGINAL_MESSAGE =
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Mensaje original|Oorspronkelijk bericht|Origineel bericht|Messaggio originale|Mensagem original|Originalmeddelande|Opprinnelig melding|Oprindelig meddelelse|Alkuperäinen viesti|Původní zpráva|Oryginalna wiadomość|Wiadomość oryginalna|Исходное сообщение|元のメッセージ|原始邮件|원본 메시지)\s*-{2,}$/i;
const UNDERSCORES = /^_{8,}$/;
/** Outlook's localized "From:" and "Sent:" (or "Date:") header labels, optionally in bold (*From:*). */
const FROM_LABEL = /^\*?(From|Von|De|Van|Da|Från|Fra|Od|Lähettäjä|От|Kimden|差出人|发件人|寄件者|보낸 사람)\s*[:：]/i;
const SENT_LABEL =
  /^\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado(\s+el)?|Fecha|Verzonden|Verstuurd|Inviato|Data|Skickat|Sendt|Lähetetty|Отправлено|Wysłano|Odesláno|Tarih|送信日時|日付|发送时间|發送時間|날짜|보낸 날짜)\s*[:：]/i;
const TO_LABEL =
  /^\*?(To|An|À|A|Para|Aan|Till|Til|Do|Vastaanottaja|Кому|Kime|宛先|收件人|받는 사람|Subject|Betreff|Objet|Asunto|Onderwerp|Oggetto|Assunto|Ämne|Emne|Temat|Тема|Konu|件名|主题|제목|Cc)\s*[:：]/i;

const short = (line: string) => line.length <= HEADER_LINE_MAX;
const isQuoted = (line: string) => /^\s*>/.test(line);
const isBlank = (line: string) => line.trim() === "";

/** An attribution line ("On … wrote:" and its kin); `loose` also takes "NAME <address> wrote:". */
export function isAttribution(line: string, loose = true): boolean {
  if (line.length > HEADER_LINE_MAX * 2) return false;
  const s = line.trim().replace(/\s+/g, " ");
  if (!s || s.length > HEADER_LINE_MAX) return false;
  return ATTRIBUTION.some((re) => re.test(s)) || DATED_ADDRESS_HEADER.test(s) || (loose && NAME_WROTE.test(s));
}

/** The first line of the attribution that ends at line k (Gmail wraps a long one over two or three), or -1. */
function attributionStart(lines: string[], k: number): number {
  if (isAttribution(lines[k], false)) return k;
  for (const n of [2, 3]) {
    if (k - n + 1 < 0) break;
    const part = lines.slice(k - n + 1, k + 1);
    if (part.some((l) => isBlank(l) || isQuoted(l))) break;
    if (isAttribution(part.join(" "), false)) return k - n + 1;
  }
  return isAttribution(lines[k]) ? k : -1;
}

/** Outlook's header block: "From:" then, within the next few lines, "Sent:"/"Date:" and "To:"/"Subject:". */
function isOutlookHeaders(lines: string[], i: number): boolean {
  const first = lines[i].trim();
  if (!short(first) || !FROM_LABEL.test(first)) return false;
  let sent = false;
  for (let k = i + 1; k < Math.min(lines.length, i + 7); k++) {
    const l = lines[k].trim();
    if (!short(l)) return false;
    if (SENT_LABEL.test(l)) sent = true;
    else if (sent && TO_LABEL.test(l)) return true;
  }
  return false;
}

/** Where an Outlook-style quoted original starts: everything from there on is the earlier message. */
function outlookStart(lines: string[], i: number): boolean {
  const line = lines[i].trim();
  if (!short(line) || isQuoted(lines[i])) return false;
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (UNDERSCORES.test(line)) {
    // A separator only when Outlook's headers follow it; otherwise the sender's own line.
    let k = i + 1;
    while (k < lines.length && k <= i + 2 && isBlank(lines[k])) k++;
    return k < lines.length && isOutlookHeaders(lines, k);
  }
  return isOutlookHeaders(lines, i);
}

/**
 * The start (a line index) of the quoted history that ends the lines before `end`: blocks of ">"
 * lines, each under an attribution ("On … wrote:") or opening with one (Apple Mail quotes its
 * own), with nothing the sender wrote in between; `end` if there is none.
 */
function trailingQuoteStart(lines: string[], end: number): number {
  let cut = end;
  /** The topmost ">" line of the block being walked, or -1 when no block is open. */
  let top = -1;
  for (let k = end - 1; k >= 0; k--) {
    const line = lines[k];
    if (isBlank(line)) continue;
    if (isQuoted(line)) {
      top = k;
      continue;
    }
    if (top < 0) break;
    const header = attributionStart(lines, k);
    if (header >= 0) {
      cut = header;
      k = header;
      top = -1;
      continue;
    }
    if (opensWithAttribution(lines, top)) cut = top;
    return cut;
  }
  if (top >= 0 && opensWithAttribution(lines, top)) cut = top;
  return cut;
}

/** The ">" block starting at `top` opens with an attribution (as Apple Mail and iOS write it). */
function opensWithAttribution(lines: string[], top: number): boolean {
  const unquote = (l: string | undefined) => (l ?? "").replace(/^\s*>\s?/, "");
  const first = unquote(lines[top]);
  return isAttribution(first, false) || (isQuoted(lines[top + 1] ?? "") && isAttribution(`${first} ${unquote(lines[top + 1])}`, false));
}

/**
 * The part of a plain-text reply the sender wrote, or null when nothing is quoted history (or
 * the text is longer than TRIM_TEXT_MAX, or the history is all there is).
 */
export function trimTextReply(text: string): string | null {
  return untrimmedOnError(() => trimText(text));
}

function trimText(text: string): string | null {
  if (!text || text.length > TRIM_TEXT_MAX) return null;
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (outlookStart(lines, i)) {
      end = i;
      break;
    }
  }
  const cut = trailingQuoteStart(lines, end);
  if (cut >= lines.length) return null;
  const shown = lines.slice(0, cut).join("\n").trim();
  return shown ? shown : null;
}

// ---- HTML ---------------------------------------------------------------------------------

const attr = (el: Element, name: string) => (el.attribs[name] ?? "").slice(0, 2000);
const hasClass = (el: Element, cls: string) => ` ${attr(el, "class")} `.replace(/\s+/g, " ").includes(` ${cls} `);

/** Only an element with one of these attributes can be a quote block or Outlook's boundary. */
const hasMarkers = (el: Element) => el.attribs.class !== undefined || el.attribs.id !== undefined || el.attribs.type !== undefined || el.attribs.style !== undefined;

/** A block a mail client wraps quoted history (or its attribution) in. */
function isQuoteBlock(el: Element): boolean {
  const name = el.name.toLowerCase();
  if (name === "blockquote" && (attr(el, "type").toLowerCase() === "cite" || hasClass(el, "gmail_quote"))) return true;
  if (name === "div" && (hasClass(el, "gmail_quote") || hasClass(el, "gmail_attr") || hasClass(el, "moz-cite-prefix") || hasClass(el, "yahoo_quoted"))) return true;
  return false;
}

/** Where Outlook (desktop, web, mobile) starts the original message below a reply. */
function isOutlookBoundary(el: Element): boolean {
  const name = el.name.toLowerCase();
  const id = attr(el, "id");
  if (name === "div" && /^(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)$/i.test(id)) return true;
  if (name === "hr" && /^stopSpelling$/i.test(id)) return true;
  return name === "div" && /border-top:\s*solid\s+#(E1E1E1|B5C4DF)/i.test(attr(el, "style"));
}

const hasWords = (s: string) => /[^\s\u00a0\u200b]/.test(s);

/**
 * The HTML of a reply without the quoted history that ends it, or null when there is none.
 * History is a client's quote block with nothing the sender wrote after it, or an Outlook
 * original-message boundary and everything after it. The result is the original HTML with
 * those stretches cut out (tags left open are closed by the sanitiser that follows).
 */
export function trimHtmlReply(html: string): string | null {
  return untrimmedOnError(() => trimHtml(html));
}

/** Trimming never costs a message its place: whatever goes wrong, it is shown whole. */
function untrimmedOnError(trim: () => string | null): string | null {
  try {
    return trim();
  } catch {
    return null;
  }
}

function trimHtml(html: string): string | null {
  if (!html || html.length > TRIM_HTML_MAX || measureHtml(html, { depth: TRIM_HTML_DEPTH_MAX, elements: Infinity }).tooComplex) return null;
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  // The document in reading order: quote blocks (not entered), Outlook's boundary, and the rest.
  type Piece = { node: AnyNode; kind: "quote" | "words" | "attribution" };
  const pieces: Piece[] = [];
  let boundary: AnyNode | null = null;
  const stack: AnyNode[] = [...doc.children].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (isTag(node)) {
      const name = node.name.toLowerCase();
      if (name === "head" || name === "style" || name === "script" || name === "title") continue;
      if (hasMarkers(node) && isOutlookBoundary(node)) {
        boundary = node;
        break;
      }
      if (hasMarkers(node) && isQuoteBlock(node)) {
        pieces.push({ node, kind: "quote" });
        continue;
      }
      if (name === "img") pieces.push({ node, kind: "words" });
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    } else if (isText(node) && hasWords(node.data)) {
      if (short(node.data.trim()) && ORIGINAL_MESSAGE.test(node.data.trim())) {
        boundary = node;
        break;
      }
      pieces.push({ node, kind: isAttribution(node.data) ? "attribution" : "words" });
    }
  }
  // From the end: quote blocks (and an attribution line just above one) until the sender's words.
  const drop: AnyNode[] = [];
  for (let i = pieces.length - 1; i >= 0; i--) {
    const p = pieces[i];
    if (p.kind === "quote") drop.push(p.node);
    else if (p.kind === "attribution" && drop.length) drop.push(p.node);
    else break;
  }
  if (!drop.length && !boundary) return null;
  // Outlook on the web draws an <hr> right above its header block: it goes with it.
  let end = html.length;
  if (boundary) {
    const prev = boundary.prev && isText(boundary.prev) && !hasWords(boundary.prev.data) ? boundary.prev.prev : boundary.prev;
    end = prev && isTag(prev) && prev.name.toLowerCase() === "hr" ? prev.startIndex! : boundary.startIndex!;
  }
  let out = "";
  let at = 0;
  for (const node of drop.reverse()) {
    const from = node.startIndex!;
    if (from >= end) break;
    out += html.slice(at, from);
    at = node.endIndex! + 1;
  }
  return out + html.slice(at, Math.max(at, end));
}
