import { Presence, PresenceState, TicketKey } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { actorFromSession, actorFromToken } from "../auth/actor.ts";
import { readSessionCookie } from "../auth/session-cookie.ts";
import { findVisibleTicket } from "../tickets/policy.ts";
import { type LiveHub, PRESENCE_TTL_MS, type Subscriber } from "./hub.ts";

const KEEPALIVE_MS = 25_000;

export function liveRoutes(app: App, ctx: AppContext, hub: LiveHub) {
  app.get("/api/live", {
    schema: {
      tags: ["live"],
      summary: "Server-Sent Events: `ticket` (a change you may see), `notification` (yours), `presence` (agents viewing or typing)",
    },
    handler: async (req, reply) => {
      const cookie = readSessionCookie(ctx, req);
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-content-type-options": "nosniff",
        // Tells reverse proxies such as nginx not to buffer the stream.
        "x-accel-buffering": "no",
      });
      const keepalive = setInterval(() => raw.write(": keepalive\n\n"), KEEPALIVE_MS);
      const sub: Subscriber = {
        actor: req.actor,
        send: (event, data) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        stillValid: async () => !!(cookie && !bearer ? await actorFromSession(ctx, cookie) : bearer ? await actorFromToken(ctx, bearer) : undefined),
        close: () => {
          clearInterval(keepalive);
          raw.end();
        },
      };
      raw.on("close", () => {
        clearInterval(keepalive);
        hub.remove(sub);
      });
      await hub.add(sub);
      // Only now is the subscriber registered: a client that waits for this line misses nothing.
      raw.write(`retry: 3000\n: connected\n\n`);
    },
  });

  app.post("/api/tickets/:id/presence", {
    config: { access: "staff" },
    schema: {
      tags: ["live"],
      summary: "Say you are viewing or typing on a ticket (send every 10 s); `left` when you go",
      params: z.object({ id: TicketKey }),
      body: z.object({ state: PresenceState }).strict(),
      response: { 204: z.null() },
    },
    handler: async (req, reply) => {
      const t = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const now = ctx.clock.now().toISOString();
      if (req.body.state === "left") {
        await ctx.db.deleteFrom("presence").where("ticket_id", "=", t.id).where("user_id", "=", req.actor.id).execute();
      } else {
        await ctx.db
          .insertInto("presence")
          .values({ ticket_id: t.id, user_id: req.actor.id, state: req.body.state, updated_at: now })
          .onConflict((oc) => oc.columns(["ticket_id", "user_id"]).doUpdateSet({ state: req.body.state, updated_at: now }))
          .execute();
      }
      hub.publishPresence(t, { ticket_id: t.id, user: { id: req.actor.id, name: req.actor.name }, state: req.body.state });
      return reply.status(204).send(null);
    },
  });

  app.get("/api/tickets/:id/presence", {
    config: { access: "staff" },
    schema: { tags: ["live"], summary: "Other agents on this ticket in the last 30 seconds", params: z.object({ id: TicketKey }), response: { 200: z.array(Presence) } },
    handler: async (req) => {
      const t = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      const since = new Date(ctx.clock.now().getTime() - PRESENCE_TTL_MS).toISOString();
      const rows = await ctx.db
        .selectFrom("presence")
        .innerJoin("users", "users.id", "presence.user_id")
        .select(["users.id", "users.name", "presence.state", "presence.updated_at"])
        .where("presence.ticket_id", "=", t.id)
        .where("presence.user_id", "!=", req.actor.id)
        .where("presence.updated_at", ">", since)
        .orderBy("users.name")
        .execute();
      return rows.map((r) => ({ user: { id: r.id, name: r.name }, state: r.state as "viewing", updated_at: r.updated_at }));
    },
  });
}
