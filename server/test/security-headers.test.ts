/**
 * Helmet's headers are worked out once at start (http/security-headers.ts): every answer must
 * still carry exactly what @fastify/helmet itself would have set, whatever the route or status.
 */
import helmet from "@fastify/helmet";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { helmetHeaders } from "../src/http/security-headers.ts";

// Names helmet sets with its defaults (X-Powered-By is only removed).
const HELMET_HEADERS = [
  "content-security-policy",
  "cross-origin-opener-policy",
  "cross-origin-resource-policy",
  "origin-agent-cluster",
  "referrer-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-frame-options",
  "x-permitted-cross-domain-policies",
  "x-xss-protection",
];

describe("helmet's headers, worked out once", () => {
  it("are the headers @fastify/helmet sets for the same options", async () => {
    const options = { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", "https:"] } }, referrerPolicy: { policy: "no-referrer" as const } };
    const plugin = Fastify();
    await plugin.register(helmet, options);
    plugin.get("/", async () => ({ ok: true }));
    const res = await plugin.inject({ method: "GET", url: "/" });
    await plugin.close();
    const once = Object.fromEntries(await helmetHeaders(options));
    expect(Object.keys(once).sort()).toEqual(HELMET_HEADERS);
    for (const name of HELMET_HEADERS) expect(once[name], name).toBe(res.headers[name]);
  });
});

describe.each(dialects)("security headers on every answer, on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;
  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk?.close());

  it("sends the same helmet headers on a read, a refusal and a missing page", async () => {
    const answers = [await admin.get("/api/tickets?limit=5"), await desk.anonymous().get("/api/tickets"), await admin.get("/api/tickets/999999")];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404]);
    for (const res of answers) {
      for (const name of HELMET_HEADERS) expect(res.headers[name], name).toBe(answers[0].headers[name]);
    }
    expect(String(answers[0].headers["content-security-policy"])).toMatch(/frame-ancestors 'none'/);
    expect(answers[0].headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(answers[0].headers["x-frame-options"]).toBe("SAMEORIGIN");
  });
});
