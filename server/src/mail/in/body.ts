/**
 * What an agent sees of a message: sanitised HTML, with the quoted history that ends a reply
 * hidden (see quote.ts); the whole body stays in the message record, shown on request, and in
 * the raw .eml.
 */
import { HTML_DEPTH_MAX, HTML_ELEMENTS_MAX, measureHtml, textOfHtml } from "../../text/html-shape.ts";
import { htmlToText, sanitizeMailHtml, sanitizeRichText, textToHtml } from "../../text/rich-text.ts";
import type { ParsedMail } from "./parse.ts";
import { trimHtmlReply, trimTextReply } from "./quote.ts";

export interface DisplayBody {
  /** What the ticket or comment shows. */
  html: string;
  /** The whole message body, sanitised, quoted history included. */
  fullHtml: string;
  /** Remote images were blocked (kept in data-remote-src). */
  remoteImages: boolean;
  /**
   * For plain-text mail shown whole: the text `html` was made from (textToHtml), so a ticket or
   * comment can be stored from it as text without sanitising markup that is known to be safe.
   */
  text?: string;
}

const EMPTY = "<p><em>(no message text)</em></p>";
/** Longest body shown on a ticket or comment, in characters; the rest stays in the original. */
const SHOWN_MAX = 500_000;
/** Longest whole body kept beside the original for reading in the app. */
const FULL_MAX = 2_000_000;

/** Cuts an over-long body (re-sanitising, so no tag is left open) and says where the rest is. */
function capped(html: string, max: number): string {
  if (html.length <= max) return html;
  return `${sanitizeRichText(html.slice(0, max))}<p><em>(The message is longer than shown here; download the original for the rest.)</em></p>`;
}
/**
 * Longest HTML body sanitised as HTML, in characters. Past it (or past the nesting and element
 * limits of html-shape.ts) the sanitiser would hold the server for seconds: the message's text
 * is shown instead, and the original keeps it as sent.
 */
export const MAIL_HTML_MAX = 2_000_000;
/** The shape limits for mail, a little under the stored-HTML guard's, leaving room for the notes appended below a body. */
const MAIL_SHAPE = { depth: HTML_DEPTH_MAX - 10, elements: HTML_ELEMENTS_MAX - 100 };
const TOO_COMPLEX = "<p><em>(This message's formatting is too large or too deeply nested to show as sent, so its text is shown. Download the original to see it as sent.)</em></p>";
const hasContent = (html: string) => htmlToText(html).length > 0 || /<img/i.test(html);

/**
 * @param reply true for a reply to a ticket: the quoted history that ends it is hidden. A new
 *   ticket keeps everything, since a forwarded message is what the request is about.
 */
export function displayBody(mail: ParsedMail, cidUrl: (cid: string) => string | undefined, reply: boolean): DisplayBody {
  if (mail.html && (mail.html.length > MAIL_HTML_MAX || measureHtml(mail.html, MAIL_SHAPE).tooComplex)) {
    // The sender's own text part when there is one; else the HTML's text, read in linear time.
    const text = mail.text.trim() ? mail.text : textOfHtml(mail.html.slice(0, MAIL_HTML_MAX));
    const shown = textDisplay(text, reply);
    return { html: TOO_COMPLEX + shown.html, fullHtml: TOO_COMPLEX + shown.fullHtml, remoteImages: false };
  }
  if (mail.html) {
    const full = sanitizeMailHtml(mail.html, cidUrl);
    let html = full.html;
    const cutHtml = reply ? trimHtmlReply(mail.html) : null;
    if (cutHtml !== null && !measureHtml(cutHtml, MAIL_SHAPE).tooComplex) {
      const cut = sanitizeMailHtml(cutHtml, cidUrl);
      if (hasContent(cut.html)) html = cut.html;
    } else if (reply) {
      // No quote block in the HTML, but the text part may show where the quoted history begins.
      const visible = trimTextReply(mail.text);
      if (visible) html = textToHtml(visible);
    }
    return { html: hasContent(html) ? capped(html, SHOWN_MAX) : EMPTY, fullHtml: capped(full.html, FULL_MAX), remoteImages: full.remoteImages };
  }
  return textDisplay(mail.text, reply);
}

function textDisplay(whole: string, reply: boolean): DisplayBody {
  const full = textToHtml(whole);
  const text = (reply && trimTextReply(whole)) || whole;
  const html = text === whole ? full : textToHtml(text);
  // textToHtml leaves out blank paragraphs: empty HTML is a text with nothing to read.
  if (!html) return { html: EMPTY, fullHtml: capped(full, FULL_MAX), remoteImages: false };
  return { html: capped(html, SHOWN_MAX), fullHtml: capped(full, FULL_MAX), remoteImages: false, ...(html.length <= SHOWN_MAX ? { text } : {}) };
}
