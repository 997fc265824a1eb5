import { sql, type Kysely } from "kysely";
import { isPostgres } from "./columns.ts";

/**
 * Search by ticket (bench/README.md, "Reads at scale"). The index had one row per document (a
 * description or a comment), and reading which ticket each match belonged to cost more than the
 * match: on SQLite the `ticket_id` stood after the body in FTS5's content table (650 ms for a
 * common word on a million tickets); on PostgreSQL a phrase read every matching document from the
 * heap. Now `ticket_search` holds one row per ticket, keyed by the ticket's id, with its public
 * text and its internal notes in two columns (a requester's search reads only the first):
 *
 * - SQLite: a contentless FTS5 table (`contentless_delete`, so a ticket's row can be written
 *   again when its text changes) whose rowid is the ticket id; the same tokenizer as before.
 * - PostgreSQL: a table of two tsvectors per ticket and a GIN index of both together.
 *
 * `search_documents` stays, as plain text per document (the source a ticket's row is built from,
 * server/src/search/ticket-index.ts): on SQLite it becomes an ordinary table indexed by ticket; on
 * PostgreSQL it loses its tsvector and GIN index. The rows are built here from the documents, in
 * the order the write path builds them (the description, then the comments by id).
 */
/** Tickets per statement when PostgreSQL builds the rows. */
const RANGE = 50_000;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create table ticket_search (
      ticket_id integer primary key references tickets(id) on delete cascade,
      public tsvector not null,
      internal tsvector not null
    )`.execute(db);
    // In ranges of tickets: each statement stays well inside the connection's query timeout
    // (35 s for a million tickets in one statement, on a small machine).
    const { last } = (await sql<{ last: number | null }>`select max(ticket_id) as last from search_documents`.execute(db)).rows[0];
    for (let from = 0; from <= (last ?? -1); from += RANGE) {
      await sql`insert into ticket_search (ticket_id, public, internal)
        select ticket_id,
          to_tsvector('simple', coalesce(string_agg(body, ' ' order by comment_id nulls first) filter (where internal = 0), '')),
          to_tsvector('simple', coalesce(string_agg(body, ' ' order by comment_id nulls first) filter (where internal <> 0), ''))
        from search_documents where ticket_id >= ${from} and ticket_id < ${from + RANGE} group by ticket_id`.execute(db);
    }
    await sql`set maintenance_work_mem = '256MB'`.execute(db);
    await sql`create index ticket_search_text on ticket_search using gin ((public || internal))`.execute(db);
    await sql`reset maintenance_work_mem`.execute(db);
    await sql`alter table search_documents drop column tsv`.execute(db);
    await sql`analyze ticket_search`.execute(db);
    return;
  }
  await sql`alter table search_documents rename to search_documents_fts`.execute(db);
  await sql`create table search_documents (
    ticket_id integer not null references tickets(id) on delete cascade,
    comment_id integer,
    internal integer not null default 0,
    body text not null
  )`.execute(db);
  await sql`insert into search_documents (ticket_id, comment_id, internal, body) select ticket_id, comment_id, internal, body from search_documents_fts`.execute(db);
  await sql`create index search_documents_ticket on search_documents (ticket_id, comment_id)`.execute(db);
  await sql`drop table search_documents_fts`.execute(db);
  await sql`create virtual table ticket_search using fts5(
    public, internal,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`insert into ticket_search (rowid, public, internal)
    select ticket_id,
      coalesce(group_concat(body, ' ' order by comment_id) filter (where internal = 0), ''),
      coalesce(group_concat(body, ' ' order by comment_id) filter (where internal <> 0), '')
    from search_documents group by ticket_id`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
