/**
 * buildApp(ctx): the HTTP application, with no global state, so tests build many side by side.
 */
import Fastify, { LogController } from "fastify";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "./context.ts";
import { registerErrorHandler } from "./errors.ts";
import { registerAuthHook } from "./http/auth-hook.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { answerFrameworkError, parseUrlEncoded, registerFormParser, registerTextGuard } from "./http/text-guard.ts";
import type { App } from "./http/types.ts";
import { authRoutes } from "./auth/routes.ts";
import { setupPageRoutes } from "./auth/setup-page.ts";
import { insecureCookieWarning, sessionCookieName } from "./auth/session-cookie.ts";
import { peopleRoutes } from "./people/routes.ts";
import { categoryRoutes } from "./categories/routes.ts";
import { ticketRoutes } from "./tickets/routes.ts";
import { adminTicketSettingsRoutes } from "./tickets/settings-routes.ts";
import { attachmentRoutes } from "./attachments/routes.ts";
import { notificationRoutes } from "./notifications/routes.ts";
import { viewRoutes } from "./views/routes.ts";
import { LiveHub } from "./live/hub.ts";
import { liveRoutes } from "./live/routes.ts";
import { createMetrics, opsRoutes } from "./ops/routes.ts";
import { webRoutes } from "./web/serve.ts";
import { slaRoutes } from "./sla/routes.ts";
import { mailInRoutes } from "./mail/in/routes.ts";
import { mailOutRoutes } from "./mail/out/routes.ts";
import { alertRoutes } from "./alerts/routes.ts";
import { replyRoutes } from "./replies/routes.ts";
import { answerRoutes } from "./tickets/answers.ts";
import { auditRoutes } from "./audit/routes.ts";
import { draftRoutes } from "./drafts/routes.ts";
import { eventRoutes } from "./events/routes.ts";
import { wakeConsumers } from "./events/consumers.ts";
import { jobRoutes } from "./jobs/routes.ts";

export interface BuildOptions {
  /** The built web app to serve at / (default web/dist); without one, / says how to build it. */
  webDist?: string;
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.log,
    bodyLimit: ctx.config.bodyLimitBytes,
    // A list of proxies, never a hop count: Fastify believes no X-Forwarded-For on a count alone,
    // since it cannot tell a proxy from a client that writes the header itself.
    trustProxy: ctx.config.trustedProxies.length > 0 ? ctx.config.trustedProxies.join(",") : false,
    // One line per request is noise at info level; debug and trace turn it on.
    logController: new LogController({ disableRequestLogging: ctx.config.logLevel !== "debug" && ctx.config.logLevel !== "trace" }),
    // Fastify's parsing, but bytes that are not UTF-8 are kept visible for the text guard to refuse.
    routerOptions: { querystringParser: parseUrlEncoded },
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  // Writes on SQLite share commits (db/group-commit.ts): no answer leaves before the commit
  // that holds what it reports. A failed commit turns the answer into an error.
  app.addHook("onSend", async (_req, reply, payload) => {
    try {
      await ctx.durable();
    } catch (err) {
      ctx.log.error({ err }, "commit failed");
      reply.status(503).header("content-type", "application/json; charset=utf-8").header("Retry-After", "5");
      return JSON.stringify({ error: { code: "service_unavailable", message: "Your change could not be saved; try again shortly." } });
    }
    return payload;
  });
  // The API speaks JSON (and multipart for uploads): a text/plain body, which any site's form
  // can send without a preflight, is refused with 415 instead of reaching a handler as a string.
  app.removeContentTypeParser("text/plain");

  // Helmet's headers, worked out once (http/security-headers.ts).
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Remote images in messages load only when an agent asks (the web app keeps their
        // addresses aside until then), so the policy itself must let them through.
        imgSrc: ["'self'", "data:", "blob:", "https:", "http:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
  });
  // API answers carry people's data: no browser or proxy keeps a copy (ASVS 14.3.2). A route
  // with its own caching rule (attachment downloads) sets the header again and wins.
  app.addHook("onRequest", async (req, reply) => {
    if (req.url.startsWith("/api/")) reply.header("Cache-Control", "no-store");
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: ctx.config.attachmentMaxBytes, files: 1, fields: 10, parts: 12 } });
  await app.register(swagger, {
    openapi: {
      info: { title: "Tessera API", version: "0.1.0", description: "Every ticket, person and setting Tessera has, over HTTP." },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token from `tessera token create` or POST /api/tokens" },
          session: { type: "apiKey", in: "cookie", name: sessionCookieName(ctx.config) },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list" }, staticCSP: true });

  const cookieWarning = insecureCookieWarning(ctx.config);
  if (cookieWarning) ctx.log.warn({ event: "session_cookie_not_secure" }, cookieWarning);

  const metrics = createMetrics();
  registerAuthHook(app, ctx);
  registerTextGuard(app);
  opsRoutes(app, ctx, metrics);
  await webRoutes(app, opts.webDist);
  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());
  authRoutes(app, ctx);
  // Form posts are parsed for the setup page only: accepted on /api they would let another
  // site's plain HTML form sign a browser in (login CSRF) without a CORS preflight.
  await app.register(async (scope) => {
    registerFormParser(scope, 16 * 1024);
    setupPageRoutes(scope, ctx);
  });
  peopleRoutes(app, ctx);
  categoryRoutes(app, ctx);
  ticketRoutes(app, ctx, metrics);
  adminTicketSettingsRoutes(app, ctx);
  attachmentRoutes(app, ctx);
  notificationRoutes(app, ctx);
  viewRoutes(app, ctx);
  slaRoutes(app, ctx);
  mailInRoutes(app, ctx);
  mailOutRoutes(app, ctx);
  alertRoutes(app, ctx);
  replyRoutes(app, ctx);
  answerRoutes(app, ctx);
  auditRoutes(app, ctx);
  draftRoutes(app, ctx);
  eventRoutes(app, ctx);
  jobRoutes(app, ctx);

  const hub = new LiveHub(ctx);
  liveRoutes(app, ctx, hub);
  // A change made here reaches this node's live subscribers without waiting for the next poll.
  app.addHook("onResponse", async (req, reply) => {
    if (req.method !== "GET" && req.method !== "HEAD" && reply.statusCode < 400) {
      hub.kick();
      // After-commit reactions (mail notifications) running on this node, if it runs workers.
      wakeConsumers(ctx);
    }
  });
  // Streams never end on their own; close them before the server waits for open requests.
  app.addHook("preClose", async () => hub.close());
  return app;
}
