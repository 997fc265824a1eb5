import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, PASSWORD, type Client, type TestDesk } from "./harness.ts";

describe.each(dialects)("people, organizations, teams and categories on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
  });
  afterAll(() => desk.close());

  describe("users", () => {
    it("adds a person with a lower-cased email and shows them without secrets", async () => {
      const res = await admin.post("/api/users", { email: "  Grace.Hopper@Navy.example ", name: " Grace Hopper ", role: "agent", password: "cobol is forever" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email: "grace.hopper@navy.example", name: "Grace Hopper", role: "agent", active: true, teams: [], organization: null, last_login_at: null });
      expect(Object.keys(res.body).sort()).toEqual(["active", "created_at", "email", "id", "last_login_at", "name", "organization", "role", "teams"]);

      const signedIn = await desk.anonymous().post("/api/auth/login", { email: "grace.hopper@navy.example", password: "cobol is forever" });
      expect(signedIn.status).toBe(200);
      expect((await admin.get(`/api/users/${res.body.id}`)).body.last_login_at).not.toBeNull();
    });

    it("refuses a second account with the same email, whatever its case", async () => {
      expect((await admin.post("/api/users", { email: "twin@example.test", name: "Twin One" })).status).toBe(201);
      const again = await admin.post("/api/users", { email: "TWIN@example.test", name: "Twin Two" });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("conflict");
      expect((await admin.get("/api/users?q=twin@")).body.items.map((u: any) => u.name)).toEqual(["Twin One"]);
    });

    it("adds a person to the organization whose domain matches their email", async () => {
      const org = await admin.post("/api/organizations", { name: "Acme", domain: "ACME.example" });
      expect(org.status).toBe(201);
      expect(org.body.domain).toBe("acme.example");
      const wile = await admin.post("/api/users", { email: "wile@acme.example", name: "Wile E." });
      expect(wile.body.organization).toEqual({ id: org.body.id, name: "Acme" });
      const outsider = await admin.post("/api/users", { email: "road@runner.example", name: "Road Runner" });
      expect(outsider.body.organization).toBeNull();
      const byOrg = await admin.get(`/api/users?organization=${org.body.id}`);
      expect(byOrg.body.items.map((u: any) => u.email)).toEqual(["wile@acme.example"]);
    });

    it("refuses an organization that does not exist, naming organization_id", async () => {
      const res = await admin.post("/api/users", { email: "orphan@example.test", name: "Orphan", organization_id: 999999 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("organization_id");
      expect((await admin.get("/api/users?q=orphan")).body.items).toEqual([]);
    });

    it("filters people by role and status, and pages through them", async () => {
      const gone = await admin.post("/api/users", { email: "gone.agent@example.test", name: "Gone Agent", role: "agent" });
      await admin.patch(`/api/users/${gone.body.id}`, { active: false });
      const staff = (await admin.get("/api/users?role=staff&limit=200")).body.items;
      expect(staff.every((u: any) => u.role !== "requester")).toBe(true);
      expect(staff.map((u: any) => u.email)).toContain("gone.agent@example.test");
      const inactive = (await admin.get("/api/users?active=false")).body.items.map((u: any) => u.email);
      expect(inactive).toEqual(["gone.agent@example.test"]);

      const all = (await admin.get("/api/users?limit=200")).body.items.map((u: any) => u.id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await admin.get(`/api/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((u: any) => u.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all);
    });

    it("lets people rename themselves, and not change their role", async () => {
      const r = await desk.user("requester");
      const renamed = await r.patch(`/api/users/${r.user!.id}`, { name: "New Name" });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe("New Name");
      expect((await r.patch(`/api/users/${r.user!.id}`, { organization_id: null })).status).toBe(403);
      expect((await r.get("/api/me")).body.name).toBe("New Name");
    });

    it("signs people out when an admin changes their role, so the new role applies at once", async () => {
      const a = await desk.user("agent");
      const browser = await desk.login(a.user!.email);
      const res = await admin.patch(`/api/users/${a.user!.id}`, { role: "requester" });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe("requester");
      expect((await browser.get("/api/me")).status).toBe(401);
      const again = await desk.login(a.user!.email, PASSWORD);
      expect((await again.get("/api/me")).body.role).toBe("requester");
      expect((await again.get("/api/users")).status).toBe(403);
    });
  });

  describe("organizations", () => {
    it("lists, renames and marks an organization as sharing its tickets", async () => {
      const org = (await admin.post("/api/organizations", { name: "Globex" })).body;
      expect(org.shares_tickets).toBe(false);
      const changed = await admin.patch(`/api/organizations/${org.id}`, { name: "Globex Corp", shares_tickets: true });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: org.id, name: "Globex Corp", shares_tickets: true });
      const list = (await admin.get("/api/organizations")).body;
      expect(list.find((o: any) => o.id === org.id)).toMatchObject({ name: "Globex Corp", shares_tickets: true });
    });

    it("lets members of a sharing organization see each other's tickets, and nobody else", async () => {
      const org = (await admin.post("/api/organizations", { name: "Initech", shares_tickets: true })).body;
      const peter = await desk.user("requester", { organization_id: org.id });
      const milton = await desk.user("requester", { organization_id: org.id });
      const stranger = await desk.user("requester");
      const t = (await peter.post("/api/tickets", { subject: "TPS report cover sheets" })).body;
      expect((await milton.get(`/api/tickets/${t.id}`)).status).toBe(200);
      expect((await stranger.get(`/api/tickets/${t.id}`)).status).toBe(404);

      await admin.patch(`/api/organizations/${org.id}`, { shares_tickets: false });
      expect((await milton.get(`/api/tickets/${t.id}`)).status).toBe(404);
    });
  });

  describe("teams", () => {
    it("creates a team, refuses a duplicate name, and renames it", async () => {
      const t = await admin.post("/api/teams", { name: "Network", description: "Routers and VPN" });
      expect(t.status).toBe(201);
      expect(t.body).toMatchObject({ name: "Network", description: "Routers and VPN", members: [] });
      expect((await admin.post("/api/teams", { name: "Network" })).status).toBe(409);
      await admin.post("/api/teams", { name: "Storage" });
      expect((await admin.patch(`/api/teams/${t.body.id}`, { name: "Storage" })).status).toBe(409);
      const renamed = await admin.patch(`/api/teams/${t.body.id}`, { name: "Networking" });
      expect(renamed.status).toBe(200);
      expect((await admin.get(`/api/teams/${t.body.id}`)).body.name).toBe("Networking");
    });

    it("adds and removes members; requesters cannot be members", async () => {
      const teamId = await makeTeam(admin, "Field Service");
      const agent = await desk.user("agent");
      const requester = await desk.user("requester");
      const added = await admin.post(`/api/teams/${teamId}/members`, { user_id: agent.user!.id });
      expect(added.status).toBe(201);
      expect(added.body.members.map((m: any) => m.id)).toEqual([agent.user!.id]);
      // Adding twice is harmless.
      expect((await admin.post(`/api/teams/${teamId}/members`, { user_id: agent.user!.id })).body.members).toHaveLength(1);
      expect((await agent.get("/api/me")).body.team_ids).toEqual([teamId]);

      const refused = await admin.post(`/api/teams/${teamId}/members`, { user_id: requester.user!.id });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain("user_id");

      expect((await admin.delete(`/api/teams/${teamId}/members/${agent.user!.id}`)).status).toBe(204);
      expect((await admin.get(`/api/teams/${teamId}`)).body.members).toEqual([]);
      expect((await agent.get("/api/me")).body.team_ids).toEqual([]);
    });

    it("lets a supervisor manage their own team's members, not another team's, and not an agent", async () => {
      const mine = await makeTeam(admin, "Supervised");
      const theirs = await makeTeam(admin, "Not Supervised");
      const supervisor = await desk.user("supervisor", { teams: [mine] });
      const agent = await desk.user("agent", { teams: [mine] });
      const newcomer = await desk.user("agent");

      expect((await supervisor.post(`/api/teams/${mine}/members`, { user_id: newcomer.user!.id })).status).toBe(201);
      expect((await supervisor.post(`/api/teams/${theirs}/members`, { user_id: newcomer.user!.id })).status).toBe(403);
      expect((await agent.post(`/api/teams/${mine}/members`, { user_id: agent.user!.id })).status).toBe(403);
      expect((await agent.delete(`/api/teams/${mine}/members/${newcomer.user!.id}`)).status).toBe(403);
      expect((await admin.get(`/api/teams/${theirs}`)).body.members).toEqual([]);
      expect((await admin.get(`/api/teams/${mine}`)).body.members.map((m: any) => m.id).sort()).toEqual([supervisor.user!.id, agent.user!.id, newcomer.user!.id].sort());
    });

    it("answers 404 for members of a team that does not exist", async () => {
      const agent = await desk.user("agent");
      expect((await admin.post("/api/teams/999999/members", { user_id: agent.user!.id })).status).toBe(404);
    });
  });

  describe("categories", () => {
    it("keeps a tree with full paths, and routes new tickets to the category's team and type", async () => {
      const teamId = await makeTeam(admin, "Hardware Team");
      const hw = await admin.post("/api/categories", { name: "Hardware" });
      expect(hw.status).toBe(201);
      const laptops = await admin.post("/api/categories", { name: "Laptops", parent_id: hw.body.id, default_team_id: teamId, default_type: "service_request" });
      expect(laptops.status).toBe(201);
      expect(laptops.body).toMatchObject({ path: "Hardware / Laptops", parent_id: hw.body.id, default_team: { id: teamId, name: "Hardware Team" }, default_type: "service_request" });

      const requester = await desk.user("requester");
      const t = await requester.post("/api/tickets", { subject: "Need a new laptop", category_id: laptops.body.id });
      expect(t.status).toBe(201);
      expect(t.body.team).toEqual({ id: teamId, name: "Hardware Team" });
      expect(t.body.type).toBe("service_request");
      expect(t.body.reference).toMatch(/^REQ-/);

      const renamed = await admin.patch(`/api/categories/${hw.body.id}`, { name: "Devices" });
      expect(renamed.status).toBe(200);
      const list = (await admin.get("/api/categories")).body;
      expect(list.find((c: any) => c.id === laptops.body.id).path).toBe("Devices / Laptops");
    });

    it("refuses a parent that does not exist, a cycle, and a default team that does not exist", async () => {
      const a = (await admin.post("/api/categories", { name: "A" })).body;
      const b = (await admin.post("/api/categories", { name: "B", parent_id: a.id })).body;
      const missing = await admin.post("/api/categories", { name: "C", parent_id: 999999 });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain("parent_id");
      const cycle = await admin.patch(`/api/categories/${a.id}`, { parent_id: b.id });
      expect(cycle.status).toBe(400);
      expect(cycle.body.error.message).toContain("parent_id");
      const self = await admin.patch(`/api/categories/${a.id}`, { parent_id: a.id });
      expect(self.status).toBe(400);
      const team = await admin.post("/api/categories", { name: "D", default_team_id: 999999 });
      expect(team.status).toBe(400);
      expect(team.body.error.message).toContain("default_team_id");
      const list = (await admin.get("/api/categories")).body;
      expect(list.find((c: any) => c.id === a.id).parent_id).toBeNull();
      expect(list.map((c: any) => c.name)).not.toContain("C");
      expect(list.map((c: any) => c.name)).not.toContain("D");
    });

    it("hides retired categories from requesters and refuses new tickets in them", async () => {
      const old = (await admin.post("/api/categories", { name: "Fax machines" })).body;
      await admin.patch(`/api/categories/${old.id}`, { active: false });
      const requester = await desk.user("requester");
      expect((await requester.get("/api/categories")).body.map((c: any) => c.id)).not.toContain(old.id);
      expect((await admin.get("/api/categories")).body.find((c: any) => c.id === old.id).active).toBe(false);
      const t = await requester.post("/api/tickets", { subject: "Fax is jammed", category_id: old.id });
      expect(t.status).toBe(400);
      expect(t.body.error.message).toContain("category_id");
    });
  });
});
