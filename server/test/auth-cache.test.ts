/**
 * Reads may be answered from credentials read moments ago (ActorCache in auth/actor.ts). A change
 * made through this node counts for the very next request; one made elsewhere (another node, the
 * command line) within a second.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createDesk, dialects, makeTeam, type TestDesk } from "./harness.ts";
import { endAllSessions } from "../src/auth/service.ts";
import { ActorCache } from "../src/auth/actor.ts";

describe.each(dialects)("who is calling, read again when it changes, on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  it("hides a team's tickets from an agent on their next read once they leave the team, and shows them again when they rejoin", async () => {
    const team = await makeTeam(admin, "Network");
    const agent = await desk.user("agent", { teams: [team] });
    const ticket = (await admin.post("/api/tickets", { subject: "Switch down", team_id: team })).body;
    expect((await agent.get(`/api/tickets/${ticket.id}`)).status).toBe(200);
    expect((await agent.get("/api/me")).body.team_ids).toEqual([team]);

    expect((await admin.delete(`/api/teams/${team}/members/${agent.user!.id}`)).status).toBe(204);
    expect((await agent.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
    expect((await agent.get("/api/me")).body.team_ids).toEqual([]);

    expect((await admin.post(`/api/teams/${team}/members`, { user_id: agent.user!.id })).status).toBeLessThan(300);
    expect((await agent.get(`/api/tickets/${ticket.id}`)).status).toBe(200);
  });

  it("refuses a person disabled on another node within a second, by token and by session", async () => {
    const agent = await desk.user("agent");
    const browser = await desk.login(agent.user!.email);
    expect((await agent.get("/api/me")).status).toBe(200);
    expect((await browser.get("/api/me")).status).toBe(200);

    // What `tessera user disable` or an admin on another node does, without this node hearing of it.
    const other = await desk.openNode();
    await other.db.updateTable("users").set({ active: 0 }).where("id", "=", agent.user!.id).execute();
    await endAllSessions(other, agent.user!.id, { tokens: true });

    desk.clock.advance(ActorCache.TTL_MS);
    expect((await agent.get("/api/me")).status).toBe(401);
    expect((await browser.get("/api/me")).status).toBe(401);
  });

  it("gives an admin demoted on another node no admin reads after a second", async () => {
    const boss = await desk.user("admin");
    expect((await boss.get("/api/audit")).status).toBe(200);
    const other = await desk.openNode();
    await other.db.updateTable("users").set({ role: "agent" }).where("id", "=", boss.user!.id).execute();
    desk.clock.advance(ActorCache.TTL_MS);
    expect((await boss.get("/api/audit")).status).toBe(403);
  });
});
