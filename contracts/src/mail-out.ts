/** Outgoing mail: the outbox admins watch, the templates they edit, and the mail settings. */
import { z } from "zod";
import { Instant } from "./common.ts";

export const MAIL_KINDS = ["acknowledgement", "reply", "resolved", "auto_closed", "mention", "assigned"] as const;
/**
 * What a message is: `acknowledgement` of a new request (to its requester), an agent's public
 * `reply` (to the requester and CCs), `resolved` (with confirm / not-fixed links), `auto_closed`,
 * and the agent notices `mention` and `assigned`.
 */
export const MailKind = z.enum(MAIL_KINDS);
export type MailKind = z.infer<typeof MailKind>;

export const OUTBOX_STATES = ["queued", "sending", "sent", "failed", "suppressed"] as const;
/** `queued` waits for its (next) attempt; `failed` gave up and waits for an admin; `suppressed` was deliberately not sent (see skip_reason). */
export const OutboxState = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof OutboxState>;

export const OutboxItem = z.object({
  id: z.number().int(),
  kind: MailKind,
  state: OutboxState,
  ticket_id: z.number().int(),
  reference: z.string(),
  to: z.object({ user_id: z.number().int().nullable(), address: z.string(), name: z.string() }),
  /** Null until the message is composed (just before its first attempt). */
  subject: z.string().nullable(),
  message_id: z.string().nullable(),
  attempts: z.number().int(),
  next_attempt_at: Instant.nullable().describe("when a queued message is tried next; null once sent, failed or suppressed"),
  last_error: z.string().nullable(),
  skip_reason: z.string().nullable(),
  created_at: Instant,
  sent_at: Instant.nullable(),
});
export type OutboxItem = z.infer<typeof OutboxItem>;

export const OutboxListQuery = z.object({
  state: OutboxState.optional(),
  ticket_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `next_cursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,12}$/, "must be the next_cursor of a previous page")
    .optional(),
});
export type OutboxListQuery = z.infer<typeof OutboxListQuery>;

const TemplateText = (max: number) => z.string().max(max, `must be at most ${max.toLocaleString("en")} characters`);

/** A template's three parts, in mustache syntax: {{ticket.reference}} (escaped in HTML), {{#comment}}…{{/comment}} sections. */
export const MailTemplateParts = z
  .object({
    subject: TemplateText(500).trim().min(1, "must not be empty"),
    text: TemplateText(50_000).min(1, "must not be empty"),
    html: TemplateText(100_000).min(1, "must not be empty"),
  })
  .strict();
export type MailTemplateParts = z.infer<typeof MailTemplateParts>;

export const MailTemplate = z.object({
  kind: MailKind,
  /** What the template is for, in words. */
  description: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  /** False while the built-in default is in use. */
  customized: z.boolean(),
  defaults: z.object({ subject: z.string(), text: z.string(), html: z.string() }),
  /** Every placeholder the template may use, e.g. "ticket.reference". */
  placeholders: z.array(z.string()),
  updated_at: Instant.nullable(),
});
export type MailTemplate = z.infer<typeof MailTemplate>;

export const MailPreviewInput = z
  .object({
    /** Unsaved parts to render; a part left out is taken from the saved template. */
    subject: TemplateText(500).optional(),
    text: TemplateText(50_000).optional(),
    html: TemplateText(100_000).optional(),
    /** Render against this ticket (id or reference) instead of sample data. */
    ticket: z.union([z.number().int().positive(), z.string().trim().min(1).max(40)]).optional(),
  })
  .strict();
export type MailPreviewInput = z.infer<typeof MailPreviewInput>;

export const MailPreview = z.object({
  /** The subject as sent: folded to one line, with the [#REF] tag. */
  subject: z.string(),
  text: z.string(),
  /** Sanitised HTML part. */
  html: z.string(),
  /** "sample" or the reference of the ticket used. */
  rendered_with: z.string(),
});
export type MailPreview = z.infer<typeof MailPreview>;

export const MailStatus = z.object({
  /** False: no TESSERA_SMTP_URL / TESSERA_SMTP_HOST, so mail waits in the outbox. */
  smtp_configured: z.boolean(),
  /** host:port of the mail server (never its password). */
  smtp_server: z.string().nullable(),
  from: z.string(),
  counts: z.record(OutboxState, z.number().int()),
  oldest_queued_at: Instant.nullable(),
  last_delivery_at: Instant.nullable(),
  last_error: z.object({ message: z.string(), at: Instant, outbox_id: z.number().int() }).nullable(),
  /** Automatic answers (acknowledgements) one address may get per hour. */
  auto_reply_per_hour: z.number().int(),
});
export type MailStatus = z.infer<typeof MailStatus>;

export const MailSettingsInput = z
  .object({
    auto_reply_per_hour: z.number().int().min(1, "must be at least 1").max(1000, "must be at most 1000"),
  })
  .strict();
export type MailSettingsInput = z.infer<typeof MailSettingsInput>;
