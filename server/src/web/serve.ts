/**
 * Serves the built web app (web/dist) from the API's own origin: hashed assets under /assets/
 * with long caching, and index.html for every page address the app knows, so that a deep link
 * such as /requests/INC-1042 opens the app at that page. /api and /setup never fall back to
 * the app: an unknown API route stays a JSON 404.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { App } from "../http/types.ts";
import { homePageRoutes } from "../ops/home-page.ts";
import { faviconRoutes } from "./favicon.ts";

/** Where `npm run build -w web` writes the app, from this file: server/src/web → web/dist. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

/**
 * Page addresses the app answers with 200; the app's router (web/src/routes.tsx) owns the same
 * list. Any other address still gets the app, which shows its own not-found page, but with a
 * 404 status so that crawlers, monitors and scripts are told the truth.
 */
const APP_PAGES = /^\/(?:$|(?:sign-in|requests|answer|agent|admin)(?:\/|$))/;

/** Addresses that belong to the server, never to the app. */
const SERVER_PATHS = /^\/(?:api|setup|assets)(?:\/|$)/;

/** Serves the app when it is built, and otherwise a page at / that says how to build it. */
export async function webRoutes(app: App, dist = DEFAULT_WEB_DIST) {
  faviconRoutes(app);
  if (existsSync(path.join(dist, "index.html"))) await webAppRoutes(app, dist);
  else homePageRoutes(app);
}

async function webAppRoutes(app: App, dist: string) {
  const indexFile = path.join(dist, "index.html");

  await app.register(async (scope) => {
    // Vite names every asset by its content hash, so a cached copy can never be stale.
    await scope.register(fastifyStatic, {
      root: path.join(dist, "assets"),
      prefix: "/assets/",
      decorateReply: false,
      index: false,
      maxAge: "365d",
      immutable: true,
      // The build writes .br and .gz copies (web/scripts/precompress.mjs); each browser gets
      // the one it accepts, with Vary: Accept-Encoding.
      preCompressed: true,
      // Caches keep one copy per encoding, so a browser that takes no Brotli never gets it.
      setHeaders: (res) => res.setHeader("Vary", "Accept-Encoding"),
    });
  });

  const sendApp = async (url: string, reply: import("fastify").FastifyReply) => {
    const pathname = url.split("?")[0];
    if (SERVER_PATHS.test(pathname)) return reply.callNotFound();
    // Read per request (the OS caches it): a rebuild while the server runs takes effect at once.
    const html = await readFile(indexFile, "utf8");
    return reply
      .status(APP_PAGES.test(pathname) ? 200 : 404)
      .header("Cache-Control", "no-cache")
      .type("text/html; charset=utf-8")
      .send(html);
  };
  app.get("/", { config: { access: "public" }, schema: { hide: true } }, (req, reply) => sendApp(req.url, reply));
  // No access setting: /api/... addresses keep the API's default (sign in first, then a JSON 404).
  app.get("/*", { schema: { hide: true } }, (req, reply) => sendApp(req.url, reply));
}
