/**
 * One hook authenticates every API request before its body is parsed: session cookie (with a
 * CSRF header on unsafe methods) or `Authorization: Bearer <token>`. Routes declare who may call
 * them in `config.access`, and a token must also hold the scope the route needs (auth/scopes.ts);
 * handlers then only check rules about the object at hand.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { timingSafeEqual } from "node:crypto";
import type { AppContext } from "../context.ts";
import { type Actor, ActorCache, actorFromSession, actorFromToken, isAdmin, isStaff } from "../auth/actor.ts";
import { readSessionCookie } from "../auth/session-cookie.ts";
import { assertTokenScope, scopeNeeded } from "../auth/scopes.ts";
import { AppError } from "../errors.ts";
import { clientOf, recordTokenUse } from "../audit/record.ts";
import type { App } from "./types.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const READ_METHODS = new Set(["GET", "HEAD"]);

function sameSecret(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The caller of a request; `cache` may answer from credentials read moments ago (reads only, see ActorCache). */
export async function authenticate(ctx: AppContext, req: FastifyRequest, cache?: ActorCache): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError("unauthenticated", 401, "Use `Authorization: Bearer <token>`.");
    const actor = await actorFromToken(ctx, m[1], cache);
    if (!actor) throw new AppError("unauthenticated", 401, "This API token is not valid; it may have been revoked.");
    actor.client = clientOf(req);
    await recordTokenUse(ctx, actor);
    return actor;
  }
  const sid = readSessionCookie(ctx, req);
  if (!sid) return undefined;
  const actor = await actorFromSession(ctx, sid, cache);
  if (!actor) return undefined;
  actor.client = clientOf(req);
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers["x-csrf-token"];
    if (typeof sent !== "string" || !sameSecret(sent, actor.session!.csrfToken)) {
      req.log.warn({ event: "csrf_failed", actor: actor.id }, "CSRF check failed");
      throw new AppError("csrf_failed", 403, "Missing or wrong X-CSRF-Token header; reload the page and try again.");
    }
  }
  return actor;
}

/** API routes need a signed-in caller unless they say otherwise; the API documentation is public. */
function defaultAccess(url: string) {
  return url.startsWith("/api/") && !url.startsWith("/api/docs") ? "user" : "public";
}

export function registerAuthHook(app: App, ctx: AppContext) {
  app.decorateRequest("actor", undefined as unknown as Actor);
  // Reads may be answered from credentials this node read within the last second; any other
  // request reads its caller afresh and, before and after it runs, makes every read do so too.
  const actors = new ActorCache();
  const reads = (req: FastifyRequest) => READ_METHODS.has(req.method);
  app.addHook("onResponse", async (req) => {
    if (!reads(req)) actors.clear();
  });
  app.addHook("onRequest", async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!reads(req)) actors.clear();
    const access = req.routeOptions.config?.access ?? defaultAccess(req.url);
    if (access === "public") {
      // Public routes still learn who is calling when they can (login rotates an old session).
      return;
    }
    const actor = await authenticate(ctx, req, reads(req) ? actors : undefined);
    if (!actor) throw new AppError("unauthenticated", 401, "Sign in first.");
    req.actor = actor;
    if ((access === "staff" && !isStaff(actor)) || (access === "admin" && !isAdmin(actor))) {
      req.log.info({ event: "permission_denied", actor: actor.id, url: req.url }, "permission denied");
      throw new AppError("forbidden", 403, access === "admin" ? "Only an admin can do this." : "Only agents can do this.");
    }
    if (actor.token) assertTokenScope(actor.token.scopes, scopeNeeded(req.method, req.routeOptions.url ?? req.url, access));
  });
}
