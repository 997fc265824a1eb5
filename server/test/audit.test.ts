import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandFor, runTessera } from "./support/command.ts";
import { createDesk, dialects, makeTeam, PASSWORD, type Client, type TestDesk } from "./harness.ts";
import { prepareFirstAdmin } from "../src/auth/service.ts";
import { createHash } from "node:crypto";
import { sql } from "kysely";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HOUR = 3_600_000;

/** A caller as a browser or script somewhere on the network: its own address and User-Agent. */
interface Origin {
  ip: string;
  ua: string;
  token?: string;
  cookie?: string;
  csrf?: string;
}

async function call(desk: TestDesk, from: Origin, method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { "user-agent": from.ua, ...extra };
  if (from.token) headers.authorization = `Bearer ${from.token}`;
  if (from.cookie) headers.cookie = from.cookie;
  if (from.csrf && method !== "GET") headers["x-csrf-token"] = from.csrf;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await desk.app.inject({ method: method as "GET", url, headers, remoteAddress: from.ip, payload: body === undefined ? undefined : JSON.stringify(body) });
  const text = res.body;
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, body: json, text, cookies: ([] as string[]).concat(res.headers["set-cookie"] ?? []) };
}

/** Signs in as a browser does from `ip`, and returns the browser's origin with its session. */
async function signIn(desk: TestDesk, email: string, ip: string, ua = FIREFOX): Promise<Origin> {
  const res = await call(desk, { ip, ua }, "POST", "/api/auth/login", { email, password: PASSWORD });
  expect(res.status).toBe(200);
  const cookie = res.cookies.map((c) => c.split(";")[0]).find((c) => /=./.test(c))!;
  return { ip, ua, cookie, csrf: res.body.csrf_token };
}

