import { ApiToken, ApiTokenCreated, LoginInput, Me, SetupInput, TokenCreateInput, Id } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { actorForUser, type Actor } from "./actor.ts";
import { sha256 } from "./secrets.ts";
import { authenticate } from "../http/auth-hook.ts";
import { recordAudit } from "../audit/record.ts";
import { completeSetup, createSession, login, logout } from "./service.ts";
import { issueToken, listTokens, revokeToken } from "./tokens.ts";
import { clearSessionCookie, setSessionCookie } from "./session-cookie.ts";

export function presentMe(actor: Actor, csrfToken: string | null): Me {
  return {
    id: actor.id,
    email: actor.email,
    name: actor.name,
    role: actor.role,
    organization_id: actor.organization_id,
    team_ids: actor.team_ids,
    csrf_token: csrfToken,
  };
}

export function authRoutes(app: App, ctx: AppContext) {
  app.post("/api/auth/login", {
    config: { access: "public" },
    schema: { tags: ["auth"], summary: "Sign in; sets the session cookie", body: LoginInput, response: { 200: Me } },
    handler: async (req, reply) => {
      // A new session id at every sign-in: an id planted before sign-in is never promoted.
      const previous = await authenticate(ctx, req).catch(() => undefined);
      if (previous?.session) await logout(ctx, previous.session.idHash);
      const session = await login(ctx, req.body, { ip: req.ip, userAgent: req.headers["user-agent"] });
      setSessionCookie(ctx, reply, session);
      const actor = await actorForUser(ctx, session.userId, { idHash: sha256(session.id), csrfToken: session.csrfToken });
      return presentMe(actor, session.csrfToken);
    },
  });

  app.post("/api/auth/logout", {
    schema: { tags: ["auth"], summary: "Sign out; the session ends on the server too", response: { 204: z.null() } },
    handler: async (req, reply) => {
      if (req.actor.session) await logout(ctx, req.actor.session.idHash);
      await recordAudit(ctx, req.actor, { action: "auth.signed_out", target: { type: "user", id: req.actor.id, label: req.actor.email } });
      clearSessionCookie(ctx, reply);
      ctx.log.info({ event: "logout", user_id: req.actor.id }, "signed out");
      return reply.status(204).send(null);
    },
  });

  app.get("/api/me", {
    schema: { tags: ["auth"], summary: "The signed-in user", response: { 200: Me } },
    handler: async (req) => presentMe(req.actor, req.actor.session?.csrfToken ?? null),
  });

  app.post("/api/setup", {
    config: { access: "public" },
    schema: { tags: ["auth"], summary: "Create the first admin with the one-time setup token printed at start", body: SetupInput, response: { 201: Me } },
    handler: async (req, reply) => {
      const user = await completeSetup(ctx, req.body, { ip: req.ip, userAgent: req.headers["user-agent"] });
      const session = await createSession(ctx, user.id, { ip: req.ip, userAgent: req.headers["user-agent"] });
      setSessionCookie(ctx, reply, session);
      const actor = await actorForUser(ctx, user.id, { idHash: sha256(session.id), csrfToken: session.csrfToken });
      return reply.status(201).send(presentMe(actor, session.csrfToken));
    },
  });

  // ---- API tokens: your own, or (admins) anyone's ----
  app.get("/api/tokens", {
    schema: { tags: ["auth"], summary: "Your API tokens (admins: add ?user_id=)", querystring: z.object({ user_id: Id.optional() }), response: { 200: z.array(ApiToken) } },
    handler: async (req) => listTokens(ctx.db, req.actor, req.query.user_id ?? req.actor.id),
  });

  app.post("/api/tokens", {
    schema: { tags: ["auth"], summary: "Create an API token with its scopes (default `all`); the token is shown once", body: TokenCreateInput, response: { 201: ApiTokenCreated } },
    handler: async (req, reply) => reply.status(201).send(await issueToken(ctx, req.actor, req.body.user_id ?? req.actor.id, req.body.name, req.body.scopes)),
  });

  app.delete("/api/tokens/:id", {
    schema: { tags: ["auth"], summary: "Revoke an API token", params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      await revokeToken(ctx, req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  });
}
