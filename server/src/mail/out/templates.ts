/**
 * Mail templates: one per kind of message, each a subject, a text part and an HTML part in
 * mustache syntax. mustache is logic-less (no expressions, no helpers, nothing a template can
 * run), so letting admins edit templates gives them no way to execute code; {{name}} is
 * HTML-escaped in the HTML part. Built-in defaults live here; an admin's version is stored in
 * mail_templates and wins while it exists.
 */
import Mustache from "mustache";
import type { Executor } from "../../context.ts";
import { invalid } from "../../errors.ts";
import { assertHtmlShape } from "../../text/rich-text.ts";
import type { MailKind } from "./tables.ts";

export interface TemplateParts {
  subject: string;
  text: string;
  html: string;
}

export const MAIL_KIND_DESCRIPTIONS: Record<MailKind, string> = {
  acknowledgement: "Sent to the requester when a new request is received (an automatic answer).",
  reply: "Sent to the requester and the people copied in when an agent replies publicly.",
  resolved: "Sent to the requester when their request is resolved, with links to confirm or to say it is not fixed.",
  auto_closed: "Sent to the requester when a resolved request is closed automatically.",
  mention: "Sent to an agent mentioned in a reply or an internal note.",
  assigned: "Sent to an agent when a ticket is assigned to them.",
};

const SIGNATURE_TEXT = "\n--\n{{desk.name}}\n";
const SIGNATURE_HTML = '<p style="color:#666">— {{desk.name}}</p>';

export const DEFAULT_TEMPLATES: Record<MailKind, TemplateParts> = {
  acknowledgement: {
    subject: "{{ticket.subject}}",
    text:
      "Hello {{recipient.name}},\n\nWe have received your request and filed it as {{ticket.reference}}.\n" +
      "{{#ticket.expected_response}}You can expect a first response {{ticket.expected_response}}.\n{{/ticket.expected_response}}" +
      "\nFollow it at {{ticket.url}}, or reply to this message to add to it.\n" +
      SIGNATURE_TEXT,
    html:
      "<p>Hello {{recipient.name}},</p><p>We have received your request and filed it as <strong>{{ticket.reference}}</strong>.</p>" +
      "{{#ticket.expected_response}}<p>You can expect a first response {{ticket.expected_response}}.</p>{{/ticket.expected_response}}" +
      '<p>Follow it at <a href="{{ticket.url}}">{{ticket.url}}</a>, or reply to this message to add to it.</p>' +
      SIGNATURE_HTML,
  },
  reply: {
    subject: "{{ticket.subject}}",
    text:
      "{{comment.text}}\n" +
      "{{#linked_attachments}}\nToo large to attach; download {{filename}} ({{size}}) at {{url}}\n{{/linked_attachments}}" +
      "\n--\n{{actor.name}}, {{desk.name}}\nReply to this message to answer, or see {{ticket.reference}} at {{ticket.url}}\n",
    html:
      "{{{comment.html}}}" +
      '{{#linked_attachments}}<p>Too large to attach: <a href="{{url}}">{{filename}}</a> ({{size}})</p>{{/linked_attachments}}' +
      '<p style="color:#666">— {{actor.name}}, {{desk.name}}<br>Reply to this message to answer, or see <a href="{{ticket.url}}">{{ticket.reference}}</a> online.</p>',
  },
  resolved: {
    subject: "Resolved: {{ticket.subject}}",
    text:
      "Hello {{recipient.name}},\n\nYour request {{ticket.reference}} has been resolved.\n" +
      "{{#ticket.resolution_note}}\nWhat was done:\n{{ticket.resolution_note}}\n{{/ticket.resolution_note}}" +
      "\nIs it fixed? Confirm it here: {{links.confirm}}\nStill a problem? Tell us here: {{links.not_fixed}} (or reply to this message).\n" +
      SIGNATURE_TEXT,
    html:
      "<p>Hello {{recipient.name}},</p><p>Your request <strong>{{ticket.reference}}</strong> has been resolved.</p>" +
      "{{#ticket.resolution_note}}<p><strong>What was done:</strong><br>{{ticket.resolution_note}}</p>{{/ticket.resolution_note}}" +
      '<p><a href="{{links.confirm}}">Yes, it is fixed</a> · <a href="{{links.not_fixed}}">No, it is not fixed</a> (or reply to this message).</p>' +
      SIGNATURE_HTML,
  },
  auto_closed: {
    subject: "Closed: {{ticket.subject}}",
    text:
      "Hello {{recipient.name}},\n\nYour request {{ticket.reference}} was resolved and has now been closed, as we heard nothing more.\n" +
      "If the problem comes back, open a new request and mention {{ticket.reference}}: {{desk.url}}\n" +
      SIGNATURE_TEXT,
    html:
      "<p>Hello {{recipient.name}},</p><p>Your request <strong>{{ticket.reference}}</strong> was resolved and has now been closed, as we heard nothing more.</p>" +
      '<p>If the problem comes back, <a href="{{desk.url}}">open a new request</a> and mention {{ticket.reference}}.</p>' +
      SIGNATURE_HTML,
  },
  mention: {
    subject: "{{actor.name}} mentioned you: {{ticket.subject}}",
    text: "{{actor.name}} mentioned you on {{ticket.reference}}:\n\n{{comment.text}}\n\nOpen the ticket: {{ticket.url}}\n",
    html: '<p>{{actor.name}} mentioned you on <a href="{{ticket.url}}">{{ticket.reference}}</a>:</p><blockquote>{{{comment.html}}}</blockquote>',
  },
  assigned: {
    subject: "Assigned to you: {{ticket.subject}}",
    text: "{{actor.name}} assigned {{ticket.reference}} to you.\n\n{{ticket.subject}}\nPriority {{ticket.priority}}, status {{ticket.status}}.\n\nOpen the ticket: {{ticket.url}}\n",
    html: '<p>{{actor.name}} assigned <a href="{{ticket.url}}">{{ticket.reference}}</a> to you.</p><p><strong>{{ticket.subject}}</strong><br>Priority {{ticket.priority}}, status {{ticket.status}}.</p>',
  },
};

