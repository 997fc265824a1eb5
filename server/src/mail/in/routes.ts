/**
 * Inbound mail over HTTP. Admins: mailboxes, their health, failed mail. Agents: held messages
 * on tickets they can see, and the messages (with their raw .eml) received on such a ticket.
 */
import {
  FailedMail,
  FailedMailQuery,
  HeldDecision,
  HeldMail,
  HeldMailQuery,
  Id,
  Mailbox,
  MailboxHealth,
  MailboxInput,
  MailboxUpdateInput,
  ReceivedMail,
  ReprocessResult,
  TicketKey,
} from "@tessera/contracts";
import { z } from "zod";
import type { FastifyReply } from "fastify";
import type { Selectable } from "kysely";
import type { AppContext } from "../../context.ts";
import type { App } from "../../http/types.ts";
import { notFound } from "../../errors.ts";
import { findVisibleTicket } from "../../tickets/policy.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { heldCopiesRoutes } from "./copies-routes.ts";
import { acceptHeld, discardFailed, findFailed, rejectHeld, reprocessFailed } from "./decisions.ts";
import { createMailbox, deleteMailbox, listMailboxes, mailboxHealth, presentMailbox, updateMailbox } from "./mailbox-admin.ts";
import { mailboxById } from "./mailboxes.ts";
import { heldById, type HeldRow, listFailedMail, listHeld, messageOriginal, ticketMessages } from "./queries.ts";
import { readRaw } from "./store.ts";
import { trimmedMessages } from "./trimmed.ts";
import type { MailFailedTable } from "./tables.ts";
import { recordAudit } from "../../audit/record.ts";

const IdParams = z.object({ id: Id });

