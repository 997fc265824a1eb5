/**
 * Answering a resolution from its mail, without signing in. The resolution notice's "Yes, it is
 * solved" and "No, it is not fixed" links carry a token that lets the ticket's requester do
 * exactly that and nothing else: see the subject, status and resolution note the mail already
 * showed, and confirm or reopen while the ticket is resolved. Requesters who wrote in by email
 * have no password, so a link that demanded a sign-in would be a dead end for most of them.
 *
 * Opening the link changes nothing (mail scanners follow links); the page asks, and a click on
 * it answers. The token is an HMAC of the ticket and its requester under the instance secret:
 * it stops working when the ticket gets another requester, and does nothing unless the ticket
 * is resolved.
 */
import { timingSafeEqual } from "node:crypto";
import { AnswerInput, AnswerQuery, AnswerView } from "@tessera/contracts";
import { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { hmac } from "../auth/secrets.ts";
import { type AppContext, inTransaction } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import type { App } from "../http/types.ts";
import { confirmResolution, reopenTicket } from "./comments.ts";
import { parseTicketKey, referenceOf } from "./reference.ts";

export function answerToken(secret: string, ticket: Pick<TicketRow, "id" | "requester_id">): string {
  return hmac(secret, `resolution-answer\n${ticket.id}\n${ticket.requester_id}`);
}

function tokenMatches(secret: string, ticket: TicketRow, token: string): boolean {
  const expected = Buffer.from(answerToken(secret, ticket));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The same answer for an unknown ticket and a wrong token: the link tells nothing either way. */
const invalidLink = () => notFound("This link");

async function ticketForLink(ctx: AppContext, reference: string, token: string): Promise<TicketRow> {
  const parsed = parseTicketKey(reference);
  if (!parsed?.number) throw invalidLink();
  const t = await ctx.db.selectFrom("tickets").selectAll().where("number", "=", parsed.number).executeTakeFirst();
  if (!t || !tokenMatches(ctx.secret, t, token)) throw invalidLink();
  return t;
}

async function present(ctx: AppContext, t: TicketRow): Promise<AnswerView> {
  const status = await ctx.db.selectFrom("statuses").select("requester_label").where("key", "=", t.status).executeTakeFirst();
  const outcome = t.status_category === "resolved" ? "waiting" : t.status_category === "closed" ? "closed" : "reopened";
  return {
    reference: referenceOf(t),
    subject: t.subject,
    status_label: status?.requester_label ?? t.status,
    resolution_note: t.resolution_note,
    can_answer: outcome === "waiting",
    outcome,
  };
}

/** The requester, acting through the link as if signed in (the audit says it was them, on the web). */
async function requesterOf(ctx: AppContext, t: TicketRow): Promise<Actor> {
  const u = await ctx.db.selectFrom("users").select(["id", "role", "email", "name", "organization_id", "active"]).where("id", "=", t.requester_id).executeTakeFirst();
  if (!u || !u.active) throw invalidLink();
  return { id: u.id, role: u.role, email: u.email, name: u.name, organization_id: u.organization_id, team_ids: [], auth: "session" };
}

export function answerRoutes(app: App, ctx: AppContext) {
  const tags = ["tickets"];
  const params = z.object({ reference: z.string().max(40) });

  app.get("/api/answers/:reference", {
    config: { access: "public" },
    schema: { tags, summary: "What a resolution notice's answer link shows (no sign-in; the token is the key)", params, querystring: AnswerQuery, response: { 200: AnswerView } },
    handler: async (req) => present(ctx, await ticketForLink(ctx, req.params.reference, req.query.token)),
  });

  app.post("/api/answers/:reference", {
    config: { access: "public" },
    schema: { tags, summary: "Confirm or reopen a resolved ticket from its notice's link (no sign-in)", params, body: AnswerInput, response: { 200: AnswerView } },
    handler: async (req) => {
      const ticket = await ticketForLink(ctx, req.params.reference, req.body.token);
      const requester = await requesterOf(ctx, ticket);
      const after = await inTransaction(ctx, async (tx) => {
        if (req.body.action === "confirm") await confirmResolution(tx, requester, ticket, req.body.comment);
        else await reopenTicket(tx, requester, ticket, req.body.comment!);
        return tx.db.selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
      });
      return present(ctx, after);
    },
  });
}
