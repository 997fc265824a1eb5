/** Macros over HTTP: list, save, change, delete; preview on a ticket, apply, and undo. */
import { Id, Macro, MacroActions, MacroApplyInput, MacroApplyResult, MacroInput, MacroPreview, MacroPreviewQuery, MacroUndoResult, MacroUpdateInput, ReplyListQuery } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { type AppContext, inTransaction } from "../context.ts";
import { AppError, notFound } from "../errors.ts";
import { noContent } from "../http/reply.ts";
import type { App } from "../http/types.ts";
import { findVisibleTicket } from "../tickets/policy.ts";
import { presentTicket } from "../tickets/present.ts";
import { ticketById } from "../tickets/queries.ts";
import { VersionConflict } from "../tickets/service.ts";
import { applicationOf, createMacro, deleteMacro, listMacros, loadMacro, type MacroRow, updateMacro } from "./macro-library.ts";
import { applyMacro, presentApplication, previewMacro, undoMacro } from "./macros.ts";
import { presentAll, presentShared, type SharedRefs } from "./present.ts";

type Row = MacroRow;

/** Stored actions are parsed leniently: a macro saved before a rule tightened still lists. */
const actionsOf = (r: Row): MacroActions => JSON.parse(r.actions) as MacroActions;

const present = (r: Row, actor: Actor, refs: SharedRefs): Macro => ({
  id: r.id,
  name: r.name,
  description: r.description,
  actions: actionsOf(r),
  ...presentShared(r, actor, refs, "macro"),
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** What the API reference says of applying a macro. */
const APPLY_DOC = {
  summary: "Apply a macro to a ticket, all or nothing",
  description: "Send the ticket version the preview showed; a ticket changed since is refused with 409 and the current ticket in error.details.current.",
};

export function macroRoutes(app: App, ctx: AppContext) {
  const tags = ["macros"];
  const params = z.object({ id: Id });
  const inTx = <T>(work: (tx: AppContext) => Promise<T>) => inTransaction(ctx, work);
  // A macro the actor may use and a ticket they can see, in that order (each a 404 otherwise).
  const macroAndTicket = async (actor: Actor, macroId: number, ticketKey: string | number) => {
    const row = await loadMacro(ctx.db, actor, macroId);
    const ticket = await findVisibleTicket(ctx.db, actor, ticketKey);
    return { macro: { id: row.id, name: row.name, actions: actionsOf(row) }, ticket };
  };
  const one = async (r: Row, actor: Actor) => (await presentAll(ctx.db, actor, [r], present))[0];
  const reread = async (actor: Actor, id: number) => presentTicket(ctx, actor, await ticketById(ctx.db, id));
  const conflictOf = async (err: unknown, actor: Actor) => {
    if (err instanceof VersionConflict) throw new AppError("version_conflict", 409, err.message, { current: await presentTicket(ctx, actor, err.current) });
    throw err;
  };

  app.get("/api/macros", {
    config: { access: "staff" },
    schema: { tags, summary: "Macros you can apply: your own, your teams', and those for everyone", querystring: ReplyListQuery, response: { 200: z.array(Macro) } },
    handler: async (req) => presentAll(ctx.db, req.actor, await listMacros(ctx.db, req.actor, req.query.list), present),
  });

  app.post("/api/macros", {
    config: { access: "staff" },
    schema: { tags, summary: "Save a macro", body: MacroInput, response: { 201: Macro } },
    handler: async (req, reply) => {
      const row = await createMacro(ctx, req.actor, req.body);
      return reply.status(201).send(await one(row, req.actor));
    },
  });

  app.patch("/api/macros/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Change a macro", params, body: MacroUpdateInput, response: { 200: Macro } },
    handler: async (req) => {
      const updated = await updateMacro(ctx, req.actor, req.params.id, req.body);
      return one(updated, req.actor);
    },
  });

  app.delete("/api/macros/:id", {
    config: { access: "staff" },
    schema: { tags, summary: "Delete a macro (what it already did stays, and can still be undone)", params, response: { 204: z.null() } },
    handler: async (req, reply) => noContent(reply, deleteMacro(ctx, req.actor, req.params.id)),
  });

  app.get("/api/macros/:id/preview", {
    config: { access: "staff" },
    schema: { tags, summary: "What a macro would change on a ticket (old → new), without changing anything", params, querystring: MacroPreviewQuery, response: { 200: MacroPreview } },
    handler: async (req) => {
      const { macro, ticket } = await macroAndTicket(req.actor, req.params.id, req.query.ticket);
      return previewMacro(ctx, req.actor, macro, ticket);
    },
  });

  app.post("/api/macros/:id/apply", {
    config: { access: "staff" },
    schema: { tags, ...APPLY_DOC, params, body: MacroApplyInput, response: { 200: MacroApplyResult } },
    handler: async (req) => {
      const { macro, ticket } = await macroAndTicket(req.actor, req.params.id, req.body.ticket);
      const application = await inTx((tx) => applyMacro(tx, req.actor, macro, ticket.id, req.body.version)).catch((err) => conflictOf(err, req.actor));
      return { application: presentApplication(application), ticket: await reread(req.actor, ticket.id) };
    },
  });

  app.post("/api/macro-applications/:id/undo", {
    config: { access: "staff" },
    schema: { tags, summary: "Undo a macro you applied: its field changes go back while the ticket is unchanged since; a reply it sent stays", params, response: { 200: MacroUndoResult } },
    handler: async (req) => {
      const app0 = await applicationOf(ctx.db, req.params.id);
      if (!app0 || app0.actor_id !== req.actor.id) throw notFound("That macro application");
      // The ticket must still be one the caller may see (a team change may have taken it away).
      await findVisibleTicket(ctx.db, req.actor, app0.ticket_id);
      const result = await inTx((tx) => undoMacro(tx, req.actor, req.params.id)).catch((err) => conflictOf(err, req.actor));
      return { application: presentApplication(result.application), kept: result.kept, ticket: await reread(req.actor, app0.ticket_id) };
    },
  });
}
