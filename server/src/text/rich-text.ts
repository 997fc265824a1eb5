/**
 * Rich text is stored as sanitised HTML. sanitize-html (htmlparser2-based, allow-list) is the
 * well-kept library for this on the server: scripts, event handlers, styles, and javascript:/
 * data: URLs never survive, whatever the input.
 */
import sanitizeHtml from "sanitize-html";
import { invalid } from "../errors.ts";
import { HTML_DEPTH_MAX, HTML_ELEMENTS_MAX, measureHtml } from "./html-shape.ts";

/** The tags both stored rich text and outgoing mail allow: text, lists, links, headings, tables, images. */
export const BASIC_HTML_TAGS = [
  "p",
  "br",
  "div",
  "span",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "del",
  "sub",
  "sup",
  "mark",
  "blockquote",
  "code",
  "pre",
  "ul",
  "ol",
  "li",
  "a",
  "h1",
  "h2",
  "h3",
  "h4",
  "hr",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "img",
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...BASIC_HTML_TAGS, "strike", "h5", "h6", "tfoot", "caption"],
  allowedAttributes: {
    // target/rel are set by the transform below, so they must be allowed through.
    a: ["href", "title", "rel", "target"],
    // data-remote-src: a remote image from inbound mail, held back until an agent loads it.
    img: ["src", "alt", "title", "width", "height", "data-remote-src"],
    span: ["data-mention-id"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https", "cid"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // Links open outside the app and never hand it a referrer or an opener.
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }),
  },
};

export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/**
 * Inbound mail HTML: the same allow-list, plus what mail needs. `cid:` images become the URL of
 * the attachment they name (or vanish when it is missing); remote images are blocked, since
 * loading one tells the sender that, when and from where the mail was read: the URL moves to
 * data-remote-src and `remoteImages` says so, for the agent to load them deliberately.
 * The text of a mail's <head> (its <title>) never shows as body text.
 */
export function sanitizeMailHtml(html: string, cidUrl: (cid: string) => string | undefined): { html: string; remoteImages: boolean } {
  let remoteImages = false;
  const clean = sanitizeHtml(html, {
    ...OPTIONS,
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head"],
    transformTags: {
      ...OPTIONS.transformTags,
      img: (tagName, attribs) => {
        const src = (attribs.src ?? "").trim();
        const { src: _drop, ...rest } = attribs;
        if (/^cid:/i.test(src)) {
          const url = cidUrl(src.slice(4).replace(/^<|>$/g, ""));
          return { tagName, attribs: url ? { ...rest, src: url } : rest };
        }
        if (/^https?:/i.test(src)) {
          remoteImages = true;
          return { tagName, attribs: { ...rest, "data-remote-src": src } };
        }
        return { tagName, attribs: rest };
      },
    },
  }).trim();
  return { html: clean, remoteImages };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Plain text to HTML: escaped, blank lines make paragraphs, single newlines make line breaks. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/**
 * Refuses (400 naming `field`) HTML nested deeper or with more elements than html-shape.ts
 * allows, before the sanitiser, whose time grows with the square of the depth, would hold the
 * server.
 */
export function assertHtmlShape(field: string, html: string): void {
  if (!measureHtml(html).tooComplex) return;
  throw invalid(
    field,
    `is HTML too complex to store: at most ${HTML_DEPTH_MAX} levels of nested elements and ${HTML_ELEMENTS_MAX.toLocaleString("en")} elements in all. Simplify it, or send it with format "text".`,
  );
}

/** The stored HTML for a body sent as `html` or `text`; `field` names the body in an error. */
export function toStoredHtml(body: string, format: "html" | "text", field = "body"): string {
  if (format === "text") return textToHtml(body);
  assertHtmlShape(field, body);
  return sanitizeRichText(body);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** Readable text of stored HTML, for search and previews. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html.replace(/<(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, "$& "), { allowedTags: [], allowedAttributes: {} })
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => ENTITIES[e])
    .replace(/\s+/g, " ")
    .trim();
}
