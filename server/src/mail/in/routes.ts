/**
 * Inbound mail over HTTP. Admins: mailboxes, their health, failed mail. Agents: held messages
 * on tickets they can see, and the messages (with their raw .eml) received on such a ticket.
 */
import {
  FailedMail, FailedMailQuery, HeldDecision, HeldMail, HeldMailQuery, Id, Mailbox, MailboxHealth, MailboxInput, MailboxUpdateInput, ReceivedMail, ReprocessResult, TicketKey,
} from "@tessera/contracts";
import { z } from "zod";
import type { FastifyReply } from "fastify";
import type { Selectable } from "kysely";
import type { AppContext } from "../../context.ts";
import type { App } from "../../http/types.ts";
import { isUniqueViolation } from "../../db/dialect.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import { findVisibleTicket, visibleTo } from "../../tickets/policy.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { heldCopiesRoutes } from "./copies-routes.ts";
import { acceptHeld, discardFailed, findFailed, rejectHeld, reprocessFailed } from "./decisions.ts";
import { forgetMailboxes, mailboxById, type MailboxRow } from "./mailboxes.ts";
import { seal } from "./secret-box.ts";
import { checkImapHost } from "./imap-poller.ts";
import { readRaw } from "./store.ts";
import { trimmedMessages } from "./trimmed.ts";
import type { MailFailedTable } from "./tables.ts";
import { recordAudit } from "../../audit/record.ts";

const IdParams = z.object({ id: Id });

