/** Saved views over HTTP; the rules are in service.ts. */
import { Id, SavedView } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { noContent } from "../http/reply.ts";
import type { App } from "../http/types.ts";
import { createView, deleteView, listViews, present, updateView, ViewInput } from "./service.ts";

export function viewRoutes(app: App, ctx: AppContext) {
  const tags = ["views"];

  app.get("/api/views", {
    config: { access: "staff" },
    schema: { tags, summary: "Your views and those shared with your teams", response: { 200: z.array(SavedView) } },
    handler: async (req) => (await listViews(ctx.db, req.actor)).map((r) => present(r, req.actor.id)),
  });

  app.post("/api/views", {
    config: { access: "staff" },
    schema: { tags, summary: "Save a view", body: ViewInput, response: { 201: SavedView } },
    handler: async (req, reply) => reply.status(201).send(present(await createView(ctx, req.actor, req.body), req.actor.id)),
  });

  app.patch("/api/views/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Change a view you own", params: z.object({ id: Id }), body: ViewInput.partial(), response: { 200: SavedView } },
    handler: async (req) => present(await updateView(ctx, req.actor, req.params.id, req.body), req.actor.id),
  });

  app.delete("/api/views/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Delete a view you own", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => noContent(reply, deleteView(ctx, req.actor, req.params.id)),
  });
}