const presentFailed = (r: Selectable<MailFailedTable>): FailedMail => ({
  id: r.id,
  mailbox_id: r.mailbox_id,
  source: r.source,
  reason: r.reason,
  error: r.error,
  from_address: r.from_address,
  subject: r.subject,
  size: r.raw_size,
  attempts: r.attempts,
  status: r.status,
  ticket_id: r.ticket_id,
  raw_url: `/api/mail/failed/${r.id}/raw`,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Serves a raw original as a download that can never run as a page of ours. */
async function sendRaw(ctx: AppContext, reply: FastifyReply, sha256: string, filename: string) {
  const raw = await readRaw(ctx, sha256);
  if (!raw) {
    ctx.log.error({ event: "mail_raw_missing", sha256 }, "raw message missing from storage");
    throw notFound("The original of this message");
  }
  return reply
    .header("Content-Type", "message/rfc822")
    .header("X-Content-Type-Options", "nosniff")
    .header("Content-Security-Policy", "sandbox; default-src 'none'")
    .header("Content-Disposition", `attachment; filename="${filename}"`)
    .send(raw);
}

export function mailInRoutes(app: App, ctx: AppContext) {
  const tags = ["mail"];

  // ---- mailboxes (admin) ------------------------------------------------------------------

  app.get("/api/mailboxes", {
    config: { access: "admin" },
    schema: { tags, summary: "Mailboxes: the addresses Tessera takes mail at", response: { 200: z.array(Mailbox) } },
    handler: async () => (await listMailboxes(ctx.db)).map(presentMailbox),
  });

  app.post("/api/mailboxes", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a mailbox (an address; with IMAP settings, one Tessera polls)", body: MailboxInput, response: { 201: Mailbox } },
    handler: async (req, reply) => {
      const row = await createMailbox(ctx, req.actor, req.body);
      req.log.info({ event: "mailbox_created", actor: req.actor.id, mailbox_id: row.id }, "mailbox created");
      return reply.status(201).send(presentMailbox(row));
    },
  });

  app.get("/api/mailboxes/health", {
    config: { access: "admin" },
    schema: { tags, summary: "Per mailbox: last successful fetch, lag, messages waiting and the last error", response: { 200: z.array(MailboxHealth) } },
    handler: async () => mailboxHealth(ctx),
  });

  app.get("/api/mailboxes/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "One mailbox", params: IdParams, response: { 200: Mailbox } },
    handler: async (req) => {
      const row = await mailboxById(ctx.db, req.params.id);
      if (!row) throw notFound("The mailbox");
      return presentMailbox(row);
    },
  });

  app.patch("/api/mailboxes/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Change a mailbox (omit imap.password to keep the stored one)", params: IdParams, body: MailboxUpdateInput, response: { 200: Mailbox } },
    handler: async (req) => {
      const row = await updateMailbox(ctx, req.actor, req.params.id, req.body);
      req.log.info({ event: "mailbox_updated", actor: req.actor.id, mailbox_id: row.id }, "mailbox updated");
      return presentMailbox(row);
    },
  });

  app.delete("/api/mailboxes/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Remove a mailbox (its received mail and tickets stay)", params: IdParams },
    handler: async (req, reply) => {
      await deleteMailbox(ctx, req.actor, req.params.id);
      req.log.info({ event: "mailbox_deleted", actor: req.actor.id, mailbox_id: req.params.id }, "mailbox deleted");
      return reply.status(204).send();
    },
  });

  // ---- failed mail (admin) ----------------------------------------------------------------

  app.get("/api/mail/failed", {
    config: { access: "admin" },
    schema: { tags, summary: "Mail that could not be taken in (newest first), kept raw", querystring: FailedMailQuery, response: { 200: z.array(FailedMail) } },
    handler: async (req) => (await listFailedMail(ctx.db, req.query.status)).map(presentFailed),
  });

  app.get("/api/mail/failed/:id/raw", {
    config: { access: "admin" },
    schema: { tags, summary: "Download a failed message as it arrived (.eml)", params: IdParams },
    handler: async (req, reply) => {
      const row = await findFailed(ctx, req.params.id);
      await recordAudit(ctx, req.actor, {
        action: "mail.failed_downloaded",
        target: { type: "mail_failed", id: row.id, label: row.subject ?? `#${row.id}` },
        detail: { from_address: row.from_address, reason: row.reason },
      });
      return sendRaw(ctx, reply, row.raw_sha256, `failed-${row.id}.eml`);
    },
  });

  app.post("/api/mail/failed/:id/reprocess", {
    config: { access: "admin" },
    schema: { tags, summary: "Run a failed message through intake again", params: IdParams, response: { 200: ReprocessResult } },
    handler: async (req) => {
      const result = await reprocessFailed(ctx, req.actor, req.params.id);
      await recordAudit(ctx, req.actor, {
        action: "mail.failed_reprocessed",
        target: { type: "mail_failed", id: req.params.id },
        detail: { outcome: result.outcome, ticket_id: result.ticketId ?? null },
      });
      return { outcome: result.outcome, ticket_id: result.ticketId, failed: presentFailed(await findFailed(ctx, req.params.id)) };
    },
  });

  app.post("/api/mail/failed/:id/discard", {
    config: { access: "admin" },
    schema: { tags, summary: "Mark a failed message as dealt with (its raw original stays downloadable)", params: IdParams, response: { 200: FailedMail } },
    handler: async (req) => {
      await discardFailed(ctx, req.actor, req.params.id);
      await recordAudit(ctx, req.actor, { action: "mail.failed_discarded", target: { type: "mail_failed", id: req.params.id } });
      return presentFailed(await findFailed(ctx, req.params.id));
    },
  });

  // ---- held messages (agents, for tickets they can see) ------------------------------------

  const presentHeld = (r: HeldRow): HeldMail => ({
    id: r.id,
    ticket: { id: r.ticket_id, reference: referenceOf(r), subject: r.ticket_subject },
    from_address: r.from_address,
    subject: r.subject,
    reason: r.reason,
    loop_reason: r.loop_reason,
    status: r.status,
    body: r.full_html,
    raw_url: `/api/mail/messages/${r.message_row_id}/raw`,
    received_at: r.created_at,
    decided_at: r.decided_at,
    result_ticket_id: r.result_ticket_id,
  });

  app.get("/api/mail/held", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Messages waiting for an agent: strangers' replies, reused Message-IDs and autoresponders answering our acknowledgements, on tickets you can see",
      querystring: HeldMailQuery,
      response: { 200: z.array(HeldMail) },
    },
    handler: async (req) => (await listHeld(ctx.db, req.actor, req.query.status)).map(presentHeld),
  });

  const oneHeld = async (id: number) => presentHeld(await heldById(ctx.db, id));

  app.post("/api/mail/held/:id/accept", {
    config: { access: "staff" },
    schema: { tags, summary: "Accept a held message as a reply on its ticket, or as a new ticket", params: IdParams, body: HeldDecision, response: { 200: HeldMail } },
    handler: async (req) => {
      await acceptHeld(ctx, req.actor, req.params.id, req.body.as);
      return oneHeld(req.params.id);
    },
  });

  app.post("/api/mail/held/:id/reject", {
    config: { access: "staff" },
    schema: { tags, summary: "Reject a held message: it stays on record, and reaches nobody", params: IdParams, response: { 200: HeldMail } },
    handler: async (req) => {
      await rejectHeld(ctx, req.actor, req.params.id);
      return oneHeld(req.params.id);
    },
  });

  heldCopiesRoutes(app, ctx);

  // ---- received messages (agents) ---------------------------------------------------------

  app.get("/api/tickets/:id/mail", {
    config: { access: "staff" },
    schema: { tags, summary: "The messages received on a ticket, with how each was judged and its original", params: z.object({ id: TicketKey }), response: { 200: z.array(ReceivedMail) } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const rows = await ticketMessages(ctx.db, ticket.id);
      const trimmed = await trimmedMessages(ctx.db, rows);
      return rows.map((r) => ({
        id: r.id,
        message_id: r.message_id,
        from_address: r.from_address,
        subject: r.subject,
        sent_at: r.sent_at,
        received_at: r.created_at,
        source: r.source,
        outcome: r.outcome,
        comment_id: r.comment_id,
        no_auto_reply: !!r.no_auto_reply,
        loop_reason: r.loop_reason,
        remote_images: !!r.remote_images,
        full_body: r.full_html,
        trimmed: trimmed.has(r.id),
        raw_url: `/api/mail/messages/${r.id}/raw`,
      }));
    },
  });

  app.get("/api/mail/messages/:id/raw", {
    config: { access: "staff" },
    schema: { tags, summary: "Download a received message as it arrived (.eml), if you can see its ticket", params: IdParams },
    handler: async (req, reply) => {
      const row = await messageOriginal(ctx.db, req.params.id);
      if (!row) throw notFound("The message");
      if (row.ticket_id == null) {
        if (req.actor.role !== "admin") throw notFound("The message");
      } else {
        await findVisibleTicket(ctx.db, req.actor, row.ticket_id).catch(() => {
          throw notFound("The message");
        });
      }
      await recordAudit(ctx, req.actor, { action: "mail.message_downloaded", target: { type: "mail_message", id: row.id }, detail: { ticket_id: row.ticket_id } });
      return sendRaw(ctx, reply, row.raw_sha256, `message-${row.id}.eml`);
    },
  });
}
