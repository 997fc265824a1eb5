/**
 * Reads a message's text right when its charset is missing or wrong. mailparser decodes each part
 * by the charset it declares and takes UTF-8 when there is none, so an undeclared ISO-2022-JP
 * body shows as "$B%F%9%H…", an undeclared Shift_JIS or Windows-1252 one as replacement marks,
 * and UTF-8 labelled ISO-8859-1 as "Ã¼". When the parsed text shows one of these signs, the
 * text parts are read again from the raw message and their charset is found from their bytes:
 * the escape sequences of ISO-2022-JP, UTF-8 validity, and chardet for the rest. chardet
 * (node-chardet) is the maintained, dependency-free detector npm relies on most (ICU's
 * algorithm; Shift_JIS, EUC-JP, ISO-2022-JP, GB18030, Big5, EUC-KR, the ISO-8859 and Windows
 * code pages); jschardet sees far less use and fewer releases. The raw message is kept as it
 * came, whatever is read here.
 *
 * Plain JavaScript: it runs in the parser's worker thread (see parse-worker.mjs).
 */
import { Readable } from "node:stream";
import { Splitter } from "@zone-eu/mailsplit";
import chardet from "chardet";
import Encoding from "encoding-japanese";
import { convert as htmlToText } from "html-to-text";
import iconv from "iconv-lite";

/** Charsets that a mislabelled UTF-8 body is commonly declared in. */
const SINGLE_BYTE_WESTERN = /^(us-?ascii|ascii|iso[-_]?8859-?(1|15)|latin-?1|windows-?1252|cp-?1252)$/i;
const UTF8 = /^utf-?8$/i;
/** Signs in decoded text that its charset was missing or wrong. */
const SUSPECT = /[\uFFFD\u001B]|[\u00C2-\u00F4][\u0080-\u00BF\u0152-\u0178\u02C6\u02DC\u2013-\u203A\u20AC\u2122]/;
/** Parts read again at most: a message with more text parts than this keeps mailparser's reading. */
const MAX_PARTS = 8;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(bytes) {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const isSevenBit = (bytes) => bytes.every((b) => b < 0x80);
/** ESC $ B, ESC $ @, ESC ( J, ESC $ ( D: the JIS X 0208/0201/0212 designations of ISO-2022-JP. */
const hasJisEscapes = (bytes) => /\x1b(\$[@B]|\(J|\$\(D)/.test(Buffer.from(bytes).toString("latin1"));

/**
 * The charset to read a part's bytes in, or null to keep the declared one.
 * A declared multi-byte charset other than UTF-8 is trusted; a missing, UTF-8 or Western one is
 * checked against the bytes.
 */
export function chooseCharset(bytes, declared) {
  const d = (declared || "").trim();
  if (isSevenBit(bytes)) return hasJisEscapes(bytes) ? "ISO-2022-JP" : null;
  const checkable = !d || UTF8.test(d) || SINGLE_BYTE_WESTERN.test(d);
  if (!checkable) return null;
  if (isUtf8(bytes)) return UTF8.test(d) ? null : "UTF-8";
  if (d && !UTF8.test(d) && !/ascii/i.test(d)) return null; // a Western charset reads any byte
  const guess = chardet.detect(bytes);
  // ISO-8859-1 is read as its superset Windows-1252 (as browsers do): mail that says Latin-1
  // often holds Windows quotes and the euro sign.
  if (!guess || UTF8.test(guess) || /^iso-8859-1$/i.test(guess)) return "windows-1252";
  return iconv.encodingExists(guess) || /2022-?jp/i.test(guess) ? guess : "windows-1252";
}

/** Decodes bytes in a charset; ISO-2022-JP, which iconv-lite lacks, by encoding-japanese. */
export function decodeAs(bytes, charset) {
  if (/2022-?jp/i.test(charset)) return Encoding.convert(Array.from(bytes), { to: "UNICODE", from: "JIS", type: "string" });
  return iconv.decode(Buffer.from(bytes), charset);
}

/** The inline text/plain and text/html parts of a message (a stream), transfer-decoded, with their declared charsets. */
async function textParts(input) {
  const parts = [];
  const splitter = new Splitter();
  let current = null;
  const done = new Promise((resolve, reject) => {
    splitter.on("data", (data) => {
      if (data.type === "node") {
        current = null;
        const type = data.contentType || (data.root ? "text/plain" : "");
        if ((type === "text/plain" || type === "text/html") && data.disposition !== "attachment" && parts.length < MAX_PARTS) {
          current = { type, charset: data.charset || "", decoder: data.getDecoder(), chunks: [] };
          const part = current;
          part.decoder.on("data", (c) => part.chunks.push(c));
          part.finished = new Promise((r) => part.decoder.on("end", r));
          parts.push(part);
        }
      } else if (data.type === "body" && current) {
        current.decoder.write(data.value);
      } else if (data.type === "data") {
        current?.decoder.end();
        current = null;
      }
    });
    splitter.on("end", resolve);
    splitter.on("error", reject);
    input.once("error", reject);
  });
  input.pipe(splitter);
  await done;
  for (const p of parts) {
    if (p.decoder.writable && !p.decoder.writableEnded) p.decoder.end();
  }
  await Promise.all(parts.map((p) => p.finished));
  return parts.map((p) => ({ type: p.type, charset: p.charset, bytes: Buffer.concat(p.chunks) }));
}

/**
 * Rereads `mail.text` and `mail.html` (a mailparser result, changed in place) from the raw
 * message when their charset was missing or wrong. Only a message with at most one text and one
 * HTML part is reread; others keep mailparser's reading.
 *
 * @param raw the raw message: a Buffer, or a function that opens it as a stream again (called
 *   only when the text looks misread)
 */
export async function readCharsetsRight(raw, mail) {
  if (!SUSPECT.test(mail.text || "") && !SUSPECT.test(mail.html || "")) return;
  const parts = await textParts(typeof raw === "function" ? raw() : Readable.from([raw]));
  const plain = parts.filter((p) => p.type === "text/plain");
  const html = parts.filter((p) => p.type === "text/html");
  if (plain.length > 1 || html.length > 1) return;
  let htmlChanged = false;
  if (html[0]) {
    const cs = chooseCharset(html[0].bytes, html[0].charset);
    if (cs) {
      mail.html = decodeAs(html[0].bytes, cs);
      htmlChanged = true;
    }
  }
  if (plain[0]) {
    const cs = chooseCharset(plain[0].bytes, plain[0].charset);
    if (cs) mail.text = decodeAs(plain[0].bytes, cs).replace(/\r?\n/g, "\n");
  } else if (htmlChanged) {
    // The text was made from the HTML it misread: make it again.
    mail.text = textFromHtml(mail.html);
  }
}

/** How much of an HTML body its text is read from: as much as a ticket shows, and html-to-text's memory stays small. */
const TEXT_FROM_HTML_MAX = 512 * 1024;

/**
 * The text of an HTML body without a text part of its own, read from its first 512 KiB (the
 * ticket shows at most 500,000 characters of a body; the original keeps the rest). html-to-text
 * builds a tree of the whole input, and recurses per level (overflowing the stack on HTML nested
 * thousands deep: the text is empty then, and the display step reads such HTML by itself).
 */
export function textFromHtml(html) {
  try {
    return htmlToText(html.length > TEXT_FROM_HTML_MAX ? html.slice(0, TEXT_FROM_HTML_MAX) : html, { wordwrap: false });
  } catch {
    return "";
  }
}
