/**
 * Who sees which tickets. A ticket the caller may not see answers exactly like one that does
 * not exist (404), on every path: read by id or reference, list, search, comments, events,
 * changes, and as the other end of a link or merge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

async function file(client: Client, body: Record<string, unknown>) {
  const res = await client.post("/api/tickets", { description: "", format: "text", ...body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body;
}

const listIds = async (client: Client, query = "") => {
  const res = await client.get(`/api/tickets?limit=200${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.items.map((i: any) => i.id) as number[];
};

describe.each(dialects)("ticket visibility on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agentX: Client, agentY: Client;
  let alice: Client, carol: Client, bob: Client, dave: Client, erin: Client;
  let teamX: number, teamY: number, sharingOrg: number, privateOrg: number;
  /** What a ticket that does not exist answers; an invisible one must answer the same. */
  let missing: { status: number; body: any };

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamX = await makeTeam(admin, "Team X");
    teamY = await makeTeam(admin, "Team Y");
    agentX = await desk.user("agent", { teams: [teamX] });
    agentY = await desk.user("agent", { teams: [teamY] });
    const shares = await admin.post("/api/organizations", { name: "Acme", shares_tickets: true });
    expect(shares.status).toBe(201);
    expect(shares.body.shares_tickets).toBe(true);
    sharingOrg = shares.body.id;
    privateOrg = (await admin.post("/api/organizations", { name: "Globex", shares_tickets: false })).body.id;
    alice = await desk.user("requester", { organization_id: sharingOrg });
    carol = await desk.user("requester", { organization_id: sharingOrg });
    dave = await desk.user("requester", { organization_id: privateOrg });
    erin = await desk.user("requester", { organization_id: privateOrg });
    bob = await desk.user("requester");
    missing = await bob.get("/api/tickets/999999");
    expect(missing.status).toBe(404);
  });
  afterAll(() => desk.close());

  it("hides a requester's ticket from another requester on every path, as if it did not exist", async () => {
    const t = await file(bob, { subject: "Payslip shows wrong salary zephyrine" });
    const stranger = dave;
    for (const key of [String(t.id), t.reference, String(t.number)]) {
      const res = await stranger.get(`/api/tickets/${key}`);
      expect(res.status, key).toBe(404);
      expect(res.body, key).toEqual(missing.body);
    }
    expect((await stranger.get(`/api/tickets/${t.id}/comments`)).status).toBe(404);
    expect((await stranger.get(`/api/tickets/${t.id}/events`)).status).toBe(404);
    expect((await stranger.post(`/api/tickets/${t.id}/comments`, { body: "me too" })).status).toBe(404);
    expect((await stranger.patch(`/api/tickets/${t.id}`, { version: t.version, status: "cancelled" })).status).toBe(404);
    expect((await stranger.post(`/api/tickets/${t.id}/confirm`, {})).status).toBe(404);
    expect((await stranger.post(`/api/tickets/${t.id}/reopen`, { comment: "no" })).status).toBe(404);

    expect(await listIds(stranger)).not.toContain(t.id);
    expect(await listIds(stranger, "&q=zephyrine")).toEqual([]);
    expect(await listIds(stranger, `&q=${t.reference}`)).toEqual([]);
    expect(await listIds(stranger, `&requester=${bob.user!.id}`)).toEqual([]);

    // Nothing was changed by the refused attempts.
    const own = await bob.get(`/api/tickets/${t.id}`);
    expect(own.body.status.key).toBe("new");
    expect(own.body.version).toBe(t.version);
    expect((await bob.get(`/api/tickets/${t.id}/comments`)).body).toEqual([]);
    expect(await listIds(bob, "&q=zephyrine")).toEqual([t.id]);
  });

  it("previews the newest message in list rows, and never an internal note to the requester", async () => {
    const t = await file(bob, { subject: "Scanner jams on page two" });
    const agent = await desk.user("agent");
    expect((await agent.post(`/api/tickets/${t.id}/comments`, { body: "Rebooted it, <b>fixed</b> now?", format: "html" })).status).toBe(201);
    expect((await agent.post(`/api/tickets/${t.id}/comments`, { body: "Suspect the rollers quartzite", format: "text", internal: true })).status).toBe(201);

    const rowFor = async (client: Client) => ((await client.get(`/api/tickets?limit=200`)).body.items as any[]).find((i) => i.id === t.id);
    const agentRow = await rowFor(agent);
    expect(agentRow.last_message).toMatchObject({ preview: "Suspect the rollers quartzite", internal: true, from_requester: false, author: agent.user!.name });
    const bobRow = await rowFor(bob);
    expect(bobRow.last_message).toMatchObject({ preview: "Rebooted it, fixed now?", internal: false, from_requester: false });
    expect(JSON.stringify(bobRow)).not.toContain("quartzite");

    expect((await bob.post(`/api/tickets/${t.id}/comments`, { body: "Still jams", format: "text" })).status).toBe(201);
    expect((await rowFor(agent)).last_message).toMatchObject({ preview: "Still jams", internal: false, from_requester: true });
    // The ticket's own page has the whole thread and no preview.
    expect((await agent.get(`/api/tickets/${t.id}`)).body.last_message).toBeUndefined();
  });

  it("shows tickets to colleagues in an organization that shares them, and only there", async () => {
    const acme = await file(alice, { subject: "Acme projector broken" });
    expect(acme.organization).toEqual({ id: sharingOrg, name: "Acme" });
    const seen = await carol.get(`/api/tickets/${acme.reference}`);
    expect(seen.status).toBe(200);
    expect(seen.body.id).toBe(acme.id);
    expect(await listIds(carol)).toContain(acme.id);
    expect(await listIds(carol, "&q=projector")).toEqual([acme.id]);
    expect((await bob.get(`/api/tickets/${acme.id}`)).status).toBe(404);
    expect((await dave.get(`/api/tickets/${acme.id}`)).status).toBe(404);

    const globex = await file(dave, { subject: "Globex badge reader" });
    expect(globex.organization.id).toBe(privateOrg);
    expect((await erin.get(`/api/tickets/${globex.id}`)).status).toBe(404);
    expect(await listIds(erin)).not.toContain(globex.id);

    // Turning sharing off hides the colleague's ticket again.
    expect((await admin.patch(`/api/organizations/${sharingOrg}`, { shares_tickets: false })).status).toBe(200);
    try {
      expect((await carol.get(`/api/tickets/${acme.id}`)).status).toBe(404);
      expect(await listIds(carol)).not.toContain(acme.id);
    } finally {
      await admin.patch(`/api/organizations/${sharingOrg}`, { shares_tickets: true });
    }
  });

  it("lets a colleague see a shared ticket but not change it (403)", async () => {
    const t = await file(alice, { subject: "Shared, but mine" });
    const cancel = await carol.patch(`/api/tickets/${t.id}`, { version: t.version, status: "cancelled" });
    expect(cancel.status).toBe(403);
    expect((await alice.get(`/api/tickets/${t.id}`)).body.status.key).toBe("new");
    await agentX.patch(`/api/tickets/${t.id}`, { version: t.version, status: "resolved", resolution_note: "Fixed", root_cause: "Loose cable" });
    expect((await carol.post(`/api/tickets/${t.id}/confirm`, {})).status).toBe(403);
    expect((await alice.post(`/api/tickets/${t.id}/confirm`, {})).status).toBe(200);
  });

  it("shows agents their teams' tickets and the unassigned queue, not other teams'", async () => {
    const x = await file(admin, { subject: "For team X", team_id: teamX });
    const y = await file(admin, { subject: "For team Y", team_id: teamY });
    const none = await file(bob, { subject: "Not triaged yet" });

    expect((await agentX.get(`/api/tickets/${x.id}`)).status).toBe(200);
    expect((await agentX.get(`/api/tickets/${none.id}`)).status).toBe(200);
    for (const key of [String(y.id), y.reference]) {
      const res = await agentX.get(`/api/tickets/${key}`);
      expect(res.status, key).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    expect((await agentX.patch(`/api/tickets/${y.id}`, { version: y.version, subject: "Mine now" })).status).toBe(404);
    expect((await agentX.post(`/api/tickets/${y.id}/comments`, { body: "note", internal: true })).status).toBe(404);

    const xs = await listIds(agentX);
    expect(xs).toEqual(expect.arrayContaining([x.id, none.id]));
    expect(xs).not.toContain(y.id);
    expect(await listIds(agentX, `&team=${teamY}`)).toEqual([]);
    expect(await listIds(agentX, `&q=${y.reference}`)).toEqual([]);
    expect(await listIds(agentY, `&q=${y.reference}`)).toEqual([y.id]);
    expect((await agentY.get(`/api/tickets/${x.id}`)).status).toBe(404);

    const all = await listIds(admin);
    expect(all).toEqual(expect.arrayContaining([x.id, y.id, none.id]));
    expect((await admin.get(`/api/tickets/${y.reference}`)).status).toBe(200);
  });

  it("shows a ticket to its watchers, for as long as they watch it", async () => {
    const t = await file(alice, { subject: "Shared drive full" });
    expect((await bob.get(`/api/tickets/${t.id}`)).status).toBe(404);
    const watched = await agentX.patch(`/api/tickets/${t.id}`, { version: t.version, watcher_ids: [bob.user!.id] });
    expect(watched.status).toBe(200);
    expect(watched.body.watchers.map((w: any) => w.id)).toEqual([bob.user!.id]);
    await agentX.post(`/api/tickets/${t.id}/comments`, { body: "internal detail only", internal: true });

    expect((await bob.get(`/api/tickets/${t.id}`)).status).toBe(200);
    expect(await listIds(bob)).toContain(t.id);
    expect((await bob.get(`/api/tickets/${t.id}/comments`)).body).toEqual([]);

    await agentX.patch(`/api/tickets/${t.id}`, { version: watched.body.version, watcher_ids: [] });
    expect((await bob.get(`/api/tickets/${t.id}`)).status).toBe(404);
  });

  it("lets requesters copy in only colleagues of their own organization", async () => {
    const ok = await alice.post("/api/tickets", { subject: "Cc my colleague", watcher_ids: [carol.user!.id] });
    expect(ok.status).toBe(201);
    const outsider = await alice.post("/api/tickets", { subject: "Cc a stranger", watcher_ids: [dave.user!.id] });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error.details[0].field).toBe("watcher_ids");
    const nobody = await alice.post("/api/tickets", { subject: "Cc nobody", watcher_ids: [987654] });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.message.replace(/\d+/g, "N")).toBe(outsider.body.error.message.replace(/\d+/g, "N"));
  });

  it("keeps a requester's draft to its author", async () => {
    const draft = await file(alice, { subject: "Draft: thinking about a new monitor", status: "draft" });
    expect((await alice.get(`/api/tickets/${draft.id}`)).status).toBe(200);
    expect(await listIds(alice)).toContain(draft.id);
    for (const other of [carol, bob, agentX]) {
      expect((await other.get(`/api/tickets/${draft.id}`)).status, other.user!.email).toBe(404);
      expect(await listIds(other)).not.toContain(draft.id);
      expect(await listIds(other, "&q=monitor")).toEqual([]);
    }
    // Once submitted, the desk and the sharing colleague see it.
    const submitted = await alice.patch(`/api/tickets/${draft.id}`, { version: draft.version, status: "new" });
    expect(submitted.status).toBe(200);
    expect((await agentX.get(`/api/tickets/${draft.id}`)).status).toBe(200);
    expect((await carol.get(`/api/tickets/${draft.id}`)).status).toBe(200);
  });

  it("answers 404 for a link or merge target the caller cannot see, and changes nothing", async () => {
    const x = await file(admin, { subject: "Team X outage", team_id: teamX });
    const y = await file(admin, { subject: "Team Y outage", team_id: teamY });
    for (const kind of ["related", "parent", "child", "duplicate_of"]) {
      const res = await agentX.post(`/api/tickets/${x.id}/links`, { kind, target: y.reference });
      expect(res.status, kind).toBe(404);
      expect((await agentX.post(`/api/tickets/${x.id}/links`, { kind, target: y.id })).status, kind).toBe(404);
    }
    expect((await agentX.post(`/api/tickets/${x.id}/merge`, { into: y.id })).status).toBe(404);
    expect((await agentX.post(`/api/tickets/${y.id}/merge`, { into: x.id })).status).toBe(404);
    expect((await agentX.post(`/api/tickets/${x.id}/links`, { kind: "related", target: 999999 })).status).toBe(404);

    const after = (await admin.get(`/api/tickets/${x.id}`)).body;
    expect(after.links).toEqual([]);
    expect(after.status.key).toBe("new");
    expect((await admin.get(`/api/tickets/${y.id}`)).body.links).toEqual([]);
    expect((await admin.get(`/api/tickets/${y.id}`)).body.merged_into).toBeNull();
  });

  it("does not show a requester the linked tickets they cannot see", async () => {
    const mine = await file(bob, { subject: "My laptop is slow" });
    const theirs = await file(dave, { subject: "Dave's laptop is slow" });
    const link = await admin.post(`/api/tickets/${mine.id}/links`, { kind: "related", target: theirs.id });
    expect(link.status).toBe(201);
    expect(link.body.links.map((l: any) => l.ticket.id)).toEqual([theirs.id]);
    expect((await bob.get(`/api/tickets/${mine.id}`)).body.links).toEqual([]);
    expect((await bob.post(`/api/tickets/${mine.id}/links`, { kind: "related", target: theirs.id })).status).toBe(403);
  });

  it("names team_id when an agent moves a ticket to a team that does not exist", async () => {
    const t = await file(bob, { subject: "Where does this go" });
    const res = await agentX.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: 987654 });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "team_id" })]);
    const create = await agentX.post("/api/tickets", { subject: "Nowhere", team_id: 987654 });
    expect(create.status).toBe(400);
    expect(create.body.error.details[0].field).toBe("team_id");
    expect((await agentX.get(`/api/tickets/${t.id}`)).body.team).toBeNull();
  });
});
