/** The list's text condition, one per engine, over the search index of search/ticket-index.ts. */
import { sql, type Expression, type SqlBool } from "kysely";
import type { Executor } from "../context.ts";
import type { DialectName } from "../db/connect.ts";
import { fts5Query, tsQuery, type SearchClause } from "./query.ts";

/**
 * A condition "tickets.id is among the tickets whose text matches every clause" (search/query.ts).
 * The index holds one row per ticket, its public text apart from its internal notes
 * (search/ticket-index.ts); internal notes are searched only for callers who may read them.
 * Each engine hands out ticket ids without reading any text: FTS5's rowid is the ticket's id;
 * on PostgreSQL the planner either reads the GIN index (a rare word) or walks the tickets in the
 * list's order and tests each one's tsvector (a common word, a phrase).
 */
export function ticketTextMatch(dialect: DialectName, clauses: SearchClause[], includeInternal: boolean, walk = false): Expression<SqlBool> {
  if (dialect === "postgres") {
    // The GIN index holds both columns together; a requester's search finds its candidates there
    // too, and keeps those whose public text matches.
    const query = sql`to_tsquery('simple', ${tsQuery(clauses)})`;
    const publicOnly = includeInternal ? sql`` : sql` and public @@ ${query}`;
    return sql<SqlBool>`tickets.id in (select ticket_id from ticket_search where (public || internal) @@ ${query}${publicOnly})`;
  }
  // SQLite's planner cannot tell a word in 4 tickets from one in 55,000 (FTS5 gives it no
  // estimate), so it always starts from the matches and sorts them: right for a rare word, and
  // 60-150 ms for a common one on a million tickets. `walk` (the caller has counted the matches,
  // countTextMatches) hides the ids from the planner as an index key ("+"): it then walks the
  // list's order and keeps the tickets among the matches, held once in a temporary b-tree.
  const query = fts5Query(clauses, includeInternal ? undefined : "public");
  return walk
    ? sql<SqlBool>`+tickets.id in (select rowid from ticket_search where ticket_search match ${query})`
    : sql<SqlBool>`tickets.id in (select rowid from ticket_search where ticket_search match ${query})`;
}

/** SQLite: how many tickets' text matches, counted in the index alone and up to `atMost` (3 ms for 55,000 on a million tickets). */
export async function countTextMatches(db: Executor, clauses: SearchClause[], includeInternal: boolean, atMost: number): Promise<number> {
  const query = fts5Query(clauses, includeInternal ? undefined : "public");
  const r = await sql<{ n: number }>`select count(*) as n from (select 1 from ticket_search where ticket_search match ${query} limit ${atMost})`.execute(db);
  return Number(r.rows[0].n);
}
