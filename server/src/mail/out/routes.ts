/**
 * Admin API for outgoing mail: the outbox (what waits, what went, what failed and why, and a
 * retry), the templates with a preview, and the mail status and settings.
 */
import {
  Id,
  MAIL_KINDS,
  MailKind,
  MailPreview,
  MailPreviewInput,
  MailSettingsInput,
  MailStatus,
  MailTemplate,
  MailTemplateParts,
  OUTBOX_STATES,
  OutboxItem,
  OutboxListQuery,
  Page,
} from "@tessera/contracts";
import { z } from "zod";
import type { Selectable } from "kysely";
import type { AppContext } from "../../context.ts";
import type { App } from "../../http/types.ts";
import { findVisibleTicket } from "../../tickets/policy.ts";
import { referenceOf } from "../../tickets/reference.ts";
import type { MailOutboxTable } from "./tables.ts";
import { DEFAULT_TEMPLATES, MAIL_KIND_DESCRIPTIONS, PLACEHOLDERS, checkTemplate, loadTemplate, resetTemplate, saveTemplate } from "./templates.ts";
import { AGENT_KINDS, renderMail, sampleView } from "./render.ts";
import { buildView, NotSendable } from "./compose.ts";
import { retryMessage } from "./outbox.ts";
import { smtpServerOf } from "./transport.ts";
import { autoReplyLimit, forgetAutoReplyLimit, readAutoReplyLimit, setAutoReplyLimit } from "./recipients.ts";
import { listOutbox, newestComment, outboxItem, outboxState, recipientOf } from "./queries.ts";
import { invalid } from "../../errors.ts";
import { inTransaction } from "../../context.ts";
import { recordAudit } from "../../audit/record.ts";

type Row = Selectable<MailOutboxTable> & { number: number; type: string };

function presentItem(r: Row): OutboxItem {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    ticket_id: r.ticket_id,
    reference: referenceOf(r),
    to: { user_id: r.recipient_user_id, address: r.to_address, name: r.to_name },
    subject: r.subject,
    message_id: r.message_id,
    attempts: r.attempts,
    next_attempt_at: r.state === "queued" || r.state === "sending" ? r.next_attempt_at : null,
    last_error: r.last_error,
    skip_reason: r.skip_reason,
    created_at: r.created_at,
    sent_at: r.sent_at,
  };
}

