/** GET /api/tickets/count: the filters of the list, and `at_most` to stop counting early. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createDesk, dialects, type TestDesk } from "./harness.ts";

describe.each(dialects)("ticket counts on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;
  beforeAll(async () => {
    desk = await createDesk(dialect);
    agent = await desk.user("agent");
    for (let i = 0; i < 3; i++) expect((await agent.post("/api/tickets", { subject: `Printer ${i} jams`, description: "Paper stuck." })).status).toBe(201);
  });
  afterAll(() => desk.close());

  it("counts every match, or stops at at_most", async () => {
    expect((await agent.get("/api/tickets/count?status_category=new")).body.count).toBe(3);
    expect((await agent.get("/api/tickets/count?status_category=new&at_most=2")).body.count).toBe(2);
    expect((await agent.get("/api/tickets/count?status_category=new&at_most=1000")).body.count).toBe(3);
    expect((await agent.get("/api/tickets/count?status_category=new,open,awaiting_requester,awaiting_third_party,awaiting_approval&at_most=1000")).body.count).toBe(3);
  });

  it("refuses an at_most that is not a positive whole number", async () => {
    for (const bad of ["0", "-1", "1.5", "many"]) expect((await agent.get(`/api/tickets/count?at_most=${bad}`)).status).toBe(400);
  });
});
