import {
  BulkResult,
  Comment,
  CommentCreateInput,
  ConfirmInput,
  Id,
  LinkCreateInput,
  MergeInput,
  Page,
  ReopenInput,
  SplitInput,
  Ticket,
  TicketCreateInput,
  TicketEvent,
  TicketKey,
  TicketCount,
  TicketListQuery,
  TicketSummary,
  TicketUpdateInput,
} from "@tessera/contracts";
import { z } from "zod";
import type { FastifyReply } from "fastify";
import { type AppContext, inTransaction } from "../context.ts";
import { noContent } from "../http/reply.ts";
import type { App } from "../http/types.ts";
import type { TicketRow } from "../db/schema.ts";
import type { Metrics } from "../ops/routes.ts";
import { isStaff, type Actor } from "../auth/actor.ts";
import { idempotent } from "../http/idempotency.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { changeVisibleTicket, findVisibleTicket } from "./policy.ts";
import { countTickets, listTickets } from "./queries.ts";
import { presentComments, presentEvents, presentSummaries, presentTicket, readVisibleTicket } from "./present.ts";
import { addComment, confirmResolution, reopenTicket } from "./comments.ts";
import { createTicket } from "./create.ts";
import { updateTicket } from "./update.ts";
import { VersionConflict } from "./service.ts";
import { addLink, mergeTickets, removeLink, splitTicket } from "./links.ts";

const KeyParams = z.object({ id: TicketKey });
const tags = ["tickets"];

/** Reads If-Match ("5", W/"5" or 5) or the body's version. */
function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  if (ifMatch !== undefined) {
    const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
    if (!m) throw new AppError("validation_failed", 400, 'If-Match: must be the ticket version as an ETag, e.g. "3"', [{ field: "If-Match", message: "must be a version" }]);
    const v = Number(m[1]);
    if (bodyVersion !== undefined && bodyVersion !== v) throw new AppError("validation_failed", 400, "If-Match and version disagree; send one of them.");
    return v;
  }
  return bodyVersion;
}

