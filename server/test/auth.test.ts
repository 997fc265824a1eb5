import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createDesk, dialects, PASSWORD, type TestDesk } from "./harness.ts";
import { prepareFirstAdmin } from "../src/auth/service.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A client that presents only the given session cookie (what a browser, or a thief, would send). */
function withCookie(desk: TestDesk, cookie: string | undefined): Client {
  const c = new Client(desk.app);
  c.cookie = cookie;
  return c;
}

function setCookieOf(res: { headers: Record<string, unknown> }): string {
  const h = res.headers["set-cookie"];
  return ([] as string[]).concat((h as string | string[]) ?? []).find((c) => /^(__Host-)?tessera_session=/.test(c)) ?? "";
}

describe.each(dialects)("signing in and out on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  it("sets an httpOnly, SameSite session cookie and answers /api/me with it", async () => {
    const agent = await desk.user("agent", { email: "ana.agent@example.test" });
    const res = await desk.anonymous().post("/api/auth/login", { email: "Ana.Agent@Example.test", password: PASSWORD });
    expect(res.status).toBe(200);
    const cookie = setCookieOf(res);
    expect(cookie).toMatch(/^tessera_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(res.body.email).toBe("ana.agent@example.test");
    expect(res.body.csrf_token).toEqual(expect.any(String));

    const me = await withCookie(desk, cookie.split(";")[0]).get("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(agent.user!.id);
    expect(me.body.role).toBe("agent");
  });

  it("marks the cookie Secure when TESSERA_COOKIE_SECURE is set, for installs behind HTTPS", async () => {
    const secureDesk = await createDesk(dialect, { TESSERA_COOKIE_SECURE: "true" });
    try {
      const user = await secureDesk.user("requester");
      const res = await secureDesk.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD });
      expect(setCookieOf(res)).toMatch(/;\s*Secure/i);
    } finally {
      await secureDesk.close();
    }
    const plain = await desk.anonymous().post("/api/auth/login", { email: admin.user!.email, password: PASSWORD });
    expect(setCookieOf(plain)).not.toMatch(/;\s*Secure/i);
  });

  it("refuses /api/me without a session or token", async () => {
    const res = await desk.anonymous().get("/api/me");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });

  it("really ends the session on logout: the old cookie is refused afterwards", async () => {
    const user = await desk.user("requester");
    const c = await desk.login(user.user!.email);
    const cookie = c.cookie;
    expect((await c.get("/api/me")).status).toBe(200);

    const out = await c.post("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(c.cookie).toBeUndefined(); // the browser was told to drop it

    const replay = await withCookie(desk, cookie).get("/api/me");
    expect(replay.status).toBe(401);
  });

  it("gives a new session id at every sign-in, and the one from before stops working", async () => {
    const user = await desk.user("agent");
    const c = await desk.login(user.user!.email);
    const before = c.cookie;
    const again = await c.post("/api/auth/login", { email: user.user!.email, password: PASSWORD });
    expect(again.status).toBe(200);
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(before);
    expect((await withCookie(desk, c.cookie).get("/api/me")).status).toBe(200);
    expect((await withCookie(desk, before).get("/api/me")).status).toBe(401);
  });

  it("never promotes a session id planted before sign-in to the person who signs in", async () => {
    const attacker = await desk.user("requester");
    const victim = await desk.user("agent");
    const planted = (await desk.login(attacker.user!.email)).cookie;

    // The victim's browser carries the attacker's cookie (no CSRF header: the page never saw its token).
    const browser = withCookie(desk, planted);
    const res = await browser.post("/api/auth/login", { email: victim.user!.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(browser.cookie).not.toBe(planted);
    expect((await withCookie(desk, browser.cookie).get("/api/me")).body.id).toBe(victim.user!.id);
    const plantedNow = await withCookie(desk, planted).get("/api/me");
    expect(plantedNow.body?.id).not.toBe(victim.user!.id);
  });

  it("answers a wrong password, an unknown email and a disabled account exactly alike", async () => {
    const known = await desk.user("requester");
    const gone = await desk.user("requester");
    expect((await admin.patch(`/api/users/${gone.user!.id}`, { active: false })).status).toBe(200);

    const wrong = await desk.anonymous().post("/api/auth/login", { email: known.user!.email, password: "not the password" });
    const unknown = await desk.anonymous().post("/api/auth/login", { email: "nobody@example.test", password: "not the password" });
    const disabled = await desk.anonymous().post("/api/auth/login", { email: gone.user!.email, password: PASSWORD });
    expect(wrong.status).toBe(401);
    for (const r of [unknown, disabled]) {
      expect(r.status).toBe(wrong.status);
      expect(r.body).toEqual(wrong.body);
    }
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(setCookieOf(wrong)).toBe("");
  });

  it("ends a session left idle longer than the idle timeout, while use keeps it alive", async () => {
    const idleMs = desk.ctx.config.session.idleMs;
    const user = await desk.user("agent");
    const busy = await desk.login(user.user!.email);
    const idle = await desk.login(user.user!.email);

    desk.clock.advance(idleMs - 10 * MINUTE);
    expect((await busy.get("/api/me")).status).toBe(200);
    desk.clock.advance(20 * MINUTE); // idle is now past its timeout; busy was seen 20 minutes ago
    expect((await idle.get("/api/me")).status).toBe(401);
    expect((await busy.get("/api/me")).status).toBe(200);
  });

  it("ends every session at the absolute timeout, however busy", async () => {
    const maxMs = desk.ctx.config.session.maxMs;
    const user = await desk.user("agent");
    const c = await desk.login(user.user!.email);
    const step = Math.min(desk.ctx.config.session.idleMs / 2, maxMs / 4);
    let elapsed = 0;
    while (elapsed + step < maxMs) {
      desk.clock.advance(step);
      elapsed += step;
      expect((await c.get("/api/me")).status).toBe(200);
    }
    desk.clock.advance(maxMs - elapsed);
    expect((await c.get("/api/me")).status).toBe(401);
  });

  describe("CSRF protection of cookie sessions", () => {
    it("refuses an unsafe cookie request without the X-CSRF-Token header, and changes nothing", async () => {
      const target = await desk.user("requester", { name: "Before Csrf" });
      const cookieAdminUser = await desk.user("admin");
      const browser = await desk.login(cookieAdminUser.user!.email);
      const bare = withCookie(desk, browser.cookie); // knows the cookie, not the token

      const patched = await bare.patch(`/api/users/${target.user!.id}`, { name: "Changed By Csrf" });
      expect(patched.status).toBe(403);
      expect(patched.body.error.code).toBe("csrf_failed");
      const created = await bare.post("/api/teams", { name: "Csrf Team" });
      expect(created.status).toBe(403);
      expect(created.body.error.code).toBe("csrf_failed");

      expect((await admin.get(`/api/users/${target.user!.id}`)).body.name).toBe("Before Csrf");
      expect((await admin.get("/api/teams")).body.map((t: any) => t.name)).not.toContain("Csrf Team");
    });

    it("refuses a wrong X-CSRF-Token, and accepts the right one", async () => {
      const target = await desk.user("requester", { name: "Before Wrong Token" });
      const adminUser = await desk.user("admin");
      const browser = await desk.login(adminUser.user!.email);
      const other = await desk.login(adminUser.user!.email); // another session's token is wrong for this one

      const wrong = await browser.patch(`/api/users/${target.user!.id}`, { name: "Wrong" }, { "x-csrf-token": other.csrf! });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe("csrf_failed");
      const garbage = await browser.patch(`/api/users/${target.user!.id}`, { name: "Wrong" }, { "x-csrf-token": "x" });
      expect(garbage.status).toBe(403);
      expect((await admin.get(`/api/users/${target.user!.id}`)).body.name).toBe("Before Wrong Token");

      const right = await browser.patch(`/api/users/${target.user!.id}`, { name: "After Right Token" });
      expect(right.status).toBe(200);
      expect(right.body.name).toBe("After Right Token");
    });

    it("refuses logout without the token, so a cross-site request cannot sign anyone out", async () => {
      const user = await desk.user("requester");
      const browser = await desk.login(user.user!.email);
      const res = await withCookie(desk, browser.cookie).post("/api/auth/logout");
      expect(res.status).toBe(403);
      expect((await browser.get("/api/me")).status).toBe(200);
    });

    it("needs no CSRF header for API-token requests", async () => {
      const res = await admin.post("/api/teams", { name: "Token Team" });
      expect(res.status).toBe(201);
      expect((await admin.get("/api/teams")).body.map((t: any) => t.name)).toContain("Token Team");
    });

    it("does not accept a sign-in posted as a cross-site HTML form", async () => {
      const user = await desk.user("requester");
      const form = `email=${encodeURIComponent(user.user!.email)}&password=${encodeURIComponent(PASSWORD)}`;
      const res = await desk.anonymous().post("/api/auth/login", form, { "content-type": "application/x-www-form-urlencoded" });
      expect(res.status).toBe(415);
      expect(setCookieOf(res)).toBe("");
      const multipart = `--b\r\ncontent-disposition: form-data; name="email"\r\n\r\n${user.user!.email}\r\n--b\r\ncontent-disposition: form-data; name="password"\r\n\r\n${PASSWORD}\r\n--b--\r\n`;
      const res2 = await desk.anonymous().post("/api/auth/login", multipart, { "content-type": "multipart/form-data; boundary=b" });
      expect(res2.status).toBeGreaterThanOrEqual(400);
      expect(setCookieOf(res2)).toBe("");
      const text = await desk.anonymous().post("/api/auth/login", JSON.stringify({ email: user.user!.email, password: PASSWORD }), { "content-type": "text/plain" });
      expect(text.status).toBeGreaterThanOrEqual(400);
      expect(setCookieOf(text)).toBe("");
    });
  });
});

describe.each(dialects)("sign-in throttling on %s", (dialect) => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await createDesk(dialect);
  });
  afterAll(() => desk.close());

  it("slows down repeated failures with a 429 that says when to retry, and recovers without a lockout", async () => {
    const user = await desk.user("agent");
    const email = user.user!.email;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await desk.anonymous().post("/api/auth/login", { email, password: `guess-${i}-wrong` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);

    // While throttled even the right password is not tried.
    const throttled = await desk.anonymous().post("/api/auth/login", { email, password: PASSWORD });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe("too_many_requests");
    expect(throttled.body.error.message).toMatch(/try again in \d+ seconds/i);
    const wait = Number(throttled.headers["retry-after"]);
    expect(wait).toBeGreaterThan(0);

    desk.clock.advance(wait * 1000 + 1000);
    const ok = await desk.anonymous().post("/api/auth/login", { email, password: PASSWORD });
    expect(ok.status).toBe(200);
  });

  it("also throttles one address spraying guesses across many accounts, after more tries than one account gets", async () => {
    desk.clock.advance(2 * HOUR); // forget the previous test's failures
    const statuses: number[] = [];
    // An address shares its allowance among everyone behind it (an office NAT): 30 free failures.
    for (let i = 0; i < 32; i++) {
      statuses.push((await desk.anonymous().post("/api/auth/login", { email: `spray${i}@example.test`, password: "Summer2026!" })).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    desk.clock.advance(2 * HOUR);
    const user = await desk.user("requester");
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD })).status).toBe(200);
  }, 120_000); // 32 real password checks: slow on a busy machine
});

