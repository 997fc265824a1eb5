/**
 * Turning a template and a ticket into the three parts of a message. Everything a user typed
 * reaches a header only through foldHeader (no CR/LF, so no injected headers), the HTML part
 * is HTML-escaped by mustache and sanitised again as a whole, and the text part is plain text.
 */
import Mustache from "mustache";
import sanitizeHtml from "sanitize-html";
import { convert } from "html-to-text";
import type { AppContext, Executor } from "../../context.ts";
import type { MailKind } from "./tables.ts";
import { AGENT_KINDS } from "./kinds.ts";
import type { TemplateParts } from "./templates.ts";
import { requesterExpectations } from "../../sla/view.ts";
import { HTML_DEPTH_MAX, HTML_ELEMENTS_MAX, measureHtml } from "../../text/html-shape.ts";
import { BASIC_HTML_TAGS, textToHtml } from "../../text/rich-text.ts";

const RENDERED_SHAPE = { depth: 2 * HTML_DEPTH_MAX, elements: 2 * HTML_ELEMENTS_MAX };

/** One header line: control characters (CR, LF, tabs …) become spaces; runs of spaces collapse. */
export function foldHeader(value: string, max = 250): string {
  const one = value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
  return one.length > max ? one.slice(0, max - 1).trimEnd() + "…" : one;
}

/** The subject as sent: one line, carrying the [#REF] tag replies are threaded by. */
export function subjectWithTag(subject: string, reference: string): string {
  const tag = `[#${reference}]`;
  const folded = foldHeader(subject, 240);
  return folded.includes(tag) ? folded : `${tag} ${folded}`.trim();
}

// A mail-safe allow-list: the rich-text tags plus inline styles an admin may use for layout.
const HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...BASIC_HTML_TAGS, "small"],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "width", "height"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan"],
    "*": ["style"],
  },
  allowedStyles: {
    "*": {
      color: [/^#[0-9a-f]{3,6}$/i, /^[a-z]+$/i],
      "background-color": [/^#[0-9a-f]{3,6}$/i, /^[a-z]+$/i],
      "font-size": [/^\d{1,2}(px|pt|em|%)$/],
      "font-weight": [/^(bold|normal|\d00)$/],
      "text-align": [/^(left|right|center)$/],
      margin: [/^[\d.]+(px|em)?( [\d.]+(px|em)?){0,3}$/],
      padding: [/^[\d.]+(px|em)?( [\d.]+(px|em)?){0,3}$/],
      "border-left": [/^\d{1,2}px solid #[0-9a-f]{3,6}$/i],
    },
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
};

export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, HTML_OPTIONS);
}

/** Readable plain text of stored HTML, keeping paragraphs and lists; links show their address. */
export function mailText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
    ],
  }).trim();
}

// Mustache resolves names through the prototype chain; views without one expose only our data.
function toView(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toView);
  if (value && typeof value === "object") {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = toView(v);
    return out;
  }
  return value;
}

function render(template: string, view: unknown, escape: (s: string) => string): string {
  const writer = new Mustache.Writer();
  // No cache: previews render arbitrary drafts, which must not pile up in memory.
  (writer as unknown as { templateCache: undefined }).templateCache = undefined;
  return writer.render(template, view, {}, { escape });
}

