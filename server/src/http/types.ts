import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Actor } from "../auth/actor.ts";

/** The Fastify instance every domain registers its routes on: zod schemas type the handlers. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/**
 * Who may call a route: `public` (anyone), `user` (signed in; the default for /api), `staff`
 * (agent, supervisor or admin), `admin`.
 */
export type Access = "public" | "user" | "staff" | "admin";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook for every route that is not public. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
