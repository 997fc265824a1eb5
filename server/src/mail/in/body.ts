/**
 * What an agent sees of a message: sanitised HTML, with quoted history and signatures hidden
 * on replies (the whole body stays in the message record and in the raw .eml).
 */
import { htmlToText, sanitizeMailHtml, textToHtml } from "../../text/rich-text.ts";
import type { ParsedMail } from "./parse.ts";

export interface DisplayBody {
  /** What the ticket or comment shows. */
  html: string;
  /** The whole message body, sanitised, quoted history included. */
  fullHtml: string;
  /** Remote images were blocked (kept in data-remote-src). */
  remoteImages: boolean;
}

const EMPTY = "<p><em>(no message text)</em></p>";
const hasContent = (html: string) => htmlToText(html).length > 0 || /<img/i.test(html);

/**
 * @param reply true for a reply to a ticket: quoted history and signature are hidden. A new
 *   ticket keeps everything, since a forwarded message is what the request is about.
 */
export function displayBody(mail: ParsedMail, cidUrl: (cid: string) => string | undefined, reply: boolean): DisplayBody {
  if (mail.html) {
    const full = sanitizeMailHtml(mail.html, cidUrl);
    let html = full.html;
    if (reply && mail.htmlQuoteAt > 0) {
      const cut = sanitizeMailHtml(mail.html.slice(0, mail.htmlQuoteAt), cidUrl);
      if (hasContent(cut.html)) html = cut.html;
    } else if (reply && mail.visibleText && mail.visibleText.length < mail.text.trim().length) {
      // No marker in the HTML, but the text part shows where the quote begins.
      html = textToHtml(mail.visibleText);
    }
    return { html: hasContent(html) ? html : EMPTY, fullHtml: full.html, remoteImages: full.remoteImages };
  }
  const full = textToHtml(mail.text);
  const html = reply && mail.visibleText ? textToHtml(mail.visibleText) : full;
  return { html: hasContent(html) ? html : EMPTY, fullHtml: full, remoteImages: false };
}