const escapeHtml = (s: string) => s.replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Renders a template; `reference` is the tag the subject must carry. */
export function renderMail(template: TemplateParts, data: MailView, reference: string): RenderedMail {
  const view = toView(data);
  const raw = (s: string) => String(s);
  const subject = subjectWithTag(render(template.subject, view, raw), reference);
  const text =
    render(template.text, view, raw)
      .replace(/\r\n?/g, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n";
  // A template (at most 500 levels deep) holds comments (as many again), and its sections repeat;
  // HTML deeper than both would take the sanitiser seconds, so such a message is sent as its text.
  const rendered = render(template.html, view, escapeHtml);
  const body = measureHtml(rendered, RENDERED_SHAPE).tooComplex ? textToHtml(text) : sanitizeMailHtml(rendered);
  const html = `<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">${body}</body></html>`;
  return { subject, text, html };
}

// ---- the data a template sees ------------------------------------------------------------

export interface MailView {
  desk: { name: string; url: string };
  ticket: {
    reference: string;
    subject: string;
    status: string;
    priority: string;
    type: string;
    url: string;
    description_text: string;
    description_html: string;
    resolution_note: string | null;
    expected_response: string | null;
  };
  recipient: { name: string; email: string };
  requester: { name: string; email: string };
  actor: { name: string };
  comment: { text: string; html: string } | null;
  links: { confirm: string; not_fixed: string };
  attachments: Array<{ filename: string; size: string }>;
  linked_attachments: Array<{ filename: string; size: string; url: string }>;
}

export { AGENT_KINDS };

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Portal and workspace links of a ticket. Links only open a page: nothing changes on GET. */
/**
 * Where a mail's links lead. With an answer token (the requester's own resolution notice), the
 * confirm / not-fixed links open a page that needs no sign-in (tickets/answers.ts); without one
 * they open the request in the portal, which asks to sign in first.
 */
export function ticketLinks(publicUrl: string, reference: string, answerToken?: string) {
  const portal = `${publicUrl}/requests/${encodeURIComponent(reference)}`;
  const answer = answerToken && `${publicUrl}/answer/${encodeURIComponent(reference)}?token=${answerToken}`;
  return {
    portal,
    agent: `${publicUrl}/agent/tickets/${encodeURIComponent(reference)}`,
    confirm: answer ? `${answer}&action=confirm` : `${portal}?action=confirm`,
    notFixed: answer ? `${answer}&action=reopen` : `${portal}?action=reopen`,
  };
}

/**
 * The expected time of the first response, in words ("by Tue, 1 Dec 2026, 11:00 CET"), for the
 * acknowledgement: the SLA's promise to the requester, on the wall clock of the ticket's
 * business-hour calendar. Null when no SLA target applies or its clock is paused.
 */
export async function expectedResponseOf(ctx: Pick<AppContext, "memo" | "clock">, db: Executor, ticketId: number): Promise<string | null> {
  const { first_response_at } = await requesterExpectations({ db, memo: ctx.memo, clock: ctx.clock }, ticketId);
  if (!first_response_at) return null;
  const cal = await db
    .selectFrom("sla_clocks")
    .innerJoin("sla_calendars", "sla_calendars.id", "sla_clocks.calendar_id")
    .select("sla_calendars.time_zone")
    .where("sla_clocks.ticket_id", "=", ticketId)
    .executeTakeFirst();
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" }).format(
      new Date(first_response_at),
    );
  let when: string;
  try {
    when = format(cal?.time_zone ?? "UTC");
  } catch {
    when = format("UTC");
  }
  return `by ${when}`;
}

/** Data for previews without a ticket. */
export function sampleView(ctx: Pick<AppContext, "config">, kind: MailKind): MailView {
  const links = ticketLinks(ctx.config.publicUrl, "INC-1042");
  return {
    desk: { name: ctx.config.mailOut.from.name, url: ctx.config.publicUrl },
    ticket: {
      reference: "INC-1042",
      subject: "Printer on the 3rd floor jams on every page",
      status: AGENT_KINDS.includes(kind) ? "Open" : "In progress",
      priority: "P3",
      type: "incident",
      url: AGENT_KINDS.includes(kind) ? links.agent : links.portal,
      description_text: "Since this morning every print job jams after the first page.",
      description_html: "<p>Since this morning every print job jams after the first page.</p>",
      resolution_note: "Replaced the worn pickup roller.",
      expected_response: "within 4 business hours",
    },
    recipient: AGENT_KINDS.includes(kind) ? { name: "Alex Agent", email: "alex@example.com" } : { name: "Robin Requester", email: "robin@example.com" },
    requester: { name: "Robin Requester", email: "robin@example.com" },
    actor: { name: "Sam Support" },
    comment: { text: "Could you try again now? We replaced a part.", html: "<p>Could you try again now? We replaced a part.</p>" },
    links: { confirm: links.confirm, not_fixed: links.notFixed },
    attachments: [{ filename: "printer-log.txt", size: "2 KB" }],
    linked_attachments: [],
  };
}
