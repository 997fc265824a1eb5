import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createDesk, dialects, makeTeam, type Response, type TestDesk } from "./harness.ts";
import { countRows } from "./support/rows.ts";
import { prepareFirstAdmin } from "../src/auth/service.ts";

/** A desk with no admin yet and its one-time setup link (path and query), for the setup page's tests. */
async function deskAwaitingSetup(dialect: (typeof dialects)[number]) {
  const desk = await createDesk(dialect);
  const url = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!);
  return { desk, link: url.pathname + url.search, token: url.searchParams.get("token")! };
}

const HOUR = 3_600_000;
/** What must never appear in any response body. */
const SECRET_MARKERS = ["password_hash", "scrypt$", "token_hash", "id_hash"];

function expectSecurityHeaders(res: Response) {
  const csp = String(res.headers["content-security-policy"] ?? "");
  expect(csp).toMatch(/object-src 'none'/);
  expect(csp).toMatch(/frame-ancestors '(none|self)'/);
  expect(csp).toMatch(/script-src 'self'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["referrer-policy"]).toEqual(expect.any(String));
  expect(res.headers["referrer-policy"]).not.toMatch(/unsafe-url/);
}

describe.each(dialects)("security of a default install on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin", { email: "the.admin@example.test" });
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  // Counted in the database itself: a list page would miss a ticket past its limit or hidden from the caller.
  const ticketCount = () => countRows(desk, "tickets");

  describe("identity", () => {
    it.each([
      ["X-Forwarded-User", "x-forwarded-user"],
      ["Remote-User", "remote-user"],
      ["X-Remote-User", "x-remote-user"],
      ["X-Forwarded-Email", "x-forwarded-email"],
    ])("ignores a %s header from an anonymous caller", async (_name, header) => {
      const res = await desk.anonymous().get("/api/me", { [header]: "the.admin@example.test" });
      expect(res.status).toBe(401);
      const write = await desk.anonymous().post("/api/teams", { name: "Header Team" }, { [header]: "the.admin@example.test" });
      expect(write.status).toBe(401);
    });

    it("does not let a signed-in requester become someone else through identity headers", async () => {
      const headers = { "x-forwarded-user": "the.admin@example.test", "remote-user": "the.admin@example.test" };
      const me = await requester.get("/api/me", headers);
      expect(me.body.id).toBe(requester.user!.id);
      expect(me.body.role).toBe("requester");
      expect((await requester.get("/api/users", headers)).status).toBe(403);
    });

    it("refuses a malformed Authorization header instead of falling back to anything else", async () => {
      const browser = await desk.login(agent.user!.email);
      const res = await desk.anonymous().get("/api/me", { authorization: "Basic YWRtaW46YWRtaW4=", cookie: browser.cookie! });
      expect(res.status).toBe(401);
      const bogus = await desk.anonymous().get("/api/me", { authorization: "Bearer tsr_not-a-real-token" });
      expect(bogus.status).toBe(401);
    });

    it("has no default credentials", async () => {
      for (const [email, password] of [
        ["admin@example.com", "admin"],
        ["admin@localhost", "admin123"],
        ["admin", "password"],
        ["admin@tessera.local", "changeme"],
      ]) {
        const res = await desk.anonymous().post("/api/auth/login", { email, password });
        expect(res.status).not.toBe(200);
      }
      desk.clock.advance(2 * HOUR); // let the sign-in throttle forget these failures
    });
  });

  describe("no secrets in responses", () => {
    it("never shows password hashes, token hashes or session ids, whoever asks", async () => {
      const created = await admin.post("/api/users", { email: "secret.keeper@example.test", name: "Secret Keeper", role: "agent", password: "a passphrase to hide" });
      expect(created.status).toBe(201);
      const browser = await desk.login("secret.keeper@example.test", "a passphrase to hide");
      const sessionId = browser.cookie!.split("=")[1];
      const token = await browser.post("/api/tokens", { name: "hidden" });
      expect(token.status).toBe(201);
      const adminSession = await desk.login(admin.user!.email);
      const adminSessionId = adminSession.cookie!.split("=")[1];

      // Each with the answer it must get: an error page would hide nothing and prove nothing.
      const responses: Array<[Response, number]> = [
        [created, 201],
        [await admin.get("/api/users?limit=200"), 200],
        [await admin.get(`/api/users/${created.body.id}`), 200],
        [await admin.get("/api/users?q=secret"), 200],
        [await admin.get(`/api/tokens?user_id=${created.body.id}`), 200],
        [await admin.get("/api/teams"), 200],
        [await browser.get("/api/me"), 200],
        [await browser.get(`/api/users/${created.body.id}`), 200],
        [await browser.get("/api/tokens"), 200],
        [await adminSession.get("/api/me"), 200],
        [await adminSession.patch(`/api/users/${created.body.id}`, { name: "Secret Keeper Two" }), 200],
        [await requester.get(`/api/users/${requester.user!.id}`), 200],
        [await desk.anonymous().post("/api/auth/login", { email: "secret.keeper@example.test", password: "wrong one" }), 401],
      ];
      for (const [res, status] of responses) {
        expect(res.status, res.text).toBe(status);
        for (const marker of SECRET_MARKERS) expect(res.text).not.toContain(marker);
        expect(res.text).not.toContain(sessionId);
        expect(res.text).not.toContain(adminSessionId);
        expect(res.text).not.toContain("a passphrase to hide");
      }
      // The token itself is shown once, at creation, and never again.
      for (const [res] of responses) expect(res.text).not.toContain(token.body.token);
      desk.clock.advance(2 * HOUR); // let the sign-in throttle forget the failure
    });

    it("does not show the session id in the sign-in answer, only in the cookie", async () => {
      const res = await desk.anonymous().post("/api/auth/login", { email: agent.user!.email, password: "correct horse battery staple" });
      expect(res.status).toBe(200);
      const cookie = ([] as string[]).concat(res.headers["set-cookie"] as string[]).find((c) => c.startsWith("tessera_session="))!;
      const id = cookie.split(";")[0].split("=")[1];
      expect(id.length).toBeGreaterThanOrEqual(22); // at least 128 bits in base64url
      expect(res.text).not.toContain(id);
    });

    it("does not leak internals in a 500-free error: unknown ids answer a plain 404", async () => {
      const res = await admin.get("/api/users/987654");
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
      expect(res.text).not.toMatch(/select |sqlite|postgres|at .*\.ts:/i);
    });
  });

  describe("security headers", () => {
    it("are on successful API responses", async () => {
      expectSecurityHeaders(await admin.get("/api/me"));
      expectSecurityHeaders(await admin.post("/api/teams", { name: "Headers Team" }));
    });

    it("are on 404s, 401s, 403s and 400s too", async () => {
      const notFound = await admin.get("/api/no-such-thing");
      expect(notFound.status).toBe(404);
      expectSecurityHeaders(notFound);
      const unknownPage = await desk.anonymous().get("/no/such/page");
      expect(unknownPage.status).toBe(404);
      expectSecurityHeaders(unknownPage);
      const unauth = await desk.anonymous().get("/api/me");
      expect(unauth.status).toBe(401);
      expectSecurityHeaders(unauth);
      const denied = await requester.get("/api/users");
      expect(denied.status).toBe(403);
      expectSecurityHeaders(denied);
      const bad = await admin.post("/api/teams", "{not json", { "content-type": "application/json" });
      expect(bad.status).toBe(400);
      expectSecurityHeaders(bad);
    });

    it("are on the API documentation and the OpenAPI document", async () => {
      const docs = await desk.anonymous().get("/api/docs");
      expect(docs.status).toBe(200);
      expectSecurityHeaders(docs);
      const spec = await desk.anonymous().get("/api/openapi.json");
      expect(spec.status).toBe(200);
      expectSecurityHeaders(spec);
    });

    it("are on the setup page, which needs no inline script, whether it shows the form or refuses the link", async () => {
      const fresh = await deskAwaitingSetup(dialect);
      try {
        const form = await fresh.desk.anonymous().get(fresh.link);
        const refused = await fresh.desk.anonymous().get("/setup?token=x");
        expect([form.status, refused.status]).toEqual([200, 403]);
        for (const res of [form, refused]) {
          expectSecurityHeaders(res);
          expect(res.text).not.toMatch(/<script/i);
        }
      } finally {
        await fresh.desk.close();
      }
    });

    it("keep API responses out of shared caches", async () => {
      const res = await agent.get("/api/me");
      expect(String(res.headers["cache-control"] ?? "")).toMatch(/no-store|private/);
    });
  });

  describe("no state change on GET", () => {
    it("does not sign out on GET /api/auth/logout", async () => {
      const browser = await desk.login(agent.user!.email);
      const res = await browser.get("/api/auth/logout");
      expect([404, 405]).toContain(res.status);
      expect((await browser.get("/api/me")).status).toBe(200);
    });

    it("does not sign in on GET /api/auth/login with the credentials in the URL", async () => {
      const res = await desk.anonymous().get(`/api/auth/login?email=${encodeURIComponent(agent.user!.email)}&password=correct+horse+battery+staple`);
      // Anonymous callers get 401 for any /api path that is not public, route or not.
      expect([401, 404, 405]).toContain(res.status);
      expect(res.headers["set-cookie"]).toBeUndefined();
    });

    it("does not consume the setup link on GET /setup", async () => {
      const fresh = await deskAwaitingSetup(dialect);
      try {
        for (let i = 0; i < 2; i++) {
          const res = await fresh.desk.anonymous().get(fresh.link);
          expect(res.status).toBe(200);
          expect(res.headers["set-cookie"]).toBeUndefined();
        }
        const used = await fresh.desk.anonymous().post("/api/setup", { token: fresh.token, email: "root@example.test", name: "Root", password: "a fine passphrase" });
        expect(used.status).toBe(201);
      } finally {
        await fresh.desk.close();
      }
    });
  });

  describe("roles", () => {
    it("refuses staff and admin endpoints to a requester with 403", async () => {
      const matrix = (await admin.get("/api/settings/priority-matrix")).body;
      expect((await requester.get("/api/users")).status).toBe(403);
      expect((await requester.get("/api/teams")).status).toBe(403);
      expect((await requester.get("/api/organizations")).status).toBe(403);
      const team = await requester.post("/api/teams", { name: "Requester Team" });
      expect(team.status).toBe(403);
      expect(team.body.error.code).toBe("forbidden");
      expect((await requester.put("/api/settings/priority-matrix", matrix)).status).toBe(403);
      expect((await requester.post("/api/categories", { name: "Requester Category" })).status).toBe(403);
      expect((await requester.post("/api/users", { email: "made.by.requester@example.test", name: "Nope" })).status).toBe(403);

      expect((await admin.get("/api/teams")).body.map((t: any) => t.name)).not.toContain("Requester Team");
      expect((await admin.get("/api/categories")).body.map((c: any) => c.name)).not.toContain("Requester Category");
      expect((await admin.get("/api/users?q=made.by.requester")).body.items).toEqual([]);
    });

    it("refuses admin endpoints to an agent with 403", async () => {
      const matrix = (await admin.get("/api/settings/priority-matrix")).body;
      expect((await agent.post("/api/teams", { name: "Agent Team" })).status).toBe(403);
      expect((await agent.put("/api/settings/priority-matrix", matrix)).status).toBe(403);
      expect((await agent.post("/api/organizations", { name: "Agent Org" })).status).toBe(403);
      expect((await admin.get("/api/teams")).body.map((t: any) => t.name)).not.toContain("Agent Team");
    });

    it("does not let an agent create an admin, a fellow agent, or a user with a password", async () => {
      const asAdmin = await agent.post("/api/users", { email: "agent.made.admin@example.test", name: "Sneaky", role: "admin" });
      expect(asAdmin.status).toBe(403);
      const asAgent = await agent.post("/api/users", { email: "agent.made.agent@example.test", name: "Sneaky", role: "agent" });
      expect(asAgent.status).toBe(403);
      const withPassword = await agent.post("/api/users", { email: "agent.made.pw@example.test", name: "Sneaky", role: "requester", password: "a passphrase of mine" });
      expect(withPassword.status).toBe(403);
      expect((await admin.get("/api/users?q=agent.made")).body.items).toEqual([]);

      // What an agent may do: add a requester without a password, for a phone call.
      const ok = await agent.post("/api/users", { email: "caller@example.test", name: "Caller" });
      expect(ok.status).toBe(201);
      expect(ok.body.role).toBe("requester");
    });

    it("does not let an agent set someone's password, role or status", async () => {
      const target = await desk.user("requester");
      expect((await agent.patch(`/api/users/${target.user!.id}`, { password: "taken over by agent" })).status).toBe(403);
      expect((await agent.patch(`/api/users/${target.user!.id}`, { role: "admin" })).status).toBe(403);
      expect((await agent.patch(`/api/users/${target.user!.id}`, { active: false })).status).toBe(403);
      expect((await desk.anonymous().post("/api/auth/login", { email: target.user!.email, password: "taken over by agent" })).status).toBe(401);
      expect((await target.get("/api/me")).status).toBe(200);
    });

    it("does not let anyone but an admin raise their own role", async () => {
      const r = await requester.patch(`/api/users/${requester.user!.id}`, { role: "admin" });
      expect(r.status).toBe(403);
      const a = await agent.patch(`/api/users/${agent.user!.id}`, { role: "admin" });
      expect(a.status).toBe(403);
      expect((await requester.get("/api/me")).body.role).toBe("requester");
      expect((await agent.get("/api/me")).body.role).toBe("agent");
    });

    it("hides other people's profiles from a requester with 404", async () => {
      const res = await requester.get(`/api/users/${agent.user!.id}`);
      expect(res.status).toBe(404);
      expect((await requester.get(`/api/users/${requester.user!.id}`)).status).toBe(200);
      expect((await requester.patch(`/api/users/${agent.user!.id}`, { name: "Renamed" })).status).toBe(404);
    });
  });

  describe("no mass assignment", () => {
    it.each([
      ["assignee_id", () => ({ assignee_id: agent.user!.id })],
      ["team_id", () => ({ team_id: teamId })],
      ["priority", () => ({ priority: "P1" })],
      ["requester_id", () => ({ requester_id: agent.user!.id })],
      ["requester", () => ({ requester: { email: "someone.else@example.test" } })],
      ["channel", () => ({ channel: "phone" })],
    ])("refuses a requester's ticket that sets %s, and creates nothing", async (field, extra) => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", { subject: `Mass assignment via ${field}`, ...extra() });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
      expect(res.body.error.message).toContain(field);
      expect(await ticketCount()).toBe(before);
    });

    it("refuses a requester's change of priority, team or assignee on their own ticket", async () => {
      const t = (await requester.post("/api/tickets", { subject: "My printer is jammed" })).body;
      expect(t.priority).toBeDefined();
      for (const change of [{ priority: "P1" }, { team_id: teamId }, { assignee_id: agent.user!.id }, { requester_id: agent.user!.id }, { subject: "Renamed" }]) {
        const res = await requester.patch(`/api/tickets/${t.id}`, { version: t.version, ...change });
        expect(res.status).toBe(403);
      }
      const now = (await admin.get(`/api/tickets/${t.id}`)).body;
      expect(now.priority).toBe(t.priority);
      expect(now.team).toEqual(t.team);
      expect(now.assignee).toBeNull();
      expect(now.version).toBe(t.version);
    });

    it("ignores no field silently: unknown fields in a write are refused", async () => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", { subject: "With extras", is_admin: true });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("is_admin");
      expect(await ticketCount()).toBe(before);
      const user = await admin.patch(`/api/users/${requester.user!.id}`, { password_hash: "scrypt$1$1$1$x$y" });
      expect(user.status).toBe(400);
    });
  });
});
