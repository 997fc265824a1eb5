/** The snooze endpoints: set a ticket's snooze time, or wake it now. The rules are in snooze.ts. */
import { SnoozeInput, Ticket, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { type AppContext, inTransaction } from "../context.ts";
import type { App } from "../http/types.ts";
import { findVisibleTicket } from "./policy.ts";
import { presentTicket } from "./present.ts";
import { snoozeTicket, unsnoozeTicket } from "./snooze.ts";

export function snoozeRoutes(app: App, ctx: AppContext) {
  const tags = ["tickets"];
  const inTx = <T>(work: (tx: AppContext) => Promise<T>) => inTransaction(ctx, work);
  const reread = async (actor: Actor, id: number) => presentTicket(ctx, actor, await findVisibleTicket(ctx.db, actor, id));

  app.post("/api/tickets/:id/snooze", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Snooze a ticket until a time: it leaves My open tickets and the unassigned queue until then",
      description: "A requester's reply ends the snooze at once. Snoozing again moves the time.",
      params: z.object({ id: TicketKey }),
      body: SnoozeInput,
      response: { 200: Ticket },
    },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      await inTx((tx) => snoozeTicket(tx, req.actor, ticket.id, req.body.until));
      return reread(req.actor, ticket.id);
    },
  });

  app.delete("/api/tickets/:id/snooze", {
    config: { access: "staff" },
    schema: { tags, summary: "Wake a snoozed ticket now, or clear its “back from snooze” mark", params: z.object({ id: TicketKey }), response: { 200: Ticket } },
    handler: async (req) => {
      const ticket = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      await inTx((tx) => unsnoozeTicket(tx, req.actor, ticket.id));
      return reread(req.actor, ticket.id);
    },
  });
}
