import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { Writable } from "node:stream";
import { Client, createDesk, dialects, PASSWORD, type TestDesk } from "./harness.ts";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";

const setCookies = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat((res.headers["set-cookie"] as string | string[]) ?? []);

/** A client that presents only the given Cookie header, as a browser (or a planted cookie) would. */
function withCookie(desk: TestDesk, cookie: string, csrf?: string): Client {
  const c = new Client(desk.app);
  c.cookie = cookie;
  c.csrf = csrf;
  return c;
}

describe.each(dialects)("the session cookie over https on %s", (dialect) => {
  let desk: TestDesk;
  let agentEmail: string;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_PUBLIC_URL: "https://desk.example.test" });
    agentEmail = (await desk.user("agent")).user!.email;
  });
  afterAll(() => desk.close());

  async function signIn() {
    const res = await desk.anonymous().post("/api/auth/login", { email: agentEmail, password: PASSWORD });
    expect(res.status).toBe(200);
    const cookie = setCookies(res).find((c) => c.startsWith("__Host-tessera_session="));
    expect(cookie, `Set-Cookie: ${setCookies(res).join(" | ")}`).toBeDefined();
    return { cookie: cookie!, pair: cookie!.split(";")[0], id: cookie!.split(";")[0].split("=")[1], csrf: res.body.csrf_token as string };
  }

  it("is __Host-tessera_session, Secure, Path=/ and without Domain, with no setting but the https public URL", async () => {
    const { cookie } = await signIn();
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).not.toMatch(/;\s*Domain=/i);
    // Its lifetime is counted by the browser from now (the absolute session limit, 168 h by
    // default), not as a date on the server's clock.
    expect(cookie).toMatch(/;\s*Max-Age=604800(;|$)/i);
    expect(cookie).not.toMatch(/;\s*Expires=/i);
  });

  it("signs in, passes the CSRF check and signs out under the prefixed name; the bare name is not read", async () => {
    const { pair, id, csrf } = await signIn();
    expect((await withCookie(desk, pair).get("/api/me")).body.email).toBe(agentEmail);
    // The same id under the bare name (what a plain-http page or a subdomain could plant) is ignored.
    expect((await withCookie(desk, `tessera_session=${id}`).get("/api/me")).status).toBe(401);
    // An unsafe method needs the session's CSRF token, read through the prefixed cookie.
    expect((await withCookie(desk, pair).post("/api/tickets", { subject: "No token" })).status).toBe(403);
    const made = await withCookie(desk, pair, csrf).post("/api/tickets", { subject: "With token" });
    expect(made.status).toBe(201);

    const out = await withCookie(desk, pair, csrf).post("/api/auth/logout");
    expect(out.status).toBe(204);
    const cleared = setCookies(out).find((c) => c.startsWith("__Host-tessera_session="));
    expect(cleared).toMatch(/^__Host-tessera_session=;/);
    expect(cleared).toMatch(/;\s*Secure/i);
    expect(cleared).toMatch(/;\s*Path=\//i);
    expect((await withCookie(desk, pair).get("/api/me")).status).toBe(401);
  });

  it("the test client follows the prefixed cookie through sign-in and sign-out", async () => {
    const c = await desk.login(agentEmail);
    expect(c.cookie).toMatch(/^__Host-tessera_session=/);
    expect((await c.get("/api/me")).status).toBe(200);
    expect((await c.post("/api/auth/logout")).status).toBe(204);
    expect(c.cookie).toBeUndefined();
  });

  it("opens the live stream with the prefixed cookie, and not with the bare name", async () => {
    const { pair, id } = await signIn();
    const base = await desk.app.listen({ port: 0, host: "127.0.0.1" });
    const ac = new AbortController();
    try {
      const live = await fetch(`${base}/api/live`, { headers: { cookie: pair }, signal: ac.signal });
      expect(live.status).toBe(200);
      expect(live.headers.get("content-type")).toMatch(/text\/event-stream/);
      const first = await live.body!.getReader().read();
      expect(new TextDecoder().decode(first.value)).toContain("connected");
      ac.abort();
      const bare = await fetch(`${base}/api/live`, { headers: { cookie: `tessera_session=${id}` } });
      expect(bare.status).toBe(401);
    } finally {
      ac.abort();
    }
  });
});

describe.each(dialects)("the session cookie on plain http on %s", (dialect) => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await createDesk(dialect);
  });
  afterAll(() => desk.close());

  it("keeps the bare name without Secure, and start-up warns that the cookie is not secure", async () => {
    const user = await desk.user("requester");
    const res = await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD });
    const cookie = setCookies(res).find((c) => c.startsWith("tessera_session="));
    expect(cookie).toBeDefined();
    expect(cookie).not.toMatch(/;\s*Secure/i);

    const logged: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) });
    const app = await buildApp({ ...desk.ctx, log: pino({ level: "warn" }, sink) });
    await app.close();
    const warning = logged.map((l) => JSON.parse(l)).find((l) => l.event === "session_cookie_not_secure");
    expect(warning?.msg).toMatch(/session cookie is not secure/i);
    expect(warning?.msg).toMatch(/TESSERA_PUBLIC_URL/);
  });

  it("is Secure and prefixed behind a TLS proxy with TESSERA_COOKIE_SECURE=true, and start-up does not warn", async () => {
    const proxied = await createDesk(dialect, { TESSERA_COOKIE_SECURE: "true" });
    try {
      const user = await proxied.user("requester");
      const res = await proxied.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD });
      expect(setCookies(res).find((c) => c.startsWith("__Host-tessera_session="))).toMatch(/;\s*Secure/i);
      const logged: string[] = [];
      const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) });
      const app = await buildApp({ ...proxied.ctx, log: pino({ level: "warn" }, sink) });
      await app.close();
      expect(logged.join("")).not.toContain("session_cookie_not_secure");
    } finally {
      await proxied.close();
    }
  });
});

describe("TESSERA_COOKIE_SECURE", () => {
  it("cannot turn Secure off for an https public URL", () => {
    expect(() => loadConfig({}, { TESSERA_PUBLIC_URL: "https://desk.example.test", TESSERA_COOKIE_SECURE: "false" })).toThrow(/TESSERA_COOKIE_SECURE: cannot be false/);
  });
});