describe.each(dialects)("API tokens and disabling people on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;
  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  it("shows a new token once, lists it without the token or its hash, and refuses it once revoked", async () => {
    const agent = await desk.user("agent");
    const created = await agent.post("/api/tokens", { name: "CI script" });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token.length).toBeGreaterThanOrEqual(32);

    const script = new Client(desk.app, { token });
    expect((await script.get("/api/me")).body.id).toBe(agent.user!.id);

    const list = await agent.get("/api/tokens");
    expect(list.status).toBe(200);
    expect(list.body.map((t: any) => t.name)).toContain("CI script");
    expect(list.text).not.toContain(token);
    expect(list.text).not.toMatch(/token_hash|"token"/);

    const revoked = await agent.delete(`/api/tokens/${created.body.id}`);
    expect(revoked.status).toBe(204);
    const after = await script.get("/api/me");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthenticated");
    expect((await agent.get("/api/tokens")).body.find((t: any) => t.id === created.body.id).revoked_at).not.toBeNull();
  });

  it("does not let one person see, create or revoke another's tokens", async () => {
    const owner = await desk.user("agent");
    const other = await desk.user("agent");
    const t = (await owner.post("/api/tokens", { name: "mine" })).body;
    expect((await other.get(`/api/tokens?user_id=${owner.user!.id}`)).status).toBe(403);
    expect((await other.post("/api/tokens", { name: "theirs", user_id: owner.user!.id })).status).toBe(403);
    expect((await other.delete(`/api/tokens/${t.id}`)).status).toBe(404);
    expect((await new Client(desk.app, { token: t.token }).get("/api/me")).status).toBe(200);
  });

  it("ends a person's sessions and API tokens at once when an admin disables them", async () => {
    const agent = await desk.user("agent");
    const browser = await desk.login(agent.user!.email);
    const extra = (await agent.post("/api/tokens", { name: "laptop" })).body.token;
    expect((await browser.get("/api/me")).status).toBe(200);

    const disabled = await admin.patch(`/api/users/${agent.user!.id}`, { active: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);

    expect((await browser.get("/api/me")).status).toBe(401);
    expect((await agent.get("/api/me")).status).toBe(401);
    expect((await new Client(desk.app, { token: extra }).get("/api/me")).status).toBe(401);

    // Enabling again lets them sign in afresh; the old tokens stay dead.
    expect((await admin.patch(`/api/users/${agent.user!.id}`, { active: true })).status).toBe(200);
    expect((await agent.get("/api/me")).status).toBe(401);
    expect((await (await desk.login(agent.user!.email)).get("/api/me")).status).toBe(200);
  });

  it("does not let an admin disable their own account", async () => {
    const res = await admin.patch(`/api/users/${admin.user!.id}`, { active: false });
    expect(res.status).toBe(403);
    expect((await admin.get("/api/me")).status).toBe(200);
  });
});

