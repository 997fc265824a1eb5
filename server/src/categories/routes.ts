/** Categories: a tree; each may default a team and a ticket type for the tickets filed under it. */
import { Category, CategoryInput, Id } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { isStaff } from "../auth/actor.ts";
import { presentCategories } from "./present.ts";
import { createCategory, listCategories, updateCategory } from "./service.ts";

export function categoryRoutes(app: App, ctx: AppContext) {
  app.get("/api/categories", {
    schema: { tags: ["categories"], summary: "The category tree, flattened, in path order", response: { 200: z.array(Category) } },
    handler: async (req) => {
      const rows = await listCategories(ctx.db, !isStaff(req.actor));
      return (await presentCategories(ctx.db, rows)).sort((a, b) => a.path.localeCompare(b.path));
    },
  });

  app.post("/api/categories", {
    config: { access: "admin" },
    schema: { tags: ["categories"], summary: "Add a category", body: CategoryInput, response: { 201: Category } },
    handler: async (req, reply) => reply.status(201).send(await createCategory(ctx, req.actor, req.body)),
  });

  app.patch("/api/categories/:id", {
    config: { access: "admin" },
    schema: { tags: ["categories"], summary: "Change a category", params: z.object({ id: Id }), body: CategoryInput.partial(), response: { 200: Category } },
    handler: async (req) => updateCategory(ctx, req.actor, req.params.id, req.body),
  });
}
