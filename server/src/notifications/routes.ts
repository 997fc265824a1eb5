import { Id, NotificationList, NotificationMute, NotificationMuteInput, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { noContent } from "../http/reply.ts";
import type { App } from "../http/types.ts";
import { notFound } from "../errors.ts";
import { findVisibleTicket } from "../tickets/policy.ts";
import { listMutes, muteTicket, unmuteTicket } from "./mutes.ts";
import { countUnread, listGroups, markAllRead, markGroupRead } from "./queries.ts";

const tags = ["notifications"];

/** What the API reference says of muting a ticket. */
const MUTE_DOC = {
  summary: "Mute this ticket's notifications for you, until a time or until you unmute (mentions of you still arrive)",
  description: "Muting again moves the end. `until: null` mutes until DELETE.",
};

export function notificationRoutes(app: App, ctx: AppContext) {
  app.get("/api/notifications", {
    schema: {
      tags,
      summary: "Your notifications, newest first, unread repeats of one kind on one ticket collapsed into one line, with the unread count",
      description: "A notification about a ticket you can no longer see is not shown. Page with `before` set to the last line's `id`.",
      querystring: z.object({ unread: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(100).default(30), before: Id.optional() }),
      response: { 200: NotificationList },
    },
    handler: async (req) => {
      const mutes = await listMutes(ctx, req.actor);
      const [items, unread] = await Promise.all([
        listGroups(ctx, req.actor, { unreadOnly: req.query.unread === "true", limit: req.query.limit, before: req.query.before }, mutes),
        countUnread(ctx, req.actor),
      ]);
      return { unread_count: unread.groups, unread_items: unread.items, items, mutes };
    },
  });

  app.post("/api/notifications/:id/read", {
    schema: { tags, summary: "Mark a line of the bell read: this notification and the older unread ones of its kind on its ticket", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      if (!(await markGroupRead(ctx, req.actor, req.params.id))) throw notFound("The notification");
      return reply.status(204).send(null);
    },
  });

  app.post("/api/notifications/read-all", {
    schema: { tags, summary: "Mark all your notifications read", response: { 204: z.null() } },
    handler: async (req, reply) => noContent(reply, markAllRead(ctx, req.actor)),
  });

  app.put("/api/tickets/:id/notification-mute", {
    schema: { tags, ...MUTE_DOC, params: z.object({ id: TicketKey }), body: NotificationMuteInput, response: { 200: NotificationMute } },
    handler: async (req) => muteTicket(ctx, req.actor, await findVisibleTicket(ctx.db, req.actor, req.params.id), req.body.until),
  });

  app.delete("/api/tickets/:id/notification-mute", {
    schema: { tags, summary: "Unmute this ticket's notifications for you", params: z.object({ id: TicketKey }), response: { 204: z.null() } },
    handler: async (req, reply) =>
      noContent(
        reply,
        findVisibleTicket(ctx.db, req.actor, req.params.id).then((ticket) => unmuteTicket(ctx, req.actor, ticket)),
      ),
  });
}