/** Every placeholder a template may use (sections iterate the two attachment lists). */
export const PLACEHOLDERS = [
  "desk.name",
  "desk.url",
  "ticket.reference",
  "ticket.subject",
  "ticket.status",
  "ticket.priority",
  "ticket.type",
  "ticket.url",
  "ticket.description_text",
  "ticket.description_html",
  "ticket.resolution_note",
  "ticket.expected_response",
  "recipient.name",
  "recipient.email",
  "requester.name",
  "requester.email",
  "actor.name",
  "comment",
  "comment.text",
  "comment.html",
  "links.confirm",
  "links.not_fixed",
  "attachments",
  "linked_attachments",
] as const;
/** Names usable inside a section: fields of the attachment items, and leaves like {{#ticket}}{{reference}}{{/ticket}}. */
const SECTION_NAMES = new Set(["filename", "size", "url", ...PLACEHOLDERS.map((p) => p.split(".").pop()!)]);
const ROOTS = new Set(PLACEHOLDERS.map((p) => p.split(".")[0]));

type Token = [string, string, number, number, Token[]?];

/** Refuses a template mustache cannot parse, partials, and names that are not placeholders. */
export function checkTemplate(field: string, template: string): void {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (err) {
    throw invalid(field, `is not a valid template: ${(err as Error).message}`);
  }
  // The HTML part is sanitised for every message sent: too deep a template would hold the server each time.
  if (field === "html") assertHtmlShape(field, template);
  const walk = (list: Token[], inSection: boolean) => {
    for (const [type, name, , , children] of list) {
      if (type === ">") throw invalid(field, `uses the partial {{> ${name}}}; templates cannot include others`);
      if (type === "name" || type === "&" || type === "#" || type === "^") {
        const known = (PLACEHOLDERS as readonly string[]).includes(name) || ROOTS.has(name) || name === "." || (inSection && SECTION_NAMES.has(name));
        if (!known) throw invalid(field, `uses {{${name}}}, which is not a placeholder; use one of ${PLACEHOLDERS.join(", ")}`);
      }
      if (children) walk(children, inSection || type === "#");
    }
  };
  walk(tokens, false);
}

/** The template an outgoing message of this kind uses: the admin's version or the default. */
export async function loadTemplate(db: Executor, kind: MailKind): Promise<TemplateParts & { customized: boolean; updated_at: string | null }> {
  const row = await db.selectFrom("mail_templates").selectAll().where("kind", "=", kind).executeTakeFirst();
  if (!row) return { ...DEFAULT_TEMPLATES[kind], customized: false, updated_at: null };
  return { subject: row.subject, text: row.text_body, html: row.html_body, customized: true, updated_at: row.updated_at };
}

export async function saveTemplate(db: Executor, kind: MailKind, parts: TemplateParts, userId: number, now: string): Promise<void> {
  checkTemplate("subject", parts.subject);
  checkTemplate("text", parts.text);
  checkTemplate("html", parts.html);
  const values = { subject: parts.subject, text_body: parts.text, html_body: parts.html, updated_by_id: userId, updated_at: now };
  await db
    .insertInto("mail_templates")
    .values({ kind, ...values })
    .onConflict((oc) => oc.column("kind").doUpdateSet(values))
    .execute();
}

export async function resetTemplate(db: Executor, kind: MailKind): Promise<void> {
  await db.deleteFrom("mail_templates").where("kind", "=", kind).execute();
}
