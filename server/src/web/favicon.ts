/**
 * Tessera's icon, served by the server itself so that pages it renders without the web app
 * (the setup page, the not-built page) have one too. The web app bundles the same drawing from
 * web/src/favicon.svg; server/test/favicon.test.ts fails if the two drift apart.
 */
import type { App } from "../http/types.ts";

export const FAVICON_PATH = "/favicon.svg";

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4c6ef5"/><rect x="7" y="7" width="8" height="8" rx="2" fill="#fff"/><rect x="17" y="7" width="8" height="8" rx="2" fill="#fff" opacity=".7"/><rect x="7" y="17" width="8" height="8" rx="2" fill="#fff" opacity=".7"/><rect x="17" y="17" width="8" height="8" rx="2" fill="#fff" opacity=".45"/></svg>';

/** The `<link>` a server-rendered page puts in its head; allowed by the CSP's img-src 'self'. */
export const FAVICON_LINK = `<link rel="icon" type="image/svg+xml" href="${FAVICON_PATH}">`;

export function faviconRoutes(app: App) {
  app.get(FAVICON_PATH, { config: { access: "public" }, schema: { hide: true } }, (_req, reply) => reply.header("Cache-Control", "public, max-age=86400").type("image/svg+xml").send(FAVICON_SVG));
}
