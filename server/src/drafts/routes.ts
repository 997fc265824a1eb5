/**
 * GET/PUT/DELETE /api/tickets/:id/draft: the signed-in agent's unsent reply or note on a ticket
 * they can see. Requesters are refused (403); a ticket the agent cannot see is a 404, as
 * everywhere else.
 */
import { ReplyDraft, ReplyDraftInput, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import { type AppContext, inTransaction } from "../context.ts";
import type { App } from "../http/types.ts";
import { findVisibleTicket } from "../tickets/policy.ts";
import { findDraft } from "./queries.ts";
import { discardDraft, presentDraft, saveDraft } from "./service.ts";

const KeyParams = z.object({ id: TicketKey });
const tags = ["drafts"];

export function draftRoutes(app: App, ctx: AppContext) {
  app.get("/api/tickets/:id/draft", {
    config: { access: "staff" },
    schema: { tags, summary: "Your unsent reply or note on this ticket (null when you have none)", params: KeyParams, response: { 200: ReplyDraft.nullable() } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const row = await findDraft(ctx.db, ticket.id, req.actor.id);
      return row ? presentDraft(row) : null;
    },
  });

  app.put("/api/tickets/:id/draft", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Save your draft on this ticket; a blank body deletes it",
      description:
        "Send the `version` you last read (0 when you had none): a draft changed elsewhere since is refused with 409 and the stored draft in error.details.current. Answers the stored draft, or null after a blank body deleted it.",
      params: KeyParams,
      body: ReplyDraftInput,
      response: { 200: ReplyDraft.nullable() },
    },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      return inTransaction(ctx, (tx) => saveDraft(tx, req.actor.id, ticket.id, req.body));
    },
  });

  app.delete("/api/tickets/:id/draft", {
    config: { access: "staff" },
    schema: { tags, summary: "Discard your draft on this ticket", params: KeyParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      await discardDraft(ctx.db, ticket.id, req.actor.id);
      return reply.status(204).send(null);
    },
  });
}