export function mailOutRoutes(app: App, ctx: AppContext) {
  const tags = ["mail"];
  const KindParams = z.object({ kind: MailKind });

  app.get("/api/mail/outbox", {
    config: { access: "admin" },
    schema: {
      tags,
      summary: "Outgoing mail, newest first: queued, sending, sent, failed (with the last error) and suppressed (with the reason)",
      querystring: OutboxListQuery,
      response: { 200: Page(OutboxItem) },
    },
    handler: async (req) => {
      const q = req.query;
      const rows = await listOutbox(ctx.db, q);
      const page = rows.slice(0, q.limit);
      return { items: page.map(presentItem), next_cursor: rows.length > q.limit ? String(page[page.length - 1].id) : null };
    },
  });

  app.post("/api/mail/outbox/:id/retry", {
    config: { access: "admin" },
    schema: { tags, summary: "Send a failed message again (attempts start from zero)", params: z.object({ id: Id }), response: { 200: OutboxItem } },
    handler: async (req) => {
      await retryMessage(ctx, req.params.id);
      await recordAudit(ctx, req.actor, { action: "mail.outbox_retried", target: { type: "mail_outbox", id: req.params.id } });
      const row = await outboxItem(ctx.db, req.params.id);
      return presentItem(row);
    },
  });

  app.get("/api/mail/status", {
    config: { access: "admin" },
    schema: { tags, summary: "Is a mail server configured, what waits, the last delivery and the last error", response: { 200: MailStatus } },
    handler: async () => {
      const { counts, oldest, last, error } = await outboxState(ctx.db);
      const cfg = ctx.config.mailOut;
      return {
        smtp_configured: !!cfg.smtp,
        smtp_server: smtpServerOf(cfg),
        from: `${cfg.from.name} <${cfg.from.address}>`,
        counts: Object.fromEntries(OUTBOX_STATES.map((s) => [s, Number(counts.find((c) => c.state === s)?.n ?? 0)])) as Record<(typeof OUTBOX_STATES)[number], number>,
        oldest_queued_at: oldest?.created_at ?? null,
        last_delivery_at: (last?.at as string | null | undefined) ?? null,
        last_error: error ? { message: error.last_error!, at: error.updated_at, outbox_id: error.id } : null,
        auto_reply_per_hour: await autoReplyLimit(ctx),
      };
    },
  });

  app.put("/api/mail/settings", {
    config: { access: "admin" },
    schema: { tags, summary: "Change the cap on automatic answers per address and hour", body: MailSettingsInput, response: { 200: MailSettingsInput } },
    handler: async (req) => {
      await inTransaction(ctx, async (tx) => {
        const before = { auto_reply_per_hour: await readAutoReplyLimit(tx.db) };
        await setAutoReplyLimit(tx.db, req.body.auto_reply_per_hour, ctx.clock.now().toISOString());
        await recordAudit(tx, req.actor, { action: "setting.changed", target: { type: "setting", id: "mail.settings", label: "Outgoing mail" }, before, after: req.body });
      });
      forgetAutoReplyLimit(ctx);
      return { auto_reply_per_hour: req.body.auto_reply_per_hour };
    },
  });

  const presentTemplate = async (kind: MailKind): Promise<MailTemplate> => {
    const t = await loadTemplate(ctx.db, kind);
    return {
      kind,
      description: MAIL_KIND_DESCRIPTIONS[kind],
      subject: t.subject,
      text: t.text,
      html: t.html,
      customized: t.customized,
      defaults: DEFAULT_TEMPLATES[kind],
      placeholders: [...PLACEHOLDERS],
      updated_at: t.updated_at,
    };
  };

  app.get("/api/mail/templates", {
    config: { access: "admin" },
    schema: { tags, summary: "Every mail template, with its default and the placeholders it may use", response: { 200: z.array(MailTemplate) } },
    handler: async () => Promise.all(MAIL_KINDS.map(presentTemplate)),
  });

  app.get("/api/mail/templates/:kind", {
    config: { access: "admin" },
    schema: { tags, summary: "One mail template", params: KindParams, response: { 200: MailTemplate } },
    handler: async (req) => presentTemplate(req.params.kind),
  });

  app.put("/api/mail/templates/:kind", {
    config: { access: "admin" },
    schema: {
      tags,
      summary: "Change a mail template",
      description:
        "Mustache syntax: {{ticket.reference}} is escaped in the HTML part, {{{comment.html}}} inserts stored (sanitised) HTML, {{#section}}…{{/section}} shows a part only when it has a value. Unknown placeholders and partials are refused.",
      params: KindParams,
      body: MailTemplateParts,
      response: { 200: MailTemplate },
    },
    handler: async (req) => {
      await inTransaction(ctx, async (tx) => {
        const { subject, text, html } = await loadTemplate(tx.db, req.params.kind);
        await saveTemplate(tx.db, req.params.kind, req.body, req.actor.id, ctx.clock.now().toISOString());
        await recordAudit(tx, req.actor, {
          action: "mail_template.changed",
          target: { type: "mail_template", id: req.params.kind, label: req.params.kind },
          before: { subject, text, html },
          after: { subject: req.body.subject, text: req.body.text, html: req.body.html },
        });
      });
      return presentTemplate(req.params.kind);
    },
  });

  app.delete("/api/mail/templates/:kind", {
    config: { access: "admin" },
    schema: { tags, summary: "Go back to the built-in template", params: KindParams, response: { 200: MailTemplate } },
    handler: async (req) => {
      await inTransaction(ctx, async (tx) => {
        const { subject, text, html } = await loadTemplate(tx.db, req.params.kind);
        await resetTemplate(tx.db, req.params.kind);
        await recordAudit(tx, req.actor, {
          action: "mail_template.reset",
          target: { type: "mail_template", id: req.params.kind, label: req.params.kind },
          before: { subject, text, html },
          after: DEFAULT_TEMPLATES[req.params.kind],
        });
      });
      return presentTemplate(req.params.kind);
    },
  });

  app.post("/api/mail/templates/:kind/preview", {
    config: { access: "admin" },
    schema: {
      tags,
      summary: "Render a template (saved, or the unsaved parts sent) against sample data or a ticket",
      params: KindParams,
      body: MailPreviewInput,
      response: { 200: MailPreview },
    },
    handler: async (req) => {
      const kind = req.params.kind;
      const saved = await loadTemplate(ctx.db, kind);
      const parts = { subject: req.body.subject ?? saved.subject, text: req.body.text ?? saved.text, html: req.body.html ?? saved.html };
      checkTemplate("subject", parts.subject);
      checkTemplate("text", parts.text);
      checkTemplate("html", parts.html);
      if (req.body.ticket === undefined) {
        return { ...renderMail(parts, sampleView(ctx, kind), "INC-1042"), rendered_with: "sample" };
      }
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.body.ticket);
      // The newest message of the right kind stands in for "the" reply or mention.
      const comment = await newestComment(ctx.db, ticket.id, AGENT_KINDS.includes(kind));
      const forAgent = AGENT_KINDS.includes(kind);
      const recipientId = forAgent ? (ticket.assignee_id ?? req.actor.id) : ticket.requester_id;
      const recipient = await recipientOf(ctx.db, recipientId);
      try {
        const built = await buildView(ctx, ctx.db, { kind, ticketId: ticket.id, recipient, actorId: req.actor.id, commentId: comment?.id ?? null });
        return { ...renderMail(parts, built.view, built.reference), rendered_with: built.reference };
      } catch (err) {
        if (err instanceof NotSendable) throw invalid("ticket", `has no public reply to preview this template with (${err.message})`);
        throw err;
      }
    },
  });
}
