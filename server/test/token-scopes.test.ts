/**
 * API token scopes: a token is made with the scopes it needs, every route checks them for
 * token callers (a 403 naming the missing scope), sessions are not scoped, tokens from before
 * scopes existed keep full access, and a scope never lends more than the owner's role allows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createDesk, dialects, type TestDesk } from "./harness.ts";
import { hmac } from "../src/auth/secrets.ts";
import { commandFor, runTessera } from "./support/command.ts";

describe.each(dialects)("API token scopes on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;
  let ticketId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    agent = await desk.user("agent");
    requester = await desk.user("requester");
    ticketId = (await agent.post("/api/tickets", { subject: "Printer jams", description: "", format: "text", requester_id: requester.user!.id })).body.id;
  });
  afterAll(() => desk.close());

  const NOTE = { body: "Looking into it", internal: true, format: "text" };

  /** A token of `owner` with these scopes, made through the API, and a client using it. */
  const tokenOf = async (owner: Client, scopes?: string[], userId?: number) => {
    const res = await owner.post("/api/tokens", { name: `scoped ${scopes?.join(" ") ?? "default"}`, scopes, user_id: userId });
    expect(res.status, res.text).toBe(201);
    return { created: res.body, client: new Client(desk.app, { token: res.body.token }) };
  };

  it("gives a token the scopes asked for, and shows them in the token list", async () => {
    const { created } = await tokenOf(agent, ["tickets:write", "tickets:read"]);
    expect(created.scopes).toEqual(["tickets:read", "tickets:write"]);
    const listed = (await agent.get("/api/tokens")).body.find((t: { id: number }) => t.id === created.id);
    expect(listed.scopes).toEqual(["tickets:read", "tickets:write"]);
  });

  it("gives `all` to a token made without scopes, as before scopes existed", async () => {
    const { created, client } = await tokenOf(agent);
    expect(created.scopes).toEqual(["all"]);
    expect((await client.post(`/api/tickets/${ticketId}/comments`, NOTE)).status).toBe(201);
  });

  it("keeps full access for a token stored before scopes existed (the column's default)", async () => {
    const secret = "tsr_made-before-scopes-existed-0123456789";
    await desk.ctx.db
      .insertInto("api_tokens")
      .values({ user_id: agent.user!.id, name: "old script", token_hash: hmac(desk.ctx.secret, secret), created_at: desk.clock.now().toISOString() })
      .execute();
    const old = new Client(desk.app, { token: secret });
    expect((await old.post(`/api/tickets/${ticketId}/comments`, NOTE)).status).toBe(201);
    expect((await agent.get("/api/tokens")).body.find((t: { name: string }) => t.name === "old script").scopes).toEqual(["all"]);
  });

  it("lets a tickets:read token read tickets but not change them, naming the missing scope", async () => {
    const { client } = await tokenOf(agent, ["tickets:read"]);
    expect((await client.get(`/api/tickets/${ticketId}`)).status).toBe(200);
    expect((await client.get("/api/tickets")).status).toBe(200);
    const refused = await client.post(`/api/tickets/${ticketId}/comments`, NOTE);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect(refused.body.error.message).toContain("`tickets:write`");
    expect(refused.body.error.details).toMatchObject({ missing_scope: "tickets:write", token_scopes: ["tickets:read"] });
    expect((await client.post(`/api/tickets/${ticketId}/comments`, NOTE)).status).toBe(403);
  });

  it("lets a tickets:write token change tickets and read them too", async () => {
    const { client } = await tokenOf(agent, ["tickets:write"]);
    expect((await client.post(`/api/tickets/${ticketId}/comments`, NOTE)).status).toBe(201);
    expect((await client.get(`/api/tickets/${ticketId}`)).status).toBe(200);
  });

  it("refuses tickets to a token without a tickets scope, while /api/me answers any valid token", async () => {
    const { client } = await tokenOf(agent, ["alerts:write"]);
    const refused = await client.get(`/api/tickets/${ticketId}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.missing_scope).toBe("tickets:read");
    expect((await client.get("/api/me")).status).toBe(200);
  });

  it("needs `admin` for admin routes, even from an admin's token", async () => {
    const tickets = await tokenOf(admin, ["tickets:read", "tickets:write"]);
    const refused = await tickets.client.get("/api/audit");
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.missing_scope).toBe("admin");
    expect((await tickets.client.post("/api/teams", { name: "Not from this token" })).status).toBe(403);
    const adminScoped = await tokenOf(admin, ["admin"]);
    expect((await adminScoped.client.get("/api/audit")).status).toBe(200);
    expect((await adminScoped.client.post("/api/teams", { name: "Facilities" })).status).toBe(201);
  });

  it("lets admins (session) and admin-owned events:read tokens read the event log", async () => {
    const session = await desk.login(admin.user!.email);
    expect((await session.get("/api/events")).status).toBe(200);
    const events = await tokenOf(admin, ["events:read"]);
    const page = await events.client.get("/api/events");
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    // events:read is about the log only.
    expect((await events.client.get(`/api/tickets/${ticketId}`)).status).toBe(403);
  });

  it("refuses the event log to an admin's token without events:read, naming it", async () => {
    const adminScoped = await tokenOf(admin, ["admin", "tickets:read"]);
    const refused = await adminScoped.client.get("/api/events");
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.missing_scope).toBe("events:read");
  });

  it("does not give events:read or admin to a token whose owner is not an admin", async () => {
    for (const scope of ["events:read", "admin"]) {
      const res = await agent.post("/api/tokens", { name: "too much", scopes: [scope] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`\`${scope}\` needs a token owned by an admin`);
    }
    expect((await admin.post("/api/tokens", { name: "agent events", scopes: ["events:read"], user_id: agent.user!.id })).status).toBe(400);
    expect((await requester.post("/api/tokens", { name: "alerts", scopes: ["alerts:write"] })).status).toBe(400);
  });

  it("stops an events:read token once its owner is no longer an admin", async () => {
    const owner = await desk.user("admin");
    const { client } = await tokenOf(owner, ["events:read"]);
    expect((await client.get("/api/events")).status).toBe(200);
    expect((await admin.patch(`/api/users/${owner.user!.id}`, { role: "agent" })).status).toBe(200);
    expect((await client.get("/api/events")).status).toBe(403);
  });

  it("refuses unknown scopes and `all` beside others", async () => {
    const unknown = await agent.post("/api/tokens", { name: "x", scopes: ["tickets:delete"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("scopes");
    const mixed = await agent.post("/api/tokens", { name: "x", scopes: ["all", "tickets:read"] });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain("`all` already covers");
    expect((await agent.post("/api/tokens", { name: "x", scopes: [] })).status).toBe(400);
  });

  it("does not let a narrower token make, list or revoke tokens", async () => {
    const { client, created } = await tokenOf(agent, ["tickets:write"]);
    const minted = await client.post("/api/tokens", { name: "escape", scopes: ["all"] });
    expect(minted.status).toBe(403);
    expect(minted.body.error.details.missing_scope).toBe("all");
    expect((await client.get("/api/tokens")).status).toBe(403);
    expect((await client.delete(`/api/tokens/${created.id}`)).status).toBe(403);
  });

  it("lets an alerts:write token send alerts and nothing else", async () => {
    const { client } = await tokenOf(agent, ["alerts:write"]);
    const alert = await client.post("/api/alerts/generic", { source: "zabbix", fingerprint: "disk-db1", severity: "warning", summary: "Disk 91% full on db1", status: "firing" });
    expect(alert.status, alert.text).toBeLessThan(300);
    expect((await client.post("/api/tickets", { subject: "Not from this token", description: "", format: "text" })).status).toBe(403);
  });

  it("does not scope signed-in sessions", async () => {
    const session = await desk.login(agent.user!.email);
    expect((await session.post(`/api/tickets/${ticketId}/comments`, NOTE)).status).toBe(201);
    expect((await session.get("/api/tokens")).status).toBe(200);
  });

  it("records a new token's scopes in the audit log", async () => {
    const { created } = await tokenOf(admin, ["events:read"]);
    const row = await desk.ctx.db.selectFrom("audit_events").select("detail").where("action", "=", "token.created").where("target_id", "=", String(created.id)).executeTakeFirstOrThrow();
    expect(JSON.parse(row.detail as string)).toMatchObject({ scopes: ["events:read"] });
  });

  it("makes a scoped token from the command line, and refuses a scope the owner cannot hold", async () => {
    const { main, env } = await commandFor(desk, dialect);
    const tessera = (...args: string[]) => runTessera(main, env, ...args);
    const email = agent.user!.email;
    expect((await tessera("token", "create", "--user", email, "--name", "reporting", "--scope", "tickets:read")).code).toBe(0);
    const refused = await tessera("token", "create", "--user", email, "--name", "too much", "--scope", "admin");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("`admin` needs a token owned by an admin");
    const mine = (await agent.get("/api/tokens")).body as Array<{ name: string; scopes: string[] }>;
    expect(mine.find((t) => t.name === "reporting")?.scopes).toEqual(["tickets:read"]);
    expect(mine.find((t) => t.name === "too much")).toBeUndefined();
  }, 120_000);
});