describe.each(dialects)("passwords on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;
  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  let n = 0;
  const addUser = (password: string) => admin.post("/api/users", { email: `pw${++n}@example.test`, name: `Pw ${n}`, role: "agent", password });

  it("refuses a password under 8 characters, naming the field", async () => {
    const res = await addUser("short7!");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(/password/);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/password/) })]));
  });

  it("accepts a 64-character passphrase of any characters, and its owner can sign in with it", async () => {
    const password = "ünïcødé & spaces — a long passphrase that has no rules at all!!".padEnd(64, "x");
    expect(password.length).toBe(64);
    const res = await addUser(password);
    expect(res.status).toBe(201);
    expect((await desk.anonymous().post("/api/auth/login", { email: res.body.email, password })).status).toBe(200);
  });

  it("refuses a password over 128 characters", async () => {
    const res = await addUser("a-long-but-not-common-one ".repeat(5).padEnd(129, "z"));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/password/);
    expect(res.body.error.message).toMatch(/128/);
  });

  it.each(["password123", "qwertyuiop", "Password123"])("refuses the common password %s with a message naming the field", async (pw) => {
    const userCount = async () =>
      Number(
        (
          await desk.ctx.db
            .selectFrom("users")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await userCount();
    const res = await addUser(pw);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(/^password: .*common/);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "password" })]);
    expect(await userCount()).toBe(before);
  });

  it("lets an admin set a person's password, after which they sign in with it and not the old one", async () => {
    const user = await desk.user("requester");
    const oldSession = await desk.login(user.user!.email);
    const res = await admin.patch(`/api/users/${user.user!.id}`, { password: "a brand new passphrase" });
    expect(res.status).toBe(200);
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: "a brand new passphrase" })).status).toBe(200);
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD })).status).toBe(401);
    // A password reset by an admin ends the sessions that used the old one.
    expect((await oldSession.get("/api/me")).status).toBe(401);
  });

  it("asks for the current password when people change their own, so a stolen session cannot take the account", async () => {
    const user = await desk.user("agent");
    const browser = await desk.login(user.user!.email);
    const other = await desk.login(user.user!.email);

    const without = await browser.patch(`/api/users/${user.user!.id}`, { password: "stolen session passphrase" });
    expect(without.status).toBe(400);
    expect(without.body.error.message).toMatch(/current_password/);
    const wrong = await browser.patch(`/api/users/${user.user!.id}`, { password: "stolen session passphrase", current_password: "a guess" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/current_password/);
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: "stolen session passphrase" })).status).toBe(401);

    const ok = await browser.patch(`/api/users/${user.user!.id}`, { password: "my own new passphrase", current_password: PASSWORD });
    expect(ok.status).toBe(200);
    expect((await browser.get("/api/me")).status).toBe(200); // this session stays
    expect((await other.get("/api/me")).status).toBe(401); // the others end
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: "my own new passphrase" })).status).toBe(200);
    desk.clock.advance(2 * HOUR); // let the sign-in throttle forget the failures above
  });

  it("throttles guesses of the current password like sign-ins", async () => {
    const user = await desk.user("agent");
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await user.patch(`/api/users/${user.user!.id}`, { password: "my own new passphrase", current_password: `guess ${i}` })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.at(-1)).toBe(429);
    desk.clock.advance(2 * HOUR);
    expect((await user.patch(`/api/users/${user.user!.id}`, { password: "my own new passphrase", current_password: PASSWORD })).status).toBe(200);
  });

  it("refuses a common password set through an admin change too", async () => {
    const user = await desk.user("requester");
    const res = await admin.patch(`/api/users/${user.user!.id}`, { password: "qwertyuiop" });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^password: /);
    expect((await desk.anonymous().post("/api/auth/login", { email: user.user!.email, password: PASSWORD })).status).toBe(200);
  });
});

