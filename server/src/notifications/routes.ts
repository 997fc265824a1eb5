import { Id, NotificationList } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { notFound } from "../errors.ts";
import { visibleTo } from "../tickets/policy.ts";

const tags = ["notifications"];

export function notificationRoutes(app: App, ctx: AppContext) {
  app.get("/api/notifications", {
    schema: {
      tags,
      summary: "Your notifications, newest first, with the unread count",
      querystring: z.object({ unread: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(100).default(30), before: Id.optional() }),
      response: { 200: NotificationList },
    },
    handler: async (req) => {
      const me = req.actor;
      // A notification about a ticket you can no longer see is not shown.
      const rows = await ctx.db
        .selectFrom("notifications")
        .leftJoin("users", "users.id", "notifications.actor_id")
        .select(["notifications.id", "notifications.kind", "notifications.ticket_id", "notifications.summary", "notifications.created_at", "notifications.read_at", "users.id as actor_id", "users.name as actor_name"])
        .where("notifications.user_id", "=", me.id)
        .where((eb) => eb.or([eb("notifications.ticket_id", "is", null), eb.exists(eb.selectFrom("tickets").select("tickets.id").whereRef("tickets.id", "=", "notifications.ticket_id").where(visibleTo(me)))]))
        .$if(req.query.unread === "true", (q) => q.where("notifications.read_at", "is", null))
        .$if(req.query.before !== undefined, (q) => q.where("notifications.id", "<", req.query.before!))
        .orderBy("notifications.id", "desc")
        .limit(req.query.limit)
        .execute();
      const unread = await ctx.db
        .selectFrom("notifications")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("user_id", "=", me.id)
        .where("read_at", "is", null)
        .executeTakeFirstOrThrow();
      return {
        unread_count: Number(unread.n),
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          ticket_id: r.ticket_id,
          actor: r.actor_id ? { id: r.actor_id, name: r.actor_name! } : null,
          summary: r.summary,
          created_at: r.created_at,
          read_at: r.read_at,
        })),
      };
    },
  });

  app.post("/api/notifications/:id/read", {
    schema: { tags, summary: "Mark one notification read", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      const r = await ctx.db
        .updateTable("notifications")
        .set({ read_at: ctx.clock.now().toISOString() })
        .where("id", "=", req.params.id)
        .where("user_id", "=", req.actor.id)
        .where("read_at", "is", null)
        .executeTakeFirst();
      if (!r.numUpdatedRows) {
        const exists = await ctx.db.selectFrom("notifications").select("id").where("id", "=", req.params.id).where("user_id", "=", req.actor.id).executeTakeFirst();
        if (!exists) throw notFound("The notification");
      }
      return reply.status(204).send(null);
    },
  });

  app.post("/api/notifications/read-all", {
    schema: { tags, summary: "Mark all your notifications read", response: { 204: z.null() } },
    handler: async (req, reply) => {
      await ctx.db.updateTable("notifications").set({ read_at: ctx.clock.now().toISOString() }).where("user_id", "=", req.actor.id).where("read_at", "is", null).execute();
      return reply.status(204).send(null);
    },
  });
}
