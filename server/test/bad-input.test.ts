import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createDesk, dialects, makeTeam, PASSWORD, type Client, type TestDesk } from "./harness.ts";
import { countRows } from "./support/rows.ts";

const json = { "content-type": "application/json" };

describe.each(dialects)("bad input on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_BODY_LIMIT_BYTES: "2048" });
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Service Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  // Read from the database itself: a list page would hide a ticket past its limit or one the caller may not see.
  const tickets = () => desk.ctx.db.selectFrom("tickets").select(["id", "subject"]).execute();
  const ticketCount = () => countRows(desk, "tickets");

  describe("malformed and oversized bodies", () => {
    it.each([
      ["a truncated object", '{"subject": "Broken'],
      ["a trailing comma", '{"subject": "x",}'],
      ["single quotes", "{'subject': 'x'}"],
      ["an empty body", ""],
    ])("answers %s with 400 malformed_json and creates nothing", async (_what, body) => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", body, json);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("malformed_json");
      expect(res.body.error.message).toMatch(/JSON/);
      expect(await ticketCount()).toBe(before);
    });

    it("refuses a JSON body that tries to set the prototype", async () => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", '{"subject": "Proto", "__proto__": {"assignee_id": 1}}', json);
      expect(res.status).toBe(400);
      expect(await ticketCount()).toBe(before);
      const ctor = await requester.post("/api/tickets", '{"subject": "Proto", "constructor": {"prototype": {"role": "admin"}}}', json);
      expect(ctor.status).toBe(400);
      expect(await ticketCount()).toBe(before);
    });

    it("answers a body over the configured limit with 413, and creates nothing", async () => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", { subject: "Huge", description: "x".repeat(4000) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
      expect(await ticketCount()).toBe(before);
      // Just under the limit is fine.
      const ok = await requester.post("/api/tickets", { subject: "Large but fine", description: "x".repeat(1500), format: "text" });
      expect(ok.status).toBe(201);
    });

    it("refuses an oversized sign-in before hashing it", async () => {
      const res = await desk.anonymous().post("/api/auth/login", { email: requester.user!.email, password: "p".repeat(1900) });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/password/);
    });

    it.each([
      ["text/xml", "<ticket><subject>x</subject></ticket>"],
      ["application/x-www-form-urlencoded", "subject=x"],
      ["text/plain", '{"subject": "x"}'],
      ["application/octet-stream", "subject"],
    ])("answers Content-Type %s on a JSON endpoint with 415", async (type, body) => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", body, { "content-type": type });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
      expect(await ticketCount()).toBe(before);
    });
  });

  describe("schema violations", () => {
    it.each([
      ["an empty subject", { subject: "   " }, "subject"],
      ["a missing subject", { description: "no subject" }, "subject"],
      ["a subject of the wrong type", { subject: 42 }, "subject"],
      ["an unknown urgency", { subject: "x", urgency: "extreme" }, "urgency"],
      ["an unknown type", { subject: "x", type: "complaint" }, "type"],
      ["a malformed tag", { subject: "x", tags: ["ok", "not ok!"] }, "tags"],
      ["an unknown field", { subject: "x", sneaky: true }, "sneaky"],
      ["a negative category id", { subject: "x", category_id: -3 }, "category_id"],
    ])("answers %s with 400 validation_failed naming the field", async (_what, body, field) => {
      const before = await ticketCount();
      const res = await requester.post("/api/tickets", body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toContain(field);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
      expect(await ticketCount()).toBe(before);
    });

    it("names the field for ids that point nowhere, and creates nothing", async () => {
      const before = await ticketCount();
      for (const [body, field] of [
        [{ subject: "x", category_id: 999999 }, "category_id"],
        [{ subject: "x", team_id: 999999 }, "team_id"],
        [{ subject: "x", assignee_id: 999999 }, "assignee_id"],
        [{ subject: "x", assignee_id: requester.user!.id }, "assignee_id"],
        [{ subject: "x", requester_id: 999999 }, "requester_id"],
        [{ subject: "x", watcher_ids: [999999] }, "watcher_ids"],
      ] as const) {
        const res = await agent.post("/api/tickets", body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.message).toContain(field);
      }
      expect(await ticketCount()).toBe(before);
    });

    it("names the query parameter that is wrong", async () => {
      for (const [query, field] of [
        ["limit=abc", "limit"],
        ["limit=100000", "limit"],
        ["status_category=bogus", "status_category"],
        ["created_after=yesterday", "created_after"],
        ["sort=password_hash", "sort"],
        ["assignee=somebody", "assignee"],
        ["cursor=not-a-cursor", "cursor"],
        [`q=${"a".repeat(501)}`, "q"],
        ["unknown=1", "unknown"],
      ]) {
        const res = await agent.get(`/api/tickets?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.message, query).toContain(field);
      }
    });

    it("names a malformed id in the path", async () => {
      const res = await admin.get("/api/users/abc");
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("id");
      const huge = await admin.get("/api/users/99999999999999");
      expect(huge.status).toBe(400);
    });

    it("names the user field that is wrong", async () => {
      const bad = await admin.post("/api/users", { email: "not-an-email", name: "X" });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("email");
      const role = await admin.post("/api/users", { email: "role@example.test", name: "X", role: "superuser" });
      expect(role.status).toBe(400);
      expect(role.body.error.message).toContain("role");
      expect((await admin.get("/api/users?q=role@example")).body.items).toEqual([]);
    });
  });

  describe("unknown things", () => {
    it("answers 404 for a ticket that does not exist, by id, by reference and by nonsense", async () => {
      for (const key of ["999999", "INC-999999", "not-a-ticket", "0", "-1"]) {
        const res = await admin.get(`/api/tickets/${key}`);
        expect(res.status, key).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
      expect((await admin.patch("/api/tickets/999999", { subject: "x" })).status).toBe(404);
      expect((await admin.post("/api/tickets/999999/comments", { body: "hello" })).status).toBe(404);
      expect((await admin.get("/api/tickets/999999/events")).status).toBe(404);
    });

    it("answers 404 with a JSON error for an unknown route", async () => {
      const res = await admin.get("/api/no-such-route");
      expect(res.status).toBe(404);
      expect(String(res.headers["content-type"])).toMatch(/application\/json/);
      expect(res.body.error.code).toBe("not_found");
      const post = await admin.post("/api/tickets/1/teleport", {});
      expect(post.status).toBe(404);
      expect(post.body.error.code).toBe("not_found");
    });

    it("answers 404 for other unknown people, teams and categories", async () => {
      expect((await admin.get("/api/users/999999")).status).toBe(404);
      expect((await admin.patch("/api/users/999999", { name: "Nobody" })).status).toBe(404);
      expect((await admin.get("/api/teams/999999")).status).toBe(404);
      expect((await admin.patch("/api/teams/999999", { name: "Nobody" })).status).toBe(404);
      expect((await admin.patch("/api/categories/999999", { name: "Nothing" })).status).toBe(404);
      expect((await admin.patch("/api/organizations/999999", { name: "Nothing" })).status).toBe(404);
      expect((await admin.delete("/api/tokens/999999")).status).toBe(404);
    });
  });

  describe("search text", () => {
    let marked: { id: number }, plain: { id: number }, near: { id: number }, unbalanced: { id: number }, percent: { id: number };

    beforeAll(async () => {
      const make = async (subject: string) => {
        const res = await requester.post("/api/tickets", { subject, format: "text" });
        expect(res.status).toBe(201);
        return res.body;
      };
      plain = await make("Keyboard sticky after coffee");
      marked = await make("Quarterly report: cannot export, OR button greyed");
      near = await make("Printer NEAR the window jams");
      unbalanced = await make("Unbalanced load on the web cluster");
      percent = await make("Disk at 100% on fileserver_two");
    });

    it.each([`' OR 1=1 --`, `"unbalanced`, "NEAR(", "*", "%_", "%", "_", "'; DROP TABLE tickets; --", "\\", "a:b", "(", '"', "-", "^", "NOT", "AND OR", "ü", "🙂", "x".repeat(500)])(
      "treats %s as plain text",
      async (q) => {
        const res = await agent.get(`/api/tickets?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.items)).toBe(true);
        // Never "everything": metacharacters do not widen the search.
        expect(res.body.items.map((t: any) => t.id)).not.toContain(plain.id);
      },
    );

    it("finds the ticket whose text holds the literal word", async () => {
      const ids = async (q: string) => (await agent.get(`/api/tickets?q=${encodeURIComponent(q)}`)).body.items.map((t: any) => t.id);
      expect(await ids(`"unbalanced`)).toEqual([unbalanced.id]);
      expect(await ids("NEAR(")).toEqual([near.id]);
      expect(await ids("OR button")).toEqual([marked.id]);
      expect(await ids("fileserver_two")).toEqual([percent.id]);
      expect(await ids("100%")).toEqual([percent.id]);
      expect(await ids("keyboard")).toEqual([plain.id]);
      expect(await ids("Keyb")).toEqual([plain.id]);
    });

    it("keeps the tickets table intact after hostile searches", async () => {
      await agent.get(`/api/tickets?q=${encodeURIComponent("'; DROP TABLE tickets; --")}`);
      expect((await admin.get(`/api/tickets/${plain.id}`)).status).toBe(200);
    });

    it("treats people-search text as plain text as well", async () => {
      const odd = await admin.post("/api/users", { email: "first_last@example.test", name: "Ann 100% O'Hara" });
      expect(odd.status).toBe(201);
      const other = await admin.post("/api/users", { email: "firstxlast@example.test", name: "Ann Other" });
      expect(other.status).toBe(201);
      const find = async (q: string) => (await admin.get(`/api/users?q=${encodeURIComponent(q)}`)).body.items.map((u: any) => u.email);
      expect(await find("first_last")).toEqual(["first_last@example.test"]);
      expect(await find("100%")).toEqual(["first_last@example.test"]);
      expect(await find("O'Hara")).toEqual(["first_last@example.test"]);
      expect(await find("%")).toEqual(["first_last@example.test"]);
      expect(await find("' OR 1=1 --")).toEqual([]);
    });
  });

  describe("nothing half-written", () => {
    it("leaves a ticket untouched when one field of a change is refused", async () => {
      const t = (await agent.post("/api/tickets", { subject: "Original subject", team_id: teamId })).body;
      const events = (await admin.get(`/api/tickets/${t.id}/events`)).body.length;
      const res = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, subject: "Changed subject", assignee_id: requester.user!.id });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("assignee_id");
      const now = (await admin.get(`/api/tickets/${t.id}`)).body;
      expect(now.subject).toBe("Original subject");
      expect(now.version).toBe(t.version);
      expect((await admin.get(`/api/tickets/${t.id}/events`)).body.length).toBe(events);
    });

    it("leaves the ticket count and numbering sane after refused creates", async () => {
      const first = (await agent.post("/api/tickets", { subject: "Before refusals" })).body;
      const before = await ticketCount();
      for (let i = 0; i < 3; i++) expect((await agent.post("/api/tickets", { subject: "Refused", category_id: 999999 })).status).toBe(400);
      expect(await ticketCount()).toBe(before);
      const next = (await agent.post("/api/tickets", { subject: "After refusals" })).body;
      expect(next.number).toBeGreaterThan(first.number);
      expect((await tickets()).map((t) => t.subject)).not.toContain("Refused");
    });

    it("does not create a user when the password is refused", async () => {
      const res = await admin.post("/api/users", { email: "weak.pw@example.test", name: "Weak", role: "agent", password: "password123" });
      expect(res.status).toBe(400);
      expect((await admin.get("/api/users?q=weak.pw")).body.items).toEqual([]);
      expect((await admin.post("/api/users", { email: "weak.pw@example.test", name: "Weak", role: "agent", password: "a sturdier passphrase" })).status).toBe(201);
    });
  });

  describe("text the database might choke on", () => {
    it("refuses a NUL character with 400 naming the field, on both databases alike", async () => {
      const before = await ticketCount();
      const cases: Array<[Promise<{ status: number; body: any }>, string]> = [
        [requester.post("/api/tickets", { subject: "Nul\u0000byte", format: "text" }), "subject"],
        [requester.post("/api/tickets", { subject: "Fine", custom_fields: { note: "a\u0000b" } }), "custom_fields.note"],
        [desk.anonymous().post("/api/auth/login", { email: "nul\u0000@example.test", password: PASSWORD }), "email"],
        [admin.get(`/api/users?q=${encodeURIComponent("a\u0000b")}`), "q"],
        [agent.get(`/api/tickets?q=${encodeURIComponent("a\u0000b")}`), "q"],
        [admin.post("/api/users", { email: "nul.name@example.test", name: "Nul\u0000Name" }), "name"],
        [admin.get(`/api/tickets/${encodeURIComponent("INC-1\u0000")}`), "id"],
      ];
      for (const [pending, field] of cases) {
        const res = await pending;
        expect(res.status, field).toBe(400);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.message).toContain(field);
      }
      expect(await ticketCount()).toBe(before);
      expect((await admin.get("/api/users?q=nul.name")).body.items).toEqual([]);
    });

    it("refuses a lone surrogate (the JSON escape \\ud800) with 400 naming the field, and creates nothing", async () => {
      const before = await ticketCount();
      // JSON.stringify writes the lone surrogate as the ASCII escape "\ud800", which the parser turns back into one.
      const res = await requester.post("/api/tickets", { subject: "Lone \ud800 surrogate", format: "text" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toContain("subject");
      expect(await ticketCount()).toBe(before);
    });

    it("searches for a very long word without trouble", async () => {
      const search = await agent.get(`/api/tickets?q=${encodeURIComponent("z".repeat(400))}`);
      expect(search.status).toBe(200);
      expect(search.body.items).toEqual([]);
    });
  });
});

describe("configuration", () => {
  const load = (env: Record<string, string>) => () => loadConfig(env, {});

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://x"],
    ["TESSERA_ATTACHMENT_MAX_BYTES", "-1"],
    ["TESSERA_BODY_LIMIT_BYTES", "lots"],
    ["TESSERA_SESSION_IDLE_MINUTES", "0"],
    ["TESSERA_COOKIE_SECURE", "maybe"],
    ["LOG_LEVEL", "loud"],
    ["TESSERA_PUBLIC_URL", "not a url"],
  ])("refuses %s=%s with a ConfigError naming the variable", (name, value) => {
    expect(load({ [name]: value })).toThrow(ConfigError);
    expect(load({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it("names every bad variable at once", () => {
    try {
      loadConfig({ PORT: "abc", DATABASE_URL: "mysql://x" }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
    }
  });

  it("requires the first admin's email and password together", () => {
    expect(load({ TESSERA_ADMIN_EMAIL: "boss@example.test" })).toThrow(/TESSERA_ADMIN_EMAIL and TESSERA_ADMIN_PASSWORD/);
    expect(load({ TESSERA_ADMIN_EMAIL: "boss@example.test", TESSERA_ADMIN_PASSWORD: "short" })).toThrow(/TESSERA_ADMIN_PASSWORD/);
  });

  it("names the config file when it is not JSON", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(`${tmpdir()}/tessera-cfg-`);
    const file = `${dir}/bad.json`;
    writeFileSync(file, "PORT=3000\n");
    expect(load({ TESSERA_CONFIG_FILE: file })).toThrow(/TESSERA_CONFIG_FILE/);
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes good values and fills in defaults", () => {
    const c = loadConfig({ PORT: "8080", DATABASE_URL: "postgres://u@localhost/db", TESSERA_ATTACHMENT_MAX_BYTES: "1048576" }, {});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe("postgres://u@localhost/db");
    expect(c.attachmentMaxBytes).toBe(1048576);
    expect(c.bodyLimitBytes).toBe(1024 * 1024);
    expect(c.admin).toBeUndefined();
  });
});
