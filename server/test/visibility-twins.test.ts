/**
 * The visibility rule exists twice: as SQL (visibleTo, for every read) and in memory
 * (seesTicket, for the live stream). Here both judge every combination of who asks and what
 * the ticket is, and must agree; a change to one that is not made to the other fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../src/auth/actor.ts";
import { seesTicket, visibleTo } from "../src/tickets/policy.ts";
import { createDesk, dialects, makeTeam, type TestDesk } from "./harness.ts";

describe.each(dialects)("the SQL and in-memory visibility rules on %s", (dialect) => {
  let desk: TestDesk;
  let actors: Actor[];
  let ticketIds: number[];

  beforeAll(async () => {
    desk = await createDesk(dialect);
    const admin = await desk.user("admin");
    const teamA = await makeTeam(admin, "Team A");
    const teamB = await makeTeam(admin, "Team B");
    const sharing = (await admin.post("/api/organizations", { name: "Sharing", shares_tickets: true })).body.id as number;
    const closed = (await admin.post("/api/organizations", { name: "Private", shares_tickets: false })).body.id as number;
    const people = {
      admin,
      agentA: await desk.user("agent", { teams: [teamA] }),
      loneAgent: await desk.user("agent"),
      supervisorB: await desk.user("supervisor", { teams: [teamB] }),
      sharer: await desk.user("requester", { organization_id: sharing }),
      colleague: await desk.user("requester", { organization_id: sharing }),
      privateOne: await desk.user("requester", { organization_id: closed }),
      loner: await desk.user("requester"),
    };
    const teamsOf: Record<number, number[]> = { [people.agentA.user!.id]: [teamA], [people.supervisorB.user!.id]: [teamB] };
    const orgOf: Record<number, number | null> = { [people.sharer.user!.id]: sharing, [people.colleague.user!.id]: sharing, [people.privateOne.user!.id]: closed };
    actors = Object.values(people).map((c) => {
      const u = c.user!;
      return { id: u.id, role: u.role, email: u.email, name: u.name, organization_id: orgOf[u.id] ?? null, team_ids: teamsOf[u.id] ?? [], auth: "token" } as Actor;
    });

    // Every combination of team, assignee, requester (with their organization), creator and
    // draft-or-not, each ticket written straight into the row after a normal create.
    const ids = actors.map((a) => a.id);
    const requesters = [people.sharer, people.privateOne, people.loner, people.agentA].map((c) => c.user!.id);
    ticketIds = [];
    for (const team of [null, teamA, teamB])
      for (const assignee of [null, people.agentA.user!.id, people.loneAgent.user!.id])
        for (const requester of requesters)
          for (const draft of [false, true]) {
            const res = await admin.post("/api/tickets", { subject: "Combination", description: "", format: "text" });
            expect(res.status, res.text).toBe(201);
            const creator = draft ? ids[(ticketIds.length * 3) % ids.length] : requester;
            await desk.ctx.db
              .updateTable("tickets")
              .set({
                team_id: team,
                assignee_id: assignee,
                requester_id: requester,
                organization_id: orgOf[requester] ?? null,
                created_by_id: creator,
                status_category: draft ? "draft" : "open",
              })
              .where("id", "=", res.body.id)
              .execute();
            ticketIds.push(res.body.id);
          }
    // A few watchers: the lone agent and the lone requester each watch some of them.
    for (const [i, id] of ticketIds.entries()) {
      if (i % 5 === 0) await desk.ctx.db.insertInto("ticket_watchers").values({ ticket_id: id, user_id: people.loneAgent.user!.id }).execute();
      if (i % 7 === 0) await desk.ctx.db.insertInto("ticket_watchers").values({ ticket_id: id, user_id: people.loner.user!.id }).execute();
    }
  });
  afterAll(async () => desk?.close());

  it("agree on every ticket for every kind of person", async () => {
    const db = desk.ctx.db;
    const rows = await db.selectFrom("tickets").select(["id", "team_id", "requester_id", "assignee_id", "organization_id", "status_category", "created_by_id"]).where("id", "in", ticketIds).execute();
    const watchers = new Set((await db.selectFrom("ticket_watchers").selectAll().execute()).map((w) => `${w.ticket_id}:${w.user_id}`));
    const sharingOrgs = new Set((await db.selectFrom("organizations").select("id").where("shares_tickets", "=", 1).execute()).map((o) => o.id));
    let seenSomewhere = 0;
    for (const actor of actors) {
      const bySql = (await db.selectFrom("tickets").select("id").where("id", "in", ticketIds).where(visibleTo(actor)).execute()).map((r) => r.id).sort((a, b) => a - b);
      const inMemory = rows
        .filter((t) => seesTicket(actor, t, watchers.has(`${t.id}:${actor.id}`), t.organization_id != null && sharingOrgs.has(t.organization_id)))
        .map((t) => t.id)
        .sort((a, b) => a - b);
      expect(inMemory, `${actor.role} ${actor.name}`).toEqual(bySql);
      if (bySql.length > 0 && bySql.length < ticketIds.length) seenSomewhere++;
    }
    // The combinations do tell people apart: most see some tickets but not all.
    expect(seenSomewhere).toBeGreaterThanOrEqual(actors.length - 2);
  });
});
