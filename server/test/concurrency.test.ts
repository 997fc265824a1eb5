/**
 * Many hands on one ticket: versions refuse lost updates, numbers never repeat, concurrent
 * comments are all kept, and an Idempotency-Key turns retries into one ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

async function file(client: Client, body: Record<string, unknown>) {
  const res = await client.post("/api/tickets", { description: "", format: "text", ...body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body;
}

const countMine = async (client: Client, q: string) => {
  const res = await client.get(`/api/tickets?requester=me&limit=200&q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.items.length as number;
};

describe.each(dialects)("concurrency on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client, agent2: Client, requester: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    const team = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [team] });
    agent2 = await desk.user("agent", { teams: [team] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  describe("versions", () => {
    it("refuses a change made from a stale version with 409 and the current ticket", async () => {
      const t = await file(requester, { subject: "Original" });
      const first = await agent.patch(`/api/tickets/${t.id}`, { version: t.version, subject: "First edit" });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(t.version + 1);
      expect(first.headers.etag).toBe(`"${t.version + 1}"`);

      const stale = await agent2.patch(`/api/tickets/${t.id}`, { version: t.version, subject: "Second edit" });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe("version_conflict");
      expect(stale.body.error.details.current).toMatchObject({ id: t.id, subject: "First edit", version: t.version + 1 });
      expect((await agent.get(`/api/tickets/${t.id}`)).body.subject).toBe("First edit");
      const events = (await agent.get(`/api/tickets/${t.id}/events`)).body.filter((e: any) => e.field === "subject");
      expect(events.map((e: any) => e.new_value)).toEqual(["First edit"]);
    });

    it("takes the version as an If-Match header too", async () => {
      const t = await file(requester, { subject: "Header" });
      const read = await agent.get(`/api/tickets/${t.id}`);
      expect(read.headers.etag).toBe(`"${t.version}"`);
      const ok = await agent.patch(`/api/tickets/${t.id}`, { subject: "Via If-Match" }, { "if-match": read.headers.etag as string });
      expect(ok.status).toBe(200);
      const stale = await agent2.patch(`/api/tickets/${t.id}`, { subject: "Late" }, { "if-match": read.headers.etag as string });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe("version_conflict");
      expect(stale.body.error.details.current.subject).toBe("Via If-Match");
      const weak = await agent2.patch(`/api/tickets/${t.id}`, { subject: "Weak etag" }, { "if-match": `W/"${ok.body.version}"` });
      expect(weak.status).toBe(200);
      const disagree = await agent.patch(`/api/tickets/${t.id}`, { version: weak.body.version, subject: "x" }, { "if-match": `"${weak.body.version - 1}"` });
      expect(disagree.status).toBe(400);
      expect((await agent.patch(`/api/tickets/${t.id}`, { subject: "x" }, { "if-match": "garbage" })).status).toBe(400);
    });

    it("requires a version: a change without one answers 428 and changes nothing", async () => {
      const t = await file(requester, { subject: "Blind" });
      const res = await agent.patch(`/api/tickets/${t.id}`, { subject: "Overwrite" });
      expect(res.status).toBe(428);
      expect(res.body.error.message).toMatch(/version/);
      expect((await agent.get(`/api/tickets/${t.id}`)).body.subject).toBe("Blind");
    });

    it("answers a change only once it is stored, so the next read already sees it", async () => {
      const t = await file(requester, { subject: "Read your writes" });
      let version = t.version;
      for (let i = 0; i < 40; i++) {
        const res = await agent.patch(`/api/tickets/${t.id}`, { version, subject: `Write ${i}` });
        expect(res.status).toBe(200);
        version = res.body.version;
        const read = await agent2.get(`/api/tickets/${t.id}`);
        expect(read.body).toMatchObject({ subject: `Write ${i}`, version });
      }
      const res = await agent.post(`/api/tickets/${t.id}/comments`, { body: "done", format: "text" });
      expect(res.status).toBe(201);
      expect((await agent2.get(`/api/tickets/${t.id}/comments`)).body.map((c: any) => c.id)).toContain(res.body.id);
    });

    it("lets exactly one of 20 simultaneous saves of the same version win", async () => {
      const t = await file(requester, { subject: "Contended" });
      const agents = await Promise.all(Array.from({ length: 20 }, () => desk.user("agent")));
      const results = await Promise.all(agents.map((a, i) => a.patch(`/api/tickets/${t.id}`, { version: t.version, subject: `Edit ${i}` })));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const winner = results.findIndex((r) => r.status === 200);
      const now = (await agent.get(`/api/tickets/${t.id}`)).body;
      expect(now.subject).toBe(`Edit ${winner}`);
      expect(now.version).toBe(t.version + 1);
      const events = (await agent.get(`/api/tickets/${t.id}/events`)).body.filter((e: any) => e.field === "subject");
      expect(events).toHaveLength(1);
      expect(events[0].actor.id).toBe(agents[winner].user!.id);
    });
  });

  it("gives 50 simultaneous creates 50 different reference numbers", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => requester.post("/api/tickets", { subject: `Rush ${i}`, type: i % 2 ? "incident" : "service_request" })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = new Set(results.map((r) => r.body.number));
    expect(numbers.size).toBe(50);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(50);
    expect(await countMine(requester, "Rush")).toBe(50);
  });

  it("keeps all of 30 simultaneous comments on one ticket, in one order", async () => {
    const t = await file(requester, { subject: "Busy thread" });
    const writers = [agent, agent2, requester];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => writers[i % 3].post(`/api/tickets/${t.id}/comments`, { body: `Comment number ${i}`, format: "text" })));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    const stored = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    expect(stored).toHaveLength(30);
    expect(stored.map((c: any) => c.body).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `<p>Comment number ${i}</p>`).sort());
    const ids = stored.map((c: any) => c.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    const events = (await agent.get(`/api/tickets/${t.id}/events`)).body.filter((e: any) => e.action === "reply_added");
    expect(events).toHaveLength(30);
  });

  describe("idempotency keys", () => {
    it("answers a repeated create with the first ticket instead of making another", async () => {
      const key = `create-${dialect}-1`;
      const body = { subject: "Idempotent printer", description: "once" };
      const first = await requester.post("/api/tickets", body, { "idempotency-key": key });
      expect(first.status).toBe(201);
      expect(first.headers["idempotent-replayed"]).toBeUndefined();
      const second = await requester.post("/api/tickets", body, { "idempotency-key": key });
      expect(second.status).toBe(201);
      expect(second.headers["idempotent-replayed"]).toBe("true");
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.reference).toBe(first.body.reference);
      expect(await countMine(requester, "Idempotent printer")).toBe(1);
    });

    it("refuses the same key with a different body", async () => {
      const key = `create-${dialect}-2`;
      expect((await requester.post("/api/tickets", { subject: "Key reuse one" }, { "idempotency-key": key })).status).toBe(201);
      const other = await requester.post("/api/tickets", { subject: "Key reuse two" }, { "idempotency-key": key });
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe("idempotency_key_reused");
      expect(await countMine(requester, "reuse")).toBe(1);
    });

    it("keeps keys per caller", async () => {
      const key = `shared-key-${dialect}`;
      const body = { subject: "Same words, two people" };
      const mine = await requester.post("/api/tickets", body, { "idempotency-key": key });
      const someoneElse = await desk.user("requester");
      const theirs = await someoneElse.post("/api/tickets", body, { "idempotency-key": key });
      expect(theirs.status).toBe(201);
      expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
      expect(theirs.body.id).not.toBe(mine.body.id);
      expect(theirs.body.requester.id).toBe(someoneElse.user!.id);
    });

    it("makes one ticket from 10 simultaneous requests with one key", async () => {
      const key = `burst-${dialect}`;
      const body = { subject: "Burst retry widget" };
      const results = await Promise.all(Array.from({ length: 10 }, () => requester.post("/api/tickets", body, { "idempotency-key": key })));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(results.filter((r) => r.headers["idempotent-replayed"] === "true")).toHaveLength(9);
      expect(await countMine(requester, "Burst retry widget")).toBe(1);
    });

    it("expires a key after a day", async () => {
      const key = `old-${dialect}`;
      const body = { subject: "Yesterday's key" };
      const first = await requester.post("/api/tickets", body, { "idempotency-key": key });
      desk.clock.advance(25 * 3_600_000);
      const later = await requester.post("/api/tickets", body, { "idempotency-key": key });
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
    });
  });
});
