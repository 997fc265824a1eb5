import { z } from "zod";
import { Instant } from "./common.ts";

/** Everything the admin and security audit trail records, by stable name. */
export const AUDIT_ACTIONS = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.signed_out",
  "auth.setup_used",
  "auth.setup_refused",
  "token.created",
  "token.revoked",
  "token.used",
  "user.created",
  "user.updated",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.password_changed",
  "organization.created",
  "organization.updated",
  "team.created",
  "team.updated",
  "team.member_added",
  "team.member_removed",
  "setting.changed",
  "status.created",
  "status.updated",
  "custom_field.created",
  "custom_field.updated",
  "category.created",
  "category.updated",
  "mail_template.changed",
  "mail_template.reset",
  "mailbox.created",
  "mailbox.updated",
  "mailbox.deleted",
  "mail.failed_downloaded",
  "mail.message_downloaded",
  "mail.failed_reprocessed",
  "mail.failed_discarded",
  "mail.outbox_retried",
  "sla_calendar.created",
  "sla_calendar.updated",
  "sla_calendar.deleted",
  "sla_policy.created",
  "sla_policy.updated",
  "sla_policy.deleted",
  "sla_policy.reordered",
  "sla.recomputed",
  "macro.created",
  "macro.updated",
  "macro.deleted",
  "canned_reply.created",
  "canned_reply.updated",
  "canned_reply.deleted",
  "view.created",
  "view.updated",
  "view.deleted",
  "job.retried",
  "job.discarded",
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEvent = z.object({
  /** Stable and increasing: the cursor of the list. */
  id: z.number().int(),
  at: Instant,
  action: AuditAction,
  /** Who acted (as they were named then); null when nobody was signed in, as for a failed sign-in. */
  actor: z.object({ id: z.number().int(), name: z.string(), email: z.string() }).nullable(),
  /** How: web (a browser session), api (an API token) or system. */
  via: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }).nullable(),
  /** The fields that changed, before and after; secrets read "[redacted]". */
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  /** The client's address (behind trusted proxies, the one they forwarded) and its User-Agent. */
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  /** The browser and system the User-Agent names, e.g. "Chrome 131 on Windows". */
  browser: z.string().nullable(),
  /** The entry as a sentence, e.g. "Dana Admin changed the setting Priority matrix: high × low from P3 to P2". */
  sentence: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z
  .object({
    after: z
      .string()
      .regex(/^\d{1,10}$/, "is the next_cursor of the previous page")
      .optional()
      .describe("next_cursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    actor: z.string().trim().min(1).max(254).optional().describe("a user id or email address"),
    action: z
      .string()
      .trim()
      .regex(/^[a-z_]+(\.[a-z_]+)?$/, "is an action such as setting.changed, or a group such as auth")
      .optional()
      .describe("an action (setting.changed) or a group of them (auth)"),
    from: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 instant: entries at or after it"),
    to: z.iso.datetime({ offset: true }).optional().describe("ISO 8601 instant: entries before it"),
    order: z.enum(["desc", "asc"]).default("desc").describe("newest first (desc, the default) or oldest first, to follow the trail"),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;
