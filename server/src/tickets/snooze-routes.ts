/** The snooze endpoints: set a ticket's snooze time, or wake it now. The rules are in snooze.ts. */
import { SnoozeInput, Ticket, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import type { App } from "../http/types.ts";
import { changeVisibleTicket, findVisibleTicket } from "./policy.ts";
import { presentTicket } from "./present.ts";
import { snoozeTicket, unsnoozeTicket } from "./snooze.ts";

/** What the API reference says of snoozing. */
const SNOOZE_DOC = {
  summary: "Snooze a ticket until a time: it leaves My open tickets and the unassigned queue until then",
  description: "A requester's reply ends the snooze at once. Snoozing again moves the time.",
};

export function snoozeRoutes(app: App, ctx: AppContext) {
  const tags = ["tickets"];
  // The ticket is read again after the commit, as the caller sees it now.
  const changeThenRead = async (actor: Actor, key: string | number, change: (tx: AppContext, ticket: TicketRow) => Promise<unknown>) => {
    const ticket = await changeVisibleTicket(ctx, actor, key, async (tx, t) => {
      await change(tx, t);
      return t;
    });
    return presentTicket(ctx, actor, await findVisibleTicket(ctx.db, actor, ticket.id));
  };

  app.post("/api/tickets/:id/snooze", {
    config: { access: "staff" },
    schema: { tags, ...SNOOZE_DOC, params: z.object({ id: TicketKey }), body: SnoozeInput, response: { 200: Ticket } },
    handler: async (req) => changeThenRead(req.actor, req.params.id, (tx, ticket) => snoozeTicket(tx, req.actor, ticket.id, req.body.until)),
  });

  app.delete("/api/tickets/:id/snooze", {
    config: { access: "staff" },
    schema: { tags, summary: "Wake a snoozed ticket now, or clear its “back from snooze” mark", params: z.object({ id: TicketKey }), response: { 200: Ticket } },
    handler: async (req) => changeThenRead(req.actor, req.params.id, (tx, ticket) => unsnoozeTicket(tx, req.actor, ticket.id)),
  });
}