describe.each(dialects)("the first admin on %s", (dialect) => {
  it("is created through a one-time setup link when no admin exists", async () => {
    const desk = await createDesk(dialect);
    try {
      const prepared = await prepareFirstAdmin(desk.ctx);
      expect(prepared?.setupUrl).toMatch(/\/setup\?token=[A-Za-z0-9_-]{20,}$/);
      const token = new URL(prepared!.setupUrl!).searchParams.get("token")!;

      const wrong = await desk.anonymous().post("/api/setup", { token: token.slice(0, -2) + "xx", email: "mallory@example.test", name: "Mallory", password: "a fine passphrase" });
      expect(wrong.status).toBe(403);

      // A refused password does not use the link up.
      const weak = await desk.anonymous().post("/api/setup", { token, email: "root@example.test", name: "Root", password: "password123" });
      expect(weak.status).toBe(400);
      expect(weak.body.error.message).toMatch(/password/);

      const browser = new Client(desk.app);
      const ok = await browser.post("/api/setup", { token, email: "root@example.test", name: "Root", password: "a fine passphrase" });
      expect(ok.status).toBe(201);
      expect(ok.body.role).toBe("admin");
      expect((await browser.get("/api/me")).body.email).toBe("root@example.test");

      const again = await desk.anonymous().post("/api/setup", { token, email: "second@example.test", name: "Second", password: "another fine passphrase" });
      expect(again.status).toBe(403);
      expect((await desk.anonymous().post("/api/auth/login", { email: "second@example.test", password: "another fine passphrase" })).status).toBe(401);
      expect((await desk.anonymous().post("/api/auth/login", { email: "root@example.test", password: "a fine passphrase" })).status).toBe(200);

      // With an admin in place there is nothing to prepare.
      expect(await prepareFirstAdmin(desk.ctx)).toBeUndefined();
    } finally {
      await desk.close();
    }
  });

  it("can also be created through the plain HTML setup page, which posts a form", async () => {
    const desk = await createDesk(dialect);
    try {
      const url = (await prepareFirstAdmin(desk.ctx))!.setupUrl!;
      const token = new URL(url).searchParams.get("token")!;
      const page = await desk.anonymous().get(`/setup?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="password"');
      const browser = new Client(desk.app);
      const form = new URLSearchParams({ token, name: "Form Admin", email: "form@example.test", password: "a fine passphrase" }).toString();
      const res = await browser.post("/setup", form, { "content-type": "application/x-www-form-urlencoded" });
      expect(res.status).toBe(303);
      // The new admin lands in the agent workspace, where the desk is set up, not the requester portal.
      expect(res.headers.location).toBe("/agent?welcome");
      expect((await browser.get("/api/me")).body.email).toBe("form@example.test");
      const again = await desk.anonymous().post("/setup", form, { "content-type": "application/x-www-form-urlencoded" });
      expect(again.status).toBe(403);
    } finally {
      await desk.close();
    }
  });

  it("says at once that a used setup link was used, offers the sign-in page, and shows no form", async () => {
    const desk = await createDesk(dialect);
    try {
      const token = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!).searchParams.get("token")!;
      const form = (email: string) => new URLSearchParams({ token, name: "Form Admin", email, password: "a fine passphrase" }).toString();
      const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
      expect((await new Client(desk.app).post("/setup", form("form@example.test"), urlencoded)).status).toBe(303);

      for (const link of [`/setup?token=${token}`, "/setup?token=some-other-link", "/setup"]) {
        const page = await desk.anonymous().get(link);
        expect(page.status).toBe(403);
        expect(page.text).toContain("already been used: an administrator exists");
        expect(page.text).toContain('href="/sign-in"');
        expect(page.text).not.toContain("<form");
      }

      // Posting the form from a tab left open changes nothing and answers with the same words.
      const late = await desk.anonymous().post("/setup", form("late@example.test"), urlencoded);
      expect(late.status).toBe(403);
      expect(late.text).toContain("already been used: an administrator exists");
      expect(late.text).toContain('href="/sign-in"');
      expect(late.text).not.toContain("<form");
      expect(late.headers["set-cookie"]).toBeUndefined();
      expect((await desk.anonymous().post("/api/auth/login", { email: "late@example.test", password: "a fine passphrase" })).status).toBe(401);
      const admins = await desk.ctx.db.selectFrom("users").select("email").where("role", "=", "admin").execute();
      expect(admins.map((a) => a.email)).toEqual(["form@example.test"]);
      const api = await desk.anonymous().post("/api/setup", { token, email: "late@example.test", name: "Late", password: "a fine passphrase" });
      expect(api.status).toBe(403);
      expect(api.body.error.message).toMatch(/already been used: an administrator exists/);
    } finally {
      await desk.close();
    }
  });

  it("says how to get a new link when an unknown or expired link is opened before any admin exists", async () => {
    const desk = await createDesk(dialect);
    try {
      const token = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!).searchParams.get("token")!;
      const unknown = await desk.anonymous().get("/setup?token=not-the-link");
      desk.clock.advance(24 * HOUR + MINUTE);
      const expired = await desk.anonymous().get(`/setup?token=${token}`);
      for (const page of [unknown, expired]) {
        expect(page.status).toBe(403);
        expect(page.text).toContain("Restart Tessera to print a new one");
        expect(page.text).toContain("npx tessera user add --role admin");
        expect(page.text).not.toContain("<form");
        expect(page.text).not.toContain('href="/sign-in"');
      }
    } finally {
      await desk.close();
    }
  });

  it("refuses a setup link older than 24 hours", async () => {
    const desk = await createDesk(dialect);
    try {
      const token = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!).searchParams.get("token")!;
      desk.clock.advance(24 * HOUR + MINUTE);
      const res = await desk.anonymous().post("/api/setup", { token, email: "late@example.test", name: "Late", password: "a fine passphrase" });
      expect(res.status).toBe(403);
    } finally {
      await desk.close();
    }
  });

  it("is created from TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD when they are set", async () => {
    const desk = await createDesk(dialect, { TESSERA_ADMIN_EMAIL: "Boss@Example.test", TESSERA_ADMIN_PASSWORD: "the boss's own passphrase" });
    try {
      const prepared = await prepareFirstAdmin(desk.ctx);
      expect(prepared).toEqual({ created: "boss@example.test" });
      const res = await desk.anonymous().post("/api/auth/login", { email: "boss@example.test", password: "the boss's own passphrase" });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe("admin");
      // No setup link is left open beside it.
      const setup = await desk.anonymous().post("/api/setup", { token: "anything", email: "x@example.test", name: "X", password: "a fine passphrase" });
      expect(setup.status).toBe(403);
    } finally {
      await desk.close();
    }
  });

  it("refuses a common TESSERA_ADMIN_PASSWORD, naming the variable", async () => {
    const desk = await createDesk(dialect, { TESSERA_ADMIN_EMAIL: "boss@example.test", TESSERA_ADMIN_PASSWORD: "password123" });
    try {
      await expect(prepareFirstAdmin(desk.ctx)).rejects.toThrow(/TESSERA_ADMIN_PASSWORD/);
      expect((await desk.anonymous().post("/api/auth/login", { email: "boss@example.test", password: "password123" })).status).toBe(401);
    } finally {
      await desk.close();
    }
  });
});
