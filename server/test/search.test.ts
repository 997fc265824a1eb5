/**
 * Full-text search of the ticket list: words, prefixes, phrases, who finds which text, text that
 * moves with a merge, and the index built again from a desk's existing text by its migration.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as buildTicketSearch } from "../src/db/migrations/2026-12-07-0022-ticket-search.ts";
import { searchPlan } from "../src/tickets/queries.ts";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

async function file(client: Client, body: Record<string, unknown>) {
  const res = await client.post("/api/tickets", { description: "", format: "text", ...body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.body as { id: number; reference: string };
}

async function comment(client: Client, id: number, body: string, internal = false) {
  const res = await client.post(`/api/tickets/${id}/comments`, { body, format: "text", internal });
  if (res.status !== 201) throw new Error(`comment: ${res.status} ${res.text}`);
}

const found = async (client: Client, q: string) => {
  const res = await client.get(`/api/tickets?q=${encodeURIComponent(q)}&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ id: number }>).map((i) => i.id).sort((a, b) => a - b);
};

const ids = (...tickets: Array<{ id: number }>) => tickets.map((t) => t.id).sort((a, b) => a - b);

describe.each(dialects)("ticket search on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client, requester: Client, other: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    const admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId] });
    requester = await desk.user("requester");
    other = await desk.user("requester");
  });
  afterAll(() => desk.close());

  it("matches a quoted phrase only with its words in order, and a bare word anywhere", async () => {
    const inOrder = await file(requester, { subject: "Laptop", description: "My zorblax will not boot since Monday" });
    const scattered = await file(requester, { subject: "Desktop", description: "The zorblax will boot, but not quickly" });
    expect(await found(agent, '"zorblax will not boot"')).toEqual(ids(inOrder));
    expect(await found(agent, "zorblax will not boot")).toEqual(ids(inOrder, scattered));
    // Case and accents do not matter inside a phrase either.
    expect(await found(agent, '"ZORBLAX Will Not"')).toEqual(ids(inOrder));
    // A phrase and a word together: both must match.
    expect(await found(agent, '"will not boot" desktop')).toEqual([]);
    expect(await found(agent, '"will boot" desktop')).toEqual(ids(scattered));
  });

  it("reads a word ending in * as a prefix, and the last word typed as one too", async () => {
    const printer = await file(requester, { subject: "Quillprinter jammed" });
    const printing = await file(requester, { subject: "Quillprinting is slow" });
    const other2 = await file(requester, { subject: "Quill feather stuck" });
    expect(await found(agent, "quillprint*")).toEqual(ids(printer, printing));
    expect(await found(agent, "quillprint* slow")).toEqual(ids(printing));
    // Not the last word, no star: the whole word only.
    expect(await found(agent, '"quillprint" jammed')).toEqual([]);
    expect(await found(agent, "quillprinter jammed")).toEqual(ids(printer));
    expect(await found(agent, "feather qui")).toEqual(ids(other2));
  });

  it("finds a ticket by words from its description and its replies together", async () => {
    const t = await file(requester, { subject: "Monitor flickers", description: "Started after the grumblewick update" });
    await comment(agent, t.id, "Please try the snorkeldash cable");
    expect(await found(requester, "grumblewick snorkeldash")).toEqual(ids(t));
  });

  it("searches internal notes for agents only, and never another requester's tickets", async () => {
    const t = await file(requester, { subject: "Badge reader broken", description: "The fizzlewort badge reader beeps" });
    await comment(agent, t.id, "Vendor says the quibbleton firmware is faulty", true);
    await comment(agent, t.id, "We have ordered a fizzlewort replacement");

    expect(await found(agent, "quibbleton")).toEqual(ids(t));
    expect(await found(agent, "fizzlewort quibbleton")).toEqual(ids(t));
    expect(await found(agent, '"quibbleton firmware"')).toEqual(ids(t));
    // The requester finds their ticket by its public words, never by a note's.
    expect(await found(requester, "fizzlewort")).toEqual(ids(t));
    expect(await found(requester, "quibbleton")).toEqual([]);
    expect(await found(requester, "quibble*")).toEqual([]);
    expect(await found(requester, "fizzlewort quibbleton")).toEqual([]);
    expect((await requester.get(`/api/tickets/count?q=quibbleton`)).body.count).toBe(0);
    // Another requester finds nothing of it, not even by its reference.
    expect(await found(other, "fizzlewort")).toEqual([]);
    expect(await found(other, t.reference)).toEqual([]);
  });

  it("finds a ticket again by its new words after its description is changed", async () => {
    const t = await file(agent, { subject: "Scanner", description: "The wobblegong scanner is offline" });
    const current = (await agent.get(`/api/tickets/${t.id}`)).body;
    expect((await agent.patch(`/api/tickets/${t.id}`, { version: current.version, description: "The plinkerton scanner is offline", format: "text" })).status).toBe(200);
    expect(await found(agent, "wobblegong")).toEqual([]);
    expect(await found(agent, "plinkerton")).toEqual(ids(t));
  });

  it("moves a merged duplicate's replies to the primary's search row", async () => {
    const primary = await file(requester, { subject: "Phone dead", description: "Desk phone shows nothing" });
    const dup = await file(other, { subject: "Phone also dead", description: "Mine is dead: the dandelock handset" });
    await comment(other, dup.id, "The crinkleberry port light is off");
    await comment(agent, dup.id, "Same switch as the other: wendleroot", true);
    expect((await agent.post(`/api/tickets/${dup.id}/merge`, { into: primary.id })).status).toBe(200);

    // The reply's words now find the primary, with the primary's own words.
    expect(await found(agent, "crinkleberry")).toEqual(ids(primary));
    expect(await found(agent, "crinkleberry desk phone")).toEqual(ids(primary));
    expect(await found(agent, "wendleroot")).toEqual(ids(primary));
    // The duplicate's description stays with the duplicate, which lists no longer show.
    expect(await found(agent, "dandelock")).toEqual([]);
    // The primary's requester finds the moved public reply, not the note that came with it.
    expect(await found(requester, "crinkleberry")).toEqual(ids(primary));
    expect(await found(requester, "wendleroot")).toEqual([]);
  });

  it("gives the same pages for a common word whichever way the desk is searched", async () => {
    // On SQLite a word matching many tickets walks the list's order instead of reading every
    // match (tickets/queries.ts); here a handful of matches counts as many, so both ways run.
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await file(requester, { subject: `Wobblefrost alarm ${i}`, description: i % 2 ? "on the wobblefrost panel" : "" }));
    const pages = async () => {
      const seen: number[][] = [];
      let url = `/api/tickets?q=wobblefrost&limit=3&sort=-updated_at`;
      for (;;) {
        const res = await agent.get(url);
        expect(res.status).toBe(200);
        seen.push((res.body.items as Array<{ id: number }>).map((t) => t.id));
        if (!res.body.next_cursor) return seen;
        url = `/api/tickets?q=wobblefrost&limit=3&sort=-updated_at&cursor=${encodeURIComponent(res.body.next_cursor)}`;
      }
    };
    const byMatches = await pages();
    const saved = searchPlan.commonMatches;
    searchPlan.commonMatches = 2;
    try {
      expect(await pages()).toEqual(byMatches);
    } finally {
      searchPlan.commonMatches = saved;
    }
    expect(byMatches.flat()).toEqual(made.map((t) => t.id).reverse());
  });

  it("still jumps to a ticket by its reference or number", async () => {
    const t = await file(agent, { subject: "Reference jump" });
    expect(await found(agent, t.reference)).toEqual(ids(t));
    expect(await found(agent, t.reference.split("-")[1])).toEqual(ids(t));
  });
});

describe.each(dialects)("the search index migration on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client, requester: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    const admin = await desk.user("admin");
    agent = await desk.user("agent", { teams: [await makeTeam(admin, "Desk")] });
    requester = await desk.user("requester");
  });
  afterAll(() => desk.close());

  it("builds the index from the tickets and comments written before it", async () => {
    const t = await file(requester, { subject: "Old ticket", description: "The gloamingtide router will not start" });
    await comment(requester, t.id, "It blinks amber twice");
    await comment(agent, t.id, "Known fault in the jibberwock batch", true);

    // Back to the search documents as the foundation migration made them, without the new index.
    const db = desk.ctx.db;
    await sql`drop table ticket_search`.execute(db);
    if (dialect === "postgres") {
      await sql`alter table search_documents add column tsv tsvector generated always as (to_tsvector('simple', body)) stored`.execute(db);
      await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
    } else {
      await sql`alter table search_documents rename to search_documents_plain`.execute(db);
      await sql`create virtual table search_documents using fts5(body, ticket_id unindexed, comment_id unindexed, internal unindexed, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
      await sql`insert into search_documents (body, ticket_id, comment_id, internal) select body, ticket_id, comment_id, internal from search_documents_plain`.execute(db);
      await sql`drop table search_documents_plain`.execute(db);
    }

    await buildTicketSearch(db);

    expect(await found(agent, '"router will not start" amber')).toEqual(ids(t));
    expect(await found(agent, "jibberwock")).toEqual(ids(t));
    expect(await found(requester, "gloamingtide blinks")).toEqual(ids(t));
    expect(await found(requester, "jibberwock")).toEqual([]);
    // And the write path keeps working on the rebuilt index.
    await comment(agent, t.id, "Replaced with a quorndash unit");
    expect(await found(requester, "quorndash gloamingtide")).toEqual(ids(t));
  });
});
