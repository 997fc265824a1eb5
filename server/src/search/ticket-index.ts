/**
 * The search index: one row per ticket (`ticket_search`), built from the ticket's documents in
 * `search_documents` (its subject and description, and each comment's text, as plain text). The
 * row holds the public text and the internal notes apart, so that a requester's search never
 * reads a note; and it is keyed by the ticket, so that a search hands out ticket ids without
 * reading any text (SQLite: the FTS5 rowid is the ticket id; PostgreSQL: a table keyed by it).
 *
 * A ticket's row is written again from all its documents whenever one of them changes: a few
 * documents for most tickets, and the only way to take words out of a contentless index.
 */
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import { prepared } from "../db/prepared.ts";

// Written on every create and comment: compiled once (db/prepared.ts), a named statement on PostgreSQL.
const rebuildRow = {
  postgres: prepared<{ id: number }>((db, p) => {
    const query = sql`insert into ticket_search (ticket_id, public, internal)
      select ${p.id}::int,
        to_tsvector('simple', coalesce(string_agg(body, ' ' order by comment_id nulls first) filter (where internal = 0), '')),
        to_tsvector('simple', coalesce(string_agg(body, ' ' order by comment_id nulls first) filter (where internal <> 0), ''))
      from search_documents where ticket_id = ${p.id}
      on conflict (ticket_id) do update set public = excluded.public, internal = excluded.internal`;
    return { compile: () => query.compile(db) };
  }),
  sqlite: prepared<{ id: number }>((db, p) => {
    const query = sql`insert or replace into ticket_search (rowid, public, internal)
      select ${p.id},
        coalesce(group_concat(body, ' ' order by comment_id) filter (where internal = 0), ''),
        coalesce(group_concat(body, ' ' order by comment_id) filter (where internal <> 0), '')
      from search_documents where ticket_id = ${p.id}`;
    return { compile: () => query.compile(db) };
  }),
};

/** Writes the search row of each ticket again from its documents, in the caller's transaction. */
export async function refreshTicketSearch(tx: AppContext, ticketIds: number[]): Promise<void> {
  for (const id of ticketIds) await rebuildRow[tx.dialect].run(tx.db, { id });
}