function presentMailbox(m: MailboxRow): Mailbox {
  return {
    id: m.id,
    address: m.address,
    name: m.name,
    active: !!m.active,
    imap: m.imap_host
      ? { host: m.imap_host, port: m.imap_port ?? (m.imap_tls ? 993 : 143), tls: !!m.imap_tls, user: m.imap_user ?? "", folder: m.imap_folder, has_password: !!m.imap_password }
      : null,
    processed_action: m.processed_action,
    processed_folder: m.processed_folder,
    history_mode: m.history_mode,
    team_id: m.team_id,
    category_id: m.category_id,
    ticket_type: m.ticket_type as Mailbox["ticket_type"],
    restrict_senders: !!m.restrict_senders,
    allowed_senders: JSON.parse(m.allowed_senders) as string[],
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

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

  /** Checks the ids and combinations a mailbox names, so a bad one is a 400, not a database error. */
  async function checkMailbox(next: { team_id: number | null; category_id: number | null; processed_action: string; processed_folder: string | null }) {
    if (next.team_id != null && !(await ctx.db.selectFrom("teams").select("id").where("id", "=", next.team_id).executeTakeFirst())) throw invalid("team_id", `no team has the id ${next.team_id}`);
    if (next.category_id != null && !(await ctx.db.selectFrom("categories").select("id").where("id", "=", next.category_id).executeTakeFirst())) throw invalid("category_id", `no category has the id ${next.category_id}`);
    if (next.processed_action === "move" && !next.processed_folder) throw invalid("processed_folder", "name the folder processed mail is moved to");
  }
  const imapColumns = (imap: MailboxInput["imap"], keepPassword: string | null) =>
    imap
      ? { imap_host: imap.host, imap_port: imap.port ?? null, imap_tls: imap.tls ? 1 : 0, imap_user: imap.user, imap_folder: imap.folder, imap_password: imap.password !== undefined ? seal(ctx.secret, imap.password) : keepPassword }
      : { imap_host: null, imap_port: null, imap_tls: 0, imap_user: null, imap_password: null, imap_folder: "INBOX" };
  const addressTaken = (err: unknown, address: string | undefined) => {
    if (isUniqueViolation(err)) return conflict(`Another mailbox already has the address ${address}.`);
    return err;
  };

  app.get("/api/mailboxes", {
    config: { access: "admin" },
    schema: { tags, summary: "Mailboxes: the addresses Tessera takes mail at", response: { 200: z.array(Mailbox) } },
    handler: async () => (await ctx.db.selectFrom("mailboxes").selectAll().orderBy("address").execute()).map(presentMailbox),
  });

  app.post("/api/mailboxes", {
    config: { access: "admin" },
    schema: { tags, summary: "Add a mailbox (an address; with IMAP settings, one Tessera polls)", body: MailboxInput, response: { 201: Mailbox } },
    handler: async (req, reply) => {
      const b = req.body;
      await checkMailbox(b);
      if (b.imap) await checkImapHost(ctx, b.imap.host);
      const now = ctx.clock.now().toISOString();
      const row = await ctx.db
        .insertInto("mailboxes")
        .values({
          address: b.address,
          name: b.name,
          active: b.active ? 1 : 0,
          ...imapColumns(b.imap, null),
          processed_action: b.processed_action,
          processed_folder: b.processed_folder,
          history_mode: b.history_mode,
          team_id: b.team_id,
          category_id: b.category_id,
          ticket_type: b.ticket_type,
          restrict_senders: b.restrict_senders ? 1 : 0,
          allowed_senders: JSON.stringify([...new Set(b.allowed_senders)]),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((err) => {
          throw addressTaken(err, b.address);
        });
      forgetMailboxes(ctx);
      req.log.info({ event: "mailbox_created", actor: req.actor.id, mailbox_id: row.id }, "mailbox created");
      await recordAudit(ctx, req.actor, { action: "mailbox.created", target: { type: "mailbox", id: row.id, label: row.address }, after: { ...presentMailbox(row), imap_password: row.imap_password } });
      return reply.status(201).send(presentMailbox(row));
    },
  });

  app.get("/api/mailboxes/health", {
    config: { access: "admin" },
    schema: { tags, summary: "Per mailbox: last successful fetch, lag, messages waiting and the last error", response: { 200: z.array(MailboxHealth) } },
    handler: async () => {
      const rows = await ctx.db
        .selectFrom("mailboxes")
        .leftJoin("mailbox_sync", "mailbox_sync.mailbox_id", "mailboxes.id")
        .select(["mailboxes.id", "mailboxes.address", "mailboxes.active", "mailboxes.imap_host", "mailbox_sync.last_success_at", "mailbox_sync.last_error", "mailbox_sync.last_error_at", "mailbox_sync.waiting", "mailbox_sync.oldest_waiting_at"])
        .orderBy("mailboxes.address")
        .execute();
      const now = ctx.clock.now().getTime();
      const staleAfter = 3 * ctx.config.mail.imapPollMs;
      return rows.map((r): MailboxHealth => {
        const waiting = r.waiting ?? 0;
        // A successful fetch clears last_error, so an error still there is the latest word.
        const failing = r.last_error != null;
        const status: MailboxHealth["status"] = !r.active
          ? "inactive"
          : !r.imap_host
            ? "smtp_only"
            : failing
              ? "error"
              : r.last_success_at == null
                ? "pending"
                : now - Date.parse(r.last_success_at) > staleAfter
                  ? "stale"
                  : "ok";
        return {
          mailbox_id: r.id,
          address: r.address,
          status,
          last_success_at: r.last_success_at ?? null,
          lag_seconds: waiting > 0 && r.oldest_waiting_at ? Math.max(0, Math.round((now - Date.parse(r.oldest_waiting_at)) / 1000)) : 0,
          waiting,
          last_error: failing ? (r.last_error ?? null) : null,
          last_error_at: r.last_error_at ?? null,
        };
      });
    },
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
      const current = await mailboxById(ctx.db, req.params.id);
      if (!current) throw notFound("The mailbox");
      const b = req.body;
      const next = {
        team_id: b.team_id !== undefined ? b.team_id : current.team_id,
        category_id: b.category_id !== undefined ? b.category_id : current.category_id,
        processed_action: b.processed_action ?? current.processed_action,
        processed_folder: b.processed_folder !== undefined ? b.processed_folder : current.processed_folder,
      };
      await checkMailbox(next);
      if (b.imap) await checkImapHost(ctx, b.imap.host);
      const row = await ctx.db
        .updateTable("mailboxes")
        .set({
          ...(b.address !== undefined ? { address: b.address } : {}),
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.active !== undefined ? { active: b.active ? 1 : 0 } : {}),
          ...(b.imap !== undefined ? imapColumns(b.imap, current.imap_password) : {}),
          ...(b.history_mode !== undefined ? { history_mode: b.history_mode } : {}),
          ...(b.ticket_type !== undefined ? { ticket_type: b.ticket_type } : {}),
          ...(b.restrict_senders !== undefined ? { restrict_senders: b.restrict_senders ? 1 : 0 } : {}),
          ...(b.allowed_senders !== undefined ? { allowed_senders: JSON.stringify([...new Set(b.allowed_senders)]) } : {}),
          ...next,
          updated_at: ctx.clock.now().toISOString(),
        })
        .where("id", "=", current.id)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((err) => {
          throw addressTaken(err, b.address);
        });
      forgetMailboxes(ctx);
      req.log.info({ event: "mailbox_updated", actor: req.actor.id, mailbox_id: row.id }, "mailbox updated");
      await recordAudit(ctx, req.actor, { action: "mailbox.updated", target: { type: "mailbox", id: row.id, label: row.address }, before: { ...presentMailbox(current), imap_password: current.imap_password, updated_at: undefined }, after: { ...presentMailbox(row), imap_password: row.imap_password, updated_at: undefined } });
      return presentMailbox(row);
    },
  });

  app.delete("/api/mailboxes/:id", {
    config: { access: "admin" },
    schema: { tags, summary: "Remove a mailbox (its received mail and tickets stay)", params: IdParams },
    handler: async (req, reply) => {
      const before = await mailboxById(ctx.db, req.params.id);
      const done = await ctx.db.deleteFrom("mailboxes").where("id", "=", req.params.id).executeTakeFirst();
      if (!Number(done.numDeletedRows)) throw notFound("The mailbox");
      forgetMailboxes(ctx);
      req.log.info({ event: "mailbox_deleted", actor: req.actor.id, mailbox_id: req.params.id }, "mailbox deleted");
      await recordAudit(ctx, req.actor, { action: "mailbox.deleted", target: { type: "mailbox", id: req.params.id, label: before?.address ?? null }, before: before && { ...presentMailbox(before), imap_password: before.imap_password } });
      return reply.status(204).send();
    },
  });

  // ---- failed mail (admin) ----------------------------------------------------------------

  app.get("/api/mail/failed", {
    config: { access: "admin" },
    schema: { tags, summary: "Mail that could not be taken in (newest first), kept raw", querystring: FailedMailQuery, response: { 200: z.array(FailedMail) } },
    handler: async (req) => {
      const rows = await ctx.db
        .selectFrom("mail_failed")
        .selectAll()
        .$if(req.query.status !== "all", (q) => q.where("status", "=", req.query.status as "open"))
        .orderBy("id", "desc")
        .limit(500)
        .execute();
      return rows.map(presentFailed);
    },
  });

  app.get("/api/mail/failed/:id/raw", {
    config: { access: "admin" },
    schema: { tags, summary: "Download a failed message as it arrived (.eml)", params: IdParams },
    handler: async (req, reply) => {
      const row = await findFailed(ctx, req.params.id);
      await recordAudit(ctx, req.actor, { action: "mail.failed_downloaded", target: { type: "mail_failed", id: row.id, label: row.subject ?? `#${row.id}` }, detail: { from_address: row.from_address, reason: row.reason } });
      return sendRaw(ctx, reply, row.raw_sha256, `failed-${row.id}.eml`);
    },
  });

  app.post("/api/mail/failed/:id/reprocess", {
    config: { access: "admin" },
    schema: { tags, summary: "Run a failed message through intake again", params: IdParams, response: { 200: ReprocessResult } },
    handler: async (req) => {
      const result = await reprocessFailed(ctx, req.actor, req.params.id);
      await recordAudit(ctx, req.actor, { action: "mail.failed_reprocessed", target: { type: "mail_failed", id: req.params.id }, detail: { outcome: result.outcome, ticket_id: result.ticketId ?? null } });
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

  const heldQuery = () =>
    ctx.db
      .selectFrom("mail_held")
      .innerJoin("mail_messages", "mail_messages.id", "mail_held.mail_message_id")
      .innerJoin("tickets", "tickets.id", "mail_held.ticket_id")
      .select([
        "mail_held.id", "mail_held.reason", "mail_held.status", "mail_held.created_at", "mail_held.decided_at", "mail_held.result_ticket_id",
        "mail_messages.from_address", "mail_messages.subject", "mail_messages.full_html", "mail_messages.id as message_row_id", "mail_messages.loop_reason",
        "tickets.id as ticket_id", "tickets.number", "tickets.type", "tickets.subject as ticket_subject",
      ]);
  type HeldRow = Awaited<ReturnType<ReturnType<typeof heldQuery>["executeTakeFirstOrThrow"]>>;
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
    schema: { tags, summary: "Messages waiting for an agent: strangers' replies, reused Message-IDs and autoresponders answering our acknowledgements, on tickets you can see", querystring: HeldMailQuery, response: { 200: z.array(HeldMail) } },
    handler: async (req) => {
      const rows = await heldQuery()
        .where(visibleTo(req.actor))
        .$if(req.query.status === "held", (q) => q.where("mail_held.status", "=", "held"))
        .$if(req.query.status === "decided", (q) => q.where("mail_held.status", "!=", "held"))
        .orderBy("mail_held.id", "desc")
        .limit(500)
        .execute();
      return rows.map(presentHeld);
    },
  });

  const oneHeld = async (id: number) => presentHeld(await heldQuery().where("mail_held.id", "=", id).executeTakeFirstOrThrow());

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
      const rows = await ctx.db.selectFrom("mail_messages").selectAll().where("ticket_id", "=", ticket.id).orderBy("id").execute();
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
      const row = await ctx.db.selectFrom("mail_messages").select(["id", "ticket_id", "raw_sha256"]).where("id", "=", req.params.id).executeTakeFirst();
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
