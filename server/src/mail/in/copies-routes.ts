/**
 * Held copies over HTTP, for agents who can see the ticket: the people a message copied in who
 * wait before becoming watchers, to accept (they join the ticket) or reject (nobody joins).
 */
import { HeldCopies, HeldMailQuery, Id, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import type { App } from "../../http/types.ts";
import { findVisibleTicket } from "../../tickets/policy.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { decideHeldCopies, heldAddresses } from "./copies.ts";
import { heldCopiesById, type HeldCopiesRow, listHeldCopies, ticketHeldCopies } from "./queries.ts";

export function heldCopiesRoutes(app: App, ctx: AppContext) {
  const tags = ["mail"];
  const present = (r: HeldCopiesRow): HeldCopies => ({
    id: r.id,
    ticket: { id: r.ticket_id, reference: referenceOf(r), subject: r.ticket_subject },
    from_address: r.from_address,
    addresses: heldAddresses(r.addresses),
    reason: r.reason,
    status: r.status,
    subject: r.subject,
    raw_url: `/api/mail/messages/${r.message_row_id}/raw`,
    received_at: r.created_at,
    decided_at: r.decided_at,
  });
  const one = async (id: number) => present(await heldCopiesById(ctx.db, id));

  app.get("/api/mail/held-copies", {
    config: { access: "staff" },
    schema: { tags, summary: "People copied on mail who wait for an agent before they become watchers, on tickets you can see", querystring: HeldMailQuery, response: { 200: z.array(HeldCopies) } },
    handler: async (req) => {
      return (await listHeldCopies(ctx.db, req.actor, req.query.status)).map(present);
    },
  });

  app.get("/api/tickets/:id/held-copies", {
    config: { access: "staff" },
    schema: { tags, summary: "A ticket's held copies (every status), oldest first", params: z.object({ id: TicketKey }), response: { 200: z.array(HeldCopies) } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      return (await ticketHeldCopies(ctx.db, ticket.id)).map(present);
    },
  });

  const decisions = [
    { verb: "accept", accept: true, summary: "Add the held people as watchers of the ticket (they get its public replies by mail)" },
    { verb: "reject", accept: false, summary: "Decline the held people: nobody joins the ticket" },
  ];
  for (const { verb, accept, summary } of decisions) {
    app.post(`/api/mail/held-copies/:id/${verb}`, {
      config: { access: "staff" },
      schema: { tags, summary, params: z.object({ id: Id }), response: { 200: HeldCopies } },
      handler: async (req) => {
        await decideHeldCopies(ctx, req.actor, req.params.id, accept);
        return one(req.params.id);
      },
    });
  }
}