describe.each(dialects)("the audit trail on %s", (dialect) => {
  let desk: TestDesk;
  let dana: Origin; // the first admin, signed in from a browser
  let danaId: number;
  let agent: Client;
  let admin: Client;
  const office = { ip: "198.51.100.7", ua: FIREFOX };

  /** Every entry, newest first, as an admin reads them through the API. */
  const audit = async (query = "") => {
    const res = await call(desk, dana, "GET", `/api/audit?limit=200${query ? `&${query}` : ""}`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const latest = async (action: string) => (await audit(`action=${action}`))[0];

  beforeAll(async () => {
    desk = await createDesk(dialect);
    // The desk's first admin comes from the setup link, as on a new install.
    const prepared = await prepareFirstAdmin(desk.ctx);
    const token = new URL(prepared!.setupUrl!).searchParams.get("token")!;
    const setup = await call(desk, office, "POST", "/api/setup", { token, email: "dana@example.test", name: "Dana Admin", password: PASSWORD });
    expect(setup.status).toBe(201);
    danaId = setup.body.id;
    dana = await signIn(desk, "dana@example.test", office.ip);
    admin = await desk.user("admin");
    agent = await desk.user("agent", { email: "sam@example.test", name: "Sam Agent" });
  });
  afterAll(() => desk.close());

  it("records the use of the setup link and sign-ins with the client's address and browser", async () => {
    const setup = await latest("auth.setup_used");
    expect(setup).toMatchObject({ actor: { id: danaId, name: "Dana Admin" }, ip: office.ip, user_agent: FIREFOX, browser: "Firefox 133 on Linux" });
    const signedIn = await latest("auth.signed_in");
    expect(signedIn).toMatchObject({ actor: { id: danaId }, ip: office.ip, via: "web", sentence: "Dana Admin signed in" });
    // A setup link used again is refused, and the refusal is recorded with its address.
    const again = await call(desk, { ip: "203.0.113.66", ua: CHROME }, "POST", "/api/setup", { token: "stale", email: "mallory@example.test", name: "M", password: PASSWORD });
    expect(again.status).toBe(403);
    expect(await latest("auth.setup_refused")).toMatchObject({ actor: null, ip: "203.0.113.66", target: { label: "mallory@example.test" } });
  });

  it("records failed sign-ins on their own, with the reason only admins see", async () => {
    const stranger = { ip: "203.0.113.9", ua: CHROME };
    const wrong = await call(desk, stranger, "POST", "/api/auth/login", { email: "sam@example.test", password: "not the password" });
    const unknown = await call(desk, stranger, "POST", "/api/auth/login", { email: "nobody@example.test", password: "whatever1" });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const [u, w] = await audit("action=auth.sign_in_failed");
    expect(w).toMatchObject({
      actor: null,
      ip: stranger.ip,
      user_agent: CHROME,
      browser: "Chrome 131 on Windows",
      detail: { reason: "wrong_password" },
      sentence: "Failed sign-in for sam@example.test (wrong password)",
    });
    expect(u.sentence).toBe("Failed sign-in for nobody@example.test (no such account)");
    // Filtering by a person's email finds the attempts made with it, though nobody was signed in.
    const forSam = await audit("actor=sam@example.test&action=auth");
    expect(forSam.map((e) => e.id)).toEqual([w.id]);
  });

  it("takes the address from the connection, not from an X-Forwarded-For a direct client sends", async () => {
    await call(desk, { ip: "192.0.2.10", ua: CHROME }, "POST", "/api/auth/login", { email: "spoof@example.test", password: "x" }, { "x-forwarded-for": "10.9.9.9" });
    expect((await latest("auth.sign_in_failed")).ip).toBe("192.0.2.10");
  });

  it("records account creation, role changes, disabling, password changes and sign-out", async () => {
    const created = await call(desk, dana, "POST", "/api/users", { email: "lee@example.test", name: "Lee", role: "agent", password: PASSWORD });
    expect(created.status).toBe(201);
    const lee = created.body.id;
    await call(desk, dana, "PATCH", `/api/users/${lee}`, { role: "supervisor" });
    const leeBrowser = await signIn(desk, "lee@example.test", "192.0.2.44", CHROME);
    const own = await call(desk, leeBrowser, "PATCH", `/api/users/${lee}`, { password: "a brand new passphrase", current_password: PASSWORD });
    expect(own.status).toBe(200);
    expect((await call(desk, leeBrowser, "POST", "/api/auth/logout")).status).toBe(204);
    await call(desk, dana, "PATCH", `/api/users/${lee}`, { active: false });

    expect(await latest("user.created")).toMatchObject({
      actor: { id: danaId },
      ip: office.ip,
      user_agent: FIREFOX,
      target: { id: String(lee), label: "lee@example.test" },
      sentence: "Dana Admin created the account lee@example.test (agent)",
    });
    expect(await latest("user.role_changed")).toMatchObject({
      before: { role: "agent" },
      after: { role: "supervisor" },
      sentence: "Dana Admin changed the role of lee@example.test from agent to supervisor",
    });
    const password = await latest("user.password_changed");
    expect(password).toMatchObject({ actor: { id: lee }, ip: "192.0.2.44", browser: "Chrome 131 on Windows", sentence: "Lee changed their own password" });
    expect(JSON.stringify(password)).not.toContain("a brand new passphrase");
    expect(await latest("auth.signed_out")).toMatchObject({ actor: { id: lee }, ip: "192.0.2.44", user_agent: CHROME });
    expect(await latest("user.deactivated")).toMatchObject({ actor: { id: danaId }, sentence: "Dana Admin disabled the account lee@example.test" });
  });

  it("records team membership changes", async () => {
    const teamId = await makeTeam(admin, "Network");
    await call(desk, dana, "POST", `/api/teams/${teamId}/members`, { user_id: agent.user!.id });
    await call(desk, dana, "DELETE", `/api/teams/${teamId}/members/${agent.user!.id}`);
    expect(await latest("team.member_added")).toMatchObject({ ip: office.ip, sentence: "Dana Admin added sam@example.test to the team Network" });
    expect(await latest("team.member_removed")).toMatchObject({ ip: office.ip, sentence: "Dana Admin removed sam@example.test from the team Network" });
    expect((await latest("team.created")).via).toBe("api");
  });

  it("keeps a setting's value before and after, and never a secret", async () => {
    const saved = await call(desk, dana, "PUT", "/api/mail/settings", { auto_reply_per_hour: 4 });
    expect(saved.status).toBe(200);
    expect(await latest("setting.changed")).toMatchObject({
      target: { type: "setting", label: "Outgoing mail" },
      before: { auto_reply_per_hour: 10 },
      after: { auto_reply_per_hour: 4 },
      ip: office.ip,
      user_agent: FIREFOX,
      sentence: "Dana Admin changed the setting Outgoing mail: auto_reply_per_hour from 10 to 4",
    });

    const imap = { host: "imap.example.test", port: 993, tls: true, user: "help", folder: "INBOX", password: "s3cret-imap-pass" };
    const box = await call(desk, dana, "POST", "/api/mailboxes", { address: "help@desk.test", name: "Help", active: false, imap });
    expect(box.status).toBe(201);
    await call(desk, dana, "PATCH", `/api/mailboxes/${box.body.id}`, { name: "Helpdesk", imap: { ...imap, password: "an0ther-s3cret" } });
    // A flag that says a password is set is no secret; the password is.
    expect((await latest("mailbox.created")).after).toMatchObject({ imap: { host: "imap.example.test", has_password: true }, imap_password: "[redacted]" });
    const changed = await latest("mailbox.updated");
    expect(changed.before).toMatchObject({ name: "Help", imap_password: "[redacted]" });
    expect(changed.after).toMatchObject({ name: "Helpdesk", imap_password: "[redacted]" });
    const everything = JSON.stringify(await audit());
    expect(everything).not.toContain("s3cret-imap-pass");
    expect(everything).not.toContain("an0ther-s3cret");
    // What is written to the table itself holds no secret either, not even sealed.
    const rows = await desk.ctx.db.selectFrom("audit_events").select(["before", "after"]).where("action", "like", "mailbox.%").execute();
    const stored = await desk.ctx.db.selectFrom("mailboxes").select("imap_password").where("id", "=", box.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(rows)).not.toContain(stored.imap_password!);
  });

  it("records changes to the desk's configuration: categories, statuses, fields, SLA, alerts, templates, macros, views, mailboxes", async () => {
    const ok = (res: { status: number; text: string }) => expect(res.status, res.text).toBeLessThan(300);
    const cat = await call(desk, dana, "POST", "/api/categories", { name: "Hardware" });
    ok(cat);
    ok(await call(desk, dana, "PATCH", `/api/categories/${cat.body.id}`, { name: "Hardware & devices" }));
    ok(await call(desk, dana, "POST", "/api/statuses", { key: "with_vendor", label: "With vendor", requester_label: "Waiting on a supplier", category: "awaiting_third_party" }));
    const field = await call(desk, dana, "POST", "/api/custom-fields", { key: "asset_tag", label: "Asset tag", type: "text" });
    ok(field);
    ok(await call(desk, dana, "PATCH", `/api/custom-fields/${field.body.id}`, { required: true }));
    const matrix = (await call(desk, dana, "GET", "/api/settings/priority-matrix")).body.matrix;
    const flipped = matrix.high.low === "P2" ? "P3" : "P2";
    ok(await call(desk, dana, "PUT", "/api/settings/priority-matrix", { matrix: { ...matrix, high: { ...matrix.high, low: flipped } } }));
    ok(await call(desk, dana, "PUT", "/api/sla/settings", { auto_close_days: 3 }));
    const alerts = (await call(desk, dana, "GET", "/api/alerts/settings")).body;
    ok(await call(desk, dana, "PUT", "/api/alerts/settings", { ...alerts, resolve_on_resolved: !alerts.resolve_on_resolved }));
    const template = (await call(desk, dana, "GET", "/api/mail/templates/acknowledgement")).body;
    ok(await call(desk, dana, "PUT", "/api/mail/templates/acknowledgement", { subject: `Got it: ${template.subject}`, text: template.text, html: template.html }));
    const macro = await call(desk, dana, "POST", "/api/macros", { name: "Close as duplicate", actions: { priority: "P4" } });
    ok(macro);
    ok(await call(desk, dana, "DELETE", `/api/macros/${macro.body.id}`));
    ok(await call(desk, dana, "POST", "/api/views", { name: "Hardware queue" }));
    const box = await call(desk, dana, "POST", "/api/mailboxes", { address: "it@desk.test", name: "IT", active: false });
    ok(box);
    ok(await call(desk, dana, "DELETE", `/api/mailboxes/${box.body.id}`));

    const entries = await audit(`actor=${danaId}`);
    const byAction = new Map(entries.map((e) => [e.action, e]));
    for (const action of [
      "category.created",
      "category.updated",
      "status.created",
      "custom_field.created",
      "custom_field.updated",
      "mail_template.changed",
      "macro.created",
      "macro.deleted",
      "view.created",
      "mailbox.created",
      "mailbox.deleted",
    ]) {
      expect(byAction.get(action), action).toMatchObject({ actor: { id: danaId }, ip: office.ip, user_agent: FIREFOX });
    }
    expect(byAction.get("category.updated")).toMatchObject({
      before: { name: "Hardware" },
      after: { name: "Hardware & devices" },
      sentence: "Dana Admin changed the category Hardware & devices: name from “Hardware” to “Hardware & devices”; path from “Hardware” to “Hardware & devices”",
    });
    expect(byAction.get("custom_field.updated")).toMatchObject({ before: { required: false }, after: { required: true } });
    const settings = entries.filter((e) => e.action === "setting.changed").map((e) => e.target.label);
    expect(settings).toEqual(expect.arrayContaining(["Priority matrix", "SLA settings", "Monitoring alerts"]));
    const priority = entries.find((e) => e.target?.label === "Priority matrix");
    expect(priority.sentence).toBe(`Dana Admin changed the setting Priority matrix: high.low from “${matrix.high.low}” to “${flipped}”`);
    expect(entries.find((e) => e.target?.label === "SLA settings")).toMatchObject({ before: { auto_close_days: 7 }, after: { auto_close_days: 3 } });
  });

  it("records API tokens made, revoked, and used at most once an hour", async () => {
    const made = await call(desk, dana, "POST", "/api/tokens", { name: "CI deploys" });
    expect(made.status).toBe(201);
    const script = { ip: "203.0.113.200", ua: "curl/8.5.0", token: made.body.token };
    for (let i = 0; i < 3; i++) expect((await call(desk, script, "GET", "/api/me")).status).toBe(200);
    desk.clock.advance(2 * 60_000);
    await call(desk, script, "GET", "/api/me");
    const usesOf = async () => (await audit("action=token.used")).filter((e) => e.target.label === "CI deploys");
    let uses = await usesOf();
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ via: "api", ip: script.ip, browser: "curl 8", detail: { first_use: true }, sentence: "Dana Admin used the API token “CI deploys” for the first time" });
    desk.clock.advance(HOUR);
    await call(desk, script, "GET", "/api/me");
    uses = await usesOf();
    expect(uses).toHaveLength(2);
    expect(uses[0].detail).toEqual({ first_use: false });
    expect((await call(desk, dana, "DELETE", `/api/tokens/${made.body.id}`)).status).toBe(204);
    expect(await latest("token.created")).toMatchObject({ target: { label: "CI deploys" }, ip: office.ip });
    expect(await latest("token.revoked")).toMatchObject({ target: { label: "CI deploys" }, sentence: "Dana Admin revoked the API token “CI deploys”" });
  });

  it("records downloads of the original of failed mail", async () => {
    const raw = Buffer.from("To: help@desk.test\r\nSubject: No sender here\r\n\r\nHello\r\n");
    const sha256 = createHash("sha256").update(raw).digest("hex");
    const now = desk.clock.now().toISOString();
    await desk.ctx.db.insertInto("mail_raw").values({ sha256, bytes: raw, created_at: now }).execute();
    const { id } = await desk.ctx.db
      .insertInto("mail_failed")
      .values({
        mailbox_id: null,
        source: "pipe",
        raw_sha256: sha256,
        raw_size: raw.length,
        reason: "no_from",
        error: "no From",
        from_address: null,
        subject: "No sender here",
        attempts: 1,
        status: "open",
        resolved_by_id: null,
        resolved_at: null,
        ticket_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const download = await call(desk, dana, "GET", `/api/mail/failed/${id}/raw`);
    expect(download.status).toBe(200);
    expect(download.text).toContain("Subject: No sender here");
    expect(await latest("mail.failed_downloaded")).toMatchObject({ target: { id: String(id), label: "No sender here" }, ip: office.ip, user_agent: FIREFOX });
  });

  it("records accounts and tokens made with the tessera command, as the command's doing", async () => {
    const { main, env } = await commandFor(desk, dialect);
    const tessera = (...args: string[]) => runTessera(main, env, ...args);
    expect(await tessera("user", "add", "--email", "ops@example.test", "--name", "Ops Robot", "--role", "agent")).toMatchObject({ code: 0 });
    expect((await tessera("token", "create", "--user", "ops@example.test", "--name", "backup job")).code).toBe(0);
    expect(await latest("user.created")).toMatchObject({
      actor: null,
      via: "cli",
      ip: null,
      target: { label: "ops@example.test" },
      sentence: "The tessera command created the account ops@example.test (agent)",
    });
    expect(await latest("token.created")).toMatchObject({ actor: null, via: "cli", sentence: "The tessera command created the API token “backup job”" });
  }, 120_000); // two real processes, each loading the server

  it("is for admins only", async () => {
    expect((await agent.get("/api/audit")).status).toBe(403);
    expect((await desk.anonymous().get("/api/audit")).status).toBe(401);
    const bad = await call(desk, dana, "GET", "/api/audit?after=abc");
    expect(bad.status).toBe(400);
    const backwards = await call(desk, dana, "GET", "/api/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z");
    expect(backwards.status).toBe(400);
  });

  it("is documented in the OpenAPI document with its filters", async () => {
    const doc = (await desk.anonymous().get("/api/openapi.json")).body;
    const op = doc.paths["/api/audit"].get;
    expect(op.tags).toEqual(["audit"]);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["after", "limit", "actor", "action", "from", "to"]));
  });

  it("pages through the trail by cursor, newest first or oldest first, without gaps or repeats", async () => {
    const all = await audit();
    expect(all.length).toBeGreaterThan(10);
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const res = await call(desk, dana, "GET", `/api/audit?limit=3${after ? `&after=${after}` : ""}`);
      seen.push(...res.body.items.map((e: any) => e.id));
      after = res.body.next_cursor;
    } while (after);
    // Entries written while paging (token use, none here) would not shift the pages: ids are the cursor.
    expect(seen).toEqual(all.map((e) => e.id));
    const firstTwo = await call(desk, dana, "GET", "/api/audit?order=asc&limit=2");
    const next = await call(desk, dana, "GET", `/api/audit?order=asc&limit=2&after=${firstTwo.body.next_cursor}`);
    expect([...firstTwo.body.items, ...next.body.items].map((e: any) => e.id)).toEqual(
      all
        .map((e) => e.id)
        .reverse()
        .slice(0, 4),
    );
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses to change or delete an entry, at the database itself", async () => {
    const count = async () =>
      (
        await desk.ctx.db
          .selectFrom("audit_events")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    const before = Number(await count());
    await expect(desk.ctx.db.updateTable("audit_events").set({ action: "auth.signed_in", actor_name: "Someone else" }).execute()).rejects.toThrow(/append-only/);
    await expect(desk.ctx.db.deleteFrom("audit_events").execute()).rejects.toThrow(/append-only/);
    if (dialect === "postgres") await expect(sql`truncate audit_events`.execute(desk.ctx.db)).rejects.toThrow(/append-only/);
    expect(Number(await count())).toBe(before);
    expect((await latest("auth.setup_used")).actor.name).toBe("Dana Admin");
  });
});
