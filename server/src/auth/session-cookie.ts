/**
 * The session cookie, named and set in this one place. Over HTTPS it is `__Host-tessera_session`:
 * browsers accept a `__Host-` cookie only when it is Secure, has Path=/ and no Domain, so a
 * neighbouring subdomain or a plain-http page cannot plant or overwrite it (session fixation).
 * On plain http (local use) a Secure cookie would never come back, so it keeps the bare name.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.ts";
import type { AppContext } from "../context.ts";
import type { NewSession } from "./service.ts";

/** The name on plain http. */
export const PLAIN_SESSION_COOKIE = "tessera_session";
/** The name over HTTPS (TESSERA_PUBLIC_URL https://…, or TESSERA_COOKIE_SECURE=true). */
export const SECURE_SESSION_COOKIE = "__Host-tessera_session";

export function sessionCookieName(config: Config): string {
  return config.session.cookieSecure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE;
}

/** The session id the browser sent under this install's cookie name (the other name is ignored). */
export function readSessionCookie(ctx: AppContext, req: FastifyRequest): string | undefined {
  return req.cookies[sessionCookieName(ctx.config)];
}

const attributes = (config: Config) => ({ path: "/", httpOnly: true, sameSite: "lax" as const, secure: config.session.cookieSecure });

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, session: NewSession) {
  // Max-Age, not Expires: the browser counts it from now on its own clock, so a server clock that
  // is off (or a test clock) cannot make the cookie expire early or late.
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - ctx.clock.now().getTime()) / 1000));
  reply.setCookie(sessionCookieName(ctx.config), session.id, { ...attributes(ctx.config), maxAge });
}

export function clearSessionCookie(ctx: AppContext, reply: FastifyReply) {
  reply.clearCookie(sessionCookieName(ctx.config), attributes(ctx.config));
}

/** What start-up says when sessions travel without Secure; undefined when they are Secure. */
export function insecureCookieWarning(config: Config): string | undefined {
  if (config.session.cookieSecure) return undefined;
  return `The session cookie is not secure (no Secure flag, no __Host- prefix): ${config.publicUrl} is plain http. Fine on your own machine; anywhere else serve Tessera over HTTPS and set TESSERA_PUBLIC_URL to its https:// address.`;
}
