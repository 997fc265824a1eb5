/**
 * Held copies over HTTP, for agents who can see the ticket: the people a message copied in who
 * wait before becoming watchers, to accept (they join the ticket) or reject (nobody joins).
 */
import { HeldCopies, HeldMailQuery, Id, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import type { App } from "../../http/types.ts";
import { findVisibleTicket, visibleTo } from "../../tickets/policy.ts";
import { referenceOf } from "../../tickets/reference.ts";
import { decideHeldCopies, heldAddresses } from "./copies.ts";

export function heldCopiesRoutes(app: App, ctx: AppContext) {
  const tags = ["mail"];
  const query = () =>
    ctx.db
      .selectFrom("mail_held_copies")
      .innerJoin("mail_messages", "mail_messages.id", "mail_held_copies.mail_message_id")
      .innerJoin("tickets", "tickets.id", "mail_held_copies.ticket_id")
      .select([
        "mail_held_copies.id", "mail_held_copies.from_address", "mail_held_copies.addresses", "mail_held_copies.reason", "mail_held_copies.status",
        "mail_held_copies.created_at", "mail_held_copies.decided_at", "mail_messages.subject", "mail_messages.id as message_row_id",
        "tickets.id as ticket_id", "tickets.number", "tickets.type", "tickets.subject as ticket_subject",
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof query>["executeTakeFirstOrThrow"]>>;
  const present = (r: Row): HeldCopies => ({
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
  const one = async (id: number) => present(await query().where("mail_held_copies.id", "=", id).executeTakeFirstOrThrow());

  app.get("/api/mail/held-copies", {
    config: { access: "staff" },
    schema: { tags, summary: "People copied on mail who wait for an agent before they become watchers, on tickets you can see", querystring: HeldMailQuery, response: { 200: z.array(HeldCopies) } },
    handler: async (req) => {
      const rows = await query()
        .where(visibleTo(req.actor))
        .$if(req.query.status === "held", (q) => q.where("mail_held_copies.status", "=", "held"))
        .$if(req.query.status === "decided", (q) => q.where("mail_held_copies.status", "!=", "held"))
        .orderBy("mail_held_copies.id", "desc")
        .limit(500)
        .execute();
      return rows.map(present);
    },
  });

  app.get("/api/tickets/:id/held-copies", {
    config: { access: "staff" },
    schema: { tags, summary: "A ticket's held copies (every status), oldest first", params: z.object({ id: TicketKey }), response: { 200: z.array(HeldCopies) } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      return (await query().where("mail_held_copies.ticket_id", "=", ticket.id).orderBy("mail_held_copies.id").execute()).map(present);
    },
  });

  app.post("/api/mail/held-copies/:id/accept", {
    config: { access: "staff" },
    schema: { tags, summary: "Add the held people as watchers of the ticket (they get its public replies by mail)", params: z.object({ id: Id }), response: { 200: HeldCopies } },
    handler: async (req) => {
      await decideHeldCopies(ctx, req.actor, req.params.id, true);
      return one(req.params.id);
    },
  });

  app.post("/api/mail/held-copies/:id/reject", {
    config: { access: "staff" },
    schema: { tags, summary: "Decline the held people: nobody joins the ticket", params: z.object({ id: Id }), response: { 200: HeldCopies } },
    handler: async (req) => {
      await decideHeldCopies(ctx, req.actor, req.params.id, false);
      return one(req.params.id);
    },
  });
}
