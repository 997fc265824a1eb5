/**
 * Helmet's security headers, worked out once at start and set on every answer.
 *
 * @fastify/helmet builds helmet's middleware afresh on every request (its options parsed, the
 * Content-Security-Policy written out again): a few percent of a small read's CPU. With fixed
 * options (no per-request nonces, no per-route settings) the headers are the same for every
 * request, so they are taken once from @fastify/helmet itself, run on one request in an app of
 * its own, and the app sets that list. A route that sets one of them itself (the API docs' own
 * Content-Security-Policy) still wins, as it did with the plugin: the hook runs first.
 */
import helmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import Fastify from "fastify";
import type { App } from "./types.ts";

/** The headers @fastify/helmet sets on a request with `options`, as name and value. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Array<[string, string | number | string[]]>> {
  const probe = Fastify();
  try {
    await probe.register(helmet, options);
    let headers: Array<[string, string | number | string[]]> = [];
    // The handler runs after every onRequest hook and before Fastify adds its own headers.
    probe.get("/", async (_req, reply) => {
      headers = Object.entries(reply.raw.getHeaders()).filter((h): h is [string, string | number | string[]] => h[1] !== undefined);
      return "";
    });
    await probe.inject({ method: "GET", url: "/" });
    if (!headers.length) throw new Error("helmet set no headers: the security headers would be missing");
    return headers;
  } finally {
    await probe.close();
  }
}

/** Sets helmet's headers for `options` on every answer of `app`. */
export async function registerSecurityHeaders(app: App, options: FastifyHelmetOptions): Promise<void> {
  const headers = await helmetHeaders(options);
  app.addHook("onRequest", (_req, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
