/**
 * SLA over HTTP. Admins keep calendars and policies (agents may read them and preview); anyone
 * who can see a ticket reads its SLA (requesters only their expected times); agents read the
 * explanation; admins recompute.
 */
import {
  Calendar,
  CalendarInput,
  CalendarUpdateInput,
  Policy,
  PolicyInput,
  PolicyOrderInput,
  PolicyUpdateInput,
  SlaExplain,
  SlaPreview,
  SlaPreviewInput,
  SlaSettings,
  TicketKey,
  TicketSla,
  TicketSlaView,
} from "@tessera/contracts";
import { z } from "zod";
import { type AppContext, inTransaction } from "../context.ts";
import type { App } from "../http/types.ts";
import { isStaff } from "../auth/actor.ts";
import { findVisibleTicket } from "../tickets/policy.ts";
import { ticketById } from "../tickets/queries.ts";
import { createCalendar, createPolicy, deleteCalendar, deletePolicy, getCalendar, getPolicy, presentCalendars, presentPolicies, reorderPolicies, updateCalendar, updatePolicy } from "./admin.ts";
import { listCalendars, listPolicies } from "./definitions.ts";
import { explainSla } from "./explain.ts";
import { previewSla } from "./preview.ts";
import { recomputeOpenTickets, recomputeTicket } from "./recompute.ts";
import { readSlaSettings, writeSlaSettings } from "./settings.ts";
import { agentSla, requesterSla } from "./view.ts";
import { recordAudit } from "../audit/record.ts";
import { definitionRoutes } from "./definition-routes.ts";

const tags = ["sla"];
const KeyParams = z.object({ id: TicketKey });

