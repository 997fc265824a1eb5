/**
 * The few places where SQLite and PostgreSQL differ, kept together: number sequences and
 * recognising constraint violations (full-text search has its own module, server/src/search/).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./schema.ts";
import type { DialectName } from "./connect.ts";
import { prepared } from "./prepared.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** PostgreSQL: the next ticket number as an expression, to draw it inside the insert itself. */
export const nextTicketNumberSql = sql<number>`nextval('ticket_number_seq')::int`;

const bumpTicketNumber = prepared<Record<string, never>, { value: number }>((db) =>
  db
    .updateTable("counters")
    .set({ value: sql`value + 1` })
    .where("name", "=", "ticket_number")
    .returning("value"),
);

/** The next ticket number; one sequence for every ticket type, unique across nodes. */
export async function nextTicketNumber(dialect: DialectName, trx: Executor): Promise<number> {
  if (dialect === "postgres") {
    const r = await sql<{ n: number }>`select ${nextTicketNumberSql} as n`.execute(trx);
    return r.rows[0].n;
  }
  const row = await bumpTicketNumber.first(trx, {});
  if (!row) throw new Error("the ticket number counter is missing");
  return row.value;
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * A boolean as stored on both engines, 1 or 0. Not given (undefined) stays undefined: Kysely
 * leaves such a column out of an update, so a partial change sets only what it names.
 */
export const flagOf = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);

/** Awaits a write; a unique-constraint violation becomes the error `taken` makes (a 409 saying what is taken). */
export async function unlessTaken<T>(write: Promise<T>, taken: () => Error): Promise<T> {
  try {
    return await write;
  } catch (err) {
    throw isUniqueViolation(err) ? taken() : err;
  }
}

/** A comma-separated list of the user's team ids, as one column (saves a query per request). */
export function teamIdsOf(dialect: DialectName, userIdColumn: string) {
  const agg = dialect === "postgres" ? sql`string_agg(team_id::text, ',')` : sql`group_concat(team_id)`;
  return sql<string | null>`(select ${agg} from team_members where user_id = ${sql.ref(userIdColumn)})`;
}