export function ticketRoutes(app: App, ctx: AppContext, metrics: Metrics) {
  const inTx = <T>(work: (tx: AppContext) => Promise<T>) => inTransaction(ctx, work);
  const rowById = (tx: AppContext, id: number) => tx.db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  // Called only once the transaction has committed: a 2xx must mean the change is stored, and
  // the caller's next read (on another connection) must already see it.
  const sendTicket = (reply: FastifyReply, status: number, ticket: Ticket) => reply.status(status).header("ETag", `"${ticket.version}"`).send(ticket);
  /**
   * Changes the ticket the caller can see in one transaction, presents there the ticket the
   * change answers with, and sends it once committed.
   */
  const changeAndSend = async (reply: FastifyReply, status: number, actor: Actor, key: string | number, change: (tx: AppContext, ticket: TicketRow) => Promise<TicketRow>) =>
    sendTicket(reply, status, await changeVisibleTicket(ctx, actor, key, async (tx, ticket) => presentTicket(tx, actor, await change(tx, ticket))));

  app.post("/api/tickets", {
    schema: {
      tags,
      summary: "Create a ticket (agents may file on behalf of a requester)",
      description: "Send an Idempotency-Key header to make retries safe: the same key within 24 hours returns the first ticket.",
      body: TicketCreateInput,
      response: { 201: Ticket },
    },
    handler: async (req, reply) => {
      const result = await idempotent(ctx, req.actor, req.headers["idempotency-key"], { route: "POST /api/tickets", body: req.body }, 201, async (tx) => {
        const row = await createTicket(tx, req.actor, req.body);
        return presentTicket(tx, req.actor, row);
      });
      if (result.replayed) reply.header("Idempotent-Replayed", "true");
      else metrics.ticketsCreated.inc({ channel: result.body.channel });
      return reply.status(201).header("ETag", `"${result.body.version}"`).send(result.body);
    },
  });

  app.get("/api/tickets", {
    schema: {
      tags,
      summary: "List and search tickets you can see",
      description:
        "Filters take comma-separated values. `assignee` takes a user id, `me` or `none`. `q` searches subject, description and replies (and internal notes, for agents), or finds a reference such as INC-1042. Pages with `cursor` from `next_cursor`.",
      querystring: TicketListQuery,
      response: { 200: Page(TicketSummary) },
    },
    handler: async (req) => {
      const { ids, nextCursor } = await listTickets(ctx, req.actor, req.query);
      return { items: await presentSummaries(ctx, req.actor, ids), next_cursor: nextCursor };
    },
  });

  app.get("/api/tickets/count", {
    schema: {
      tags,
      summary: "How many tickets you can see match these filters (same filters as the list)",
      description:
        "`at_most` stops counting there: the answer is the count or `at_most`, whichever is smaller. A badge that shows `999+` asks for at most 1000, which stays fast however many tickets match.",
      querystring: TicketListQuery.omit({ sort: true, limit: true, cursor: true }).extend({ at_most: z.coerce.number().int().min(1).max(1_000_000).optional() }),
      response: { 200: TicketCount },
    },
    handler: async (req) => ({ count: await countTickets(ctx, req.actor, req.query, req.query.at_most) }),
  });

  app.post("/api/tickets/bulk", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Apply one change to many tickets (assign, status, priority, tags); each succeeds or fails on its own",
      description: "Each ticket is changed in its own transaction at its current version; the answer lists the outcome per ticket.",
      body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(200), changes: TicketUpdateInput.omit({ version: true }) }).strict(),
      response: { 200: BulkResult },
    },
    handler: async (req) => {
      const results = [];
      for (const id of [...new Set(req.body.ids)]) {
        try {
          const ticket = await findVisibleTicket(ctx.db, req.actor, id);
          const row = await inTx((tx) => updateTicket(tx, req.actor, ticket.id, req.body.changes, ticket.version));
          results.push({ id, ok: true, version: row.version });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          results.push({ id, ok: false, error: { code: err.code, message: err.message } });
        }
      }
      return { results };
    },
  });

  app.get("/api/tickets/:id", {
    schema: { tags, summary: "One ticket, by id or reference (INC-1042)", params: KeyParams, response: { 200: Ticket } },
    handler: async (req, reply) => {
      const ticket = await readVisibleTicket(ctx, req.actor, req.params.id);
      if (!ticket) throw notFound("The ticket");
      return reply.header("ETag", `"${ticket.version}"`).send(ticket);
    },
  });

  app.patch("/api/tickets/:id", {
    schema: {
      tags,
      summary: "Change a ticket",
      description: "Send the version you read as `version` or as If-Match. A stale version is refused with 409 and the current ticket in error.details.current.",
      params: KeyParams,
      body: TicketUpdateInput,
      response: { 200: Ticket },
    },
    handler: async (req, reply) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const version = expectedVersion(req.headers["if-match"], req.body.version);
      try {
        // The row in hand is the ticket as just written (with its SLA columns): no second read.
        const updated = await inTx(async (tx) => presentTicket(tx, req.actor, await updateTicket(tx, req.actor, ticket.id, req.body, version)));
        return sendTicket(reply, 200, updated);
      } catch (err) {
        if (err instanceof VersionConflict) {
          throw new AppError("version_conflict", 409, err.message, { current: await presentTicket(ctx, req.actor, err.current) });
        }
        throw err;
      }
    },
  });

  app.get("/api/tickets/:id/comments", {
    schema: { tags, summary: "The conversation: replies, and internal notes for agents", params: KeyParams, response: { 200: z.array(Comment) } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const rows = await ctx.db
        .selectFrom("comments")
        .selectAll()
        .where("ticket_id", "=", ticket.id)
        .$if(!isStaff(req.actor), (q) => q.where("internal", "=", 0))
        .orderBy("id")
        .execute();
      return presentComments(ctx.db, rows);
    },
  });

  app.post("/api/tickets/:id/comments", {
    schema: { tags, summary: "Reply, or add an internal note (agents)", params: KeyParams, body: CommentCreateInput, response: { 201: Comment } },
    handler: async (req, reply) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const result = await idempotent(ctx, req.actor, req.headers["idempotency-key"], { route: `POST /api/tickets/${ticket.id}/comments`, body: req.body }, 201, async (tx) => {
        const comment = await addComment(tx, req.actor, ticket, req.body);
        return (await presentComments(tx.db, [comment]))[0];
      });
      if (result.replayed) reply.header("Idempotent-Replayed", "true");
      return reply.status(201).send(result.body);
    },
  });

  app.get("/api/tickets/:id/events", {
    schema: { tags, summary: "The audit trail of a ticket, oldest first", params: KeyParams, response: { 200: z.array(TicketEvent) } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const rows = await ctx.db.selectFrom("ticket_events").selectAll().where("ticket_id", "=", ticket.id).orderBy("id").execute();
      return presentEvents(ctx.db, req.actor, rows);
    },
  });

  app.post("/api/tickets/:id/confirm", {
    schema: { tags, summary: "Requester: the resolution worked; the ticket closes", params: KeyParams, body: ConfirmInput.optional(), response: { 200: Ticket } },
    handler: async (req, reply) => changeAndSend(reply, 200, req.actor, req.params.id, (tx, ticket) => confirmResolution(tx, req.actor, ticket, req.body?.comment)),
  });

  app.post("/api/tickets/:id/reopen", {
    schema: { tags, summary: "Requester: not fixed; the comment is added and the ticket reopens", params: KeyParams, body: ReopenInput, response: { 200: Ticket } },
    handler: async (req, reply) => changeAndSend(reply, 200, req.actor, req.params.id, (tx, ticket) => reopenTicket(tx, req.actor, ticket, req.body.comment).then(() => rowById(tx, ticket.id))),
  });

  app.post("/api/tickets/:id/links", {
    config: { access: "staff" },
    schema: { tags, summary: "Link to another ticket: related, parent, child, duplicate_of, caused_by", params: KeyParams, body: LinkCreateInput, response: { 201: Ticket } },
    handler: async (req, reply) =>
      changeAndSend(reply, 201, req.actor, req.params.id, async (tx, from) => {
        await addLink(tx, req.actor, from, req.body.kind, await findVisibleTicket(tx.db, req.actor, req.body.target));
        return rowById(tx, from.id);
      }),
  });

  app.delete("/api/tickets/:id/links/:linkId", {
    config: { access: "staff" },
    schema: { tags, summary: "Remove a link", params: z.object({ id: TicketKey, linkId: Id }), response: { 204: z.null() } },
    handler: async (req, reply) =>
      noContent(
        reply,
        changeVisibleTicket(ctx, req.actor, req.params.id, (tx, ticket) => removeLink(tx, req.actor, ticket, req.params.linkId)),
      ),
  });

  app.post("/api/tickets/:id/merge", {
    config: { access: "staff" },
    schema: { tags, summary: "Merge this ticket (the duplicate) into another; answers with the primary", params: KeyParams, body: MergeInput, response: { 200: Ticket } },
    handler: async (req, reply) =>
      changeAndSend(reply, 200, req.actor, req.params.id, async (tx, duplicate) => {
        const primary = await findVisibleTicket(tx.db, req.actor, req.body.into);
        await mergeTickets(tx, req.actor, duplicate, primary);
        return rowById(tx, primary.id);
      }),
  });

  app.post("/api/tickets/:id/split", {
    config: { access: "staff" },
    schema: { tags, summary: "Make a new child ticket from one comment", params: KeyParams, body: SplitInput, response: { 201: Ticket } },
    handler: async (req, reply) =>
      changeAndSend(reply, 201, req.actor, req.params.id, async (tx, parent) => {
        if (!isStaff(req.actor)) throw forbidden("Only agents can split tickets.");
        return splitTicket(tx, req.actor, parent, req.body.comment_id, req.body.subject);
      }),
  });
}