export function slaRoutes(app: App, ctx: AppContext) {
  const inTx = <T>(work: (tx: AppContext) => Promise<T>) => inTransaction(ctx, work);

  // ---- calendars and policies: read one, add, change, delete, each change audited ----------

  const allPolicies = async () => presentPolicies(ctx.db, await listPolicies(ctx.db));

  app.get("/api/sla/calendars", {
    config: { access: "staff" },
    schema: { tags, summary: "Business-hour calendars", response: { 200: z.array(Calendar) } },
    handler: async () => presentCalendars(ctx.db, await listCalendars(ctx.db)),
  });

  definitionRoutes(app, ctx, {
    path: "calendars",
    type: "sla_calendar",
    schemas: { record: Calendar, input: CalendarInput, update: CalendarUpdateInput },
    summaries: { one: "One calendar", add: "Add a calendar", change: "Change a calendar", delete: "Delete a calendar no policy and no open ticket uses (409 otherwise)" },
    descriptions: {
      add: "Weekly shifts in the calendar's IANA time zone (a shift ending the next day says `overnight: true`), and holidays: single days, inclusive ranges (`end_date`), `yearly` ones. Refused with 400 for an unknown time zone, a shift that ends before it starts, overlapping shifts, or holidays that leave no working time in the next two years.",
      change: "Deadlines already stored move when a ticket's clock next changes, or at once with POST /api/sla/recompute.",
    },
    get: getCalendar,
    create: createCalendar,
    update: updateCalendar,
    remove: deleteCalendar,
    present: presentCalendars,
  });

  app.get("/api/sla/policies", {
    config: { access: "staff" },
    schema: { tags, summary: "SLA policies in the order they are tried (the first that matches a ticket times it)", response: { 200: z.array(Policy) } },
    handler: allPolicies,
  });

  definitionRoutes(app, ctx, {
    path: "policies",
    type: "sla_policy",
    schemas: { record: Policy, input: PolicyInput, update: PolicyUpdateInput },
    summaries: { one: "One policy", add: "Add a policy (tried after the existing ones)", change: "Change a policy", delete: "Delete a policy that times no open ticket (409 otherwise)" },
    descriptions: {
      add: "Conditions on type, priority, category (a category covers its sub-categories), organization and channel; targets per priority in business minutes; the warning share; the status categories that pause the clock; escalations per level (warning, breach).",
      change: "Tickets it already times keep their deadlines until a matched field changes or they are recomputed (POST /api/sla/recompute).",
    },
    get: getPolicy,
    create: createPolicy,
    update: updatePolicy,
    remove: deletePolicy,
    present: presentPolicies,
  });

  app.put("/api/sla/policies/order", {
    config: { access: "admin" },
    schema: { tags, summary: "Set the order policies are tried in (list every policy id once)", body: PolicyOrderInput, response: { 200: z.array(Policy) } },
    handler: async (req) => {
      await inTx(async (tx) => {
        await reorderPolicies(tx, req.body.ids);
        await recordAudit(tx, req.actor, { action: "sla_policy.reordered", after: { order: req.body.ids } });
      });
      return allPolicies();
    },
  });

  app.post("/api/sla/preview", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "When would a ticket created at a given time be due? (a saved policy, a saved calendar, or an unsaved one being edited)",
      body: SlaPreviewInput,
      response: { 200: SlaPreview },
    },
    handler: async (req) => previewSla(ctx, req.body),
  });

  app.get("/api/sla/settings", {
    config: { access: "staff" },
    schema: { tags, summary: "SLA settings (auto-close)", response: { 200: SlaSettings } },
    handler: async () => readSlaSettings(ctx),
  });

  app.put("/api/sla/settings", {
    config: { access: "admin" },
    schema: { tags, summary: "Change SLA settings", body: SlaSettings.strict(), response: { 200: SlaSettings } },
    handler: async (req) =>
      inTx(async (tx) => {
        const before = await readSlaSettings(tx);
        const after = await writeSlaSettings(tx, req.body);
        await recordAudit(tx, req.actor, { action: "setting.changed", target: { type: "setting", id: "sla.settings", label: "SLA settings" }, before, after });
        return after;
      }),
  });

  app.post("/api/sla/recompute", {
    config: { access: "admin" },
    schema: {
      tags,
      summary: "Recompute open tickets after changing a policy or a calendar, a batch at a time",
      description:
        "Without policy_id or calendar_id, every open ticket (to apply a new policy). Continue with `after_id: next_after_id` until it is null. Each recomputation is in the ticket's audit.",
      body: z
        .object({
          policy_id: z.number().int().positive().optional(),
          calendar_id: z.number().int().positive().optional(),
          after_id: z.number().int().nonnegative().optional(),
          limit: z.number().int().min(1).max(5000).default(500),
        })
        .strict(),
      response: { 200: z.object({ recomputed: z.number().int(), next_after_id: z.number().int().nullable() }) },
    },
    handler: async (req) => {
      const result = await recomputeOpenTickets(ctx, req.actor, req.body);
      await recordAudit(ctx, req.actor, { action: "sla.recomputed", detail: { ...req.body, recomputed: result.recomputed } });
      return result;
    },
  });

  // ---- a ticket's SLA -----------------------------------------------------------------------

  app.get("/api/tickets/:id/sla", {
    schema: {
      tags,
      summary: "A ticket's SLA: for agents the policy, each target's deadline, state, business time used, paused time and outcome; for requesters the expected answer and resolution times",
      params: KeyParams,
      response: { 200: TicketSlaView },
    },
    handler: async (req) => {
      const t = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      return isStaff(req.actor) ? agentSla(ctx, t) : requesterSla(ctx, t);
    },
  });

  app.get("/api/tickets/:id/sla/explain", {
    config: { access: "staff" },
    schema: {
      tags,
      summary: "Explain this SLA: the clock's timeline (counting, outside hours, holidays, paused and why) and how each deadline was computed, in sentences",
      params: KeyParams,
      response: { 200: SlaExplain },
    },
    handler: async (req) => explainSla(ctx, await findVisibleTicket(ctx.db, req.actor, req.params.id)),
  });

  app.post("/api/tickets/:id/sla/recompute", {
    config: { access: "admin" },
    schema: {
      tags,
      summary: "Recompute this ticket's SLA from the current policies and calendars (recorded in the audit)",
      description: "With `dry_run=true`, answers what the SLA would be after recomputing and changes nothing (for a confirmation that shows the deadlines before and after).",
      params: KeyParams,
      querystring: z.object({ dry_run: z.enum(["true", "false"]).optional() }).strict(),
      response: { 200: TicketSla },
    },
    handler: async (req) => {
      const t = await findVisibleTicket(ctx.db, req.actor, req.params.id);
      if (req.query.dry_run === "true") {
        // Recompute inside a transaction, read the result there, and roll it all back.
        let answer: TicketSla | undefined;
        const rollback = new Error("dry run");
        await inTx(async (tx) => {
          await recomputeTicket(tx, req.actor, t.id);
          answer = await agentSla(tx, await ticketById(tx.db, t.id));
          throw rollback;
        }).catch((err) => {
          if (err !== rollback) throw err;
        });
        return answer!;
      }
      await inTx((tx) => recomputeTicket(tx, req.actor, t.id));
      const fresh = await ticketById(ctx.db, t.id);
      return agentSla(ctx, fresh);
    },
  });
}
