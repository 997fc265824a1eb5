/**
 * Reading the committed event log in commit-safe order, for the durable consumers, the public
 * event log and the live stream alike.
 *
 * PostgreSQL hands out ids from a sequence before commit, so ids do not commit in order: a
 * reader that remembers "after id 11" would skip an id 10 whose transaction commits later.
 * Every event carries the id of the transaction that wrote it (`xact_id`); a reader asks for the
 * oldest transaction still running (the xmin of a fresh snapshot) and takes only events of
 * older transactions, which have all finished, ordered by (xact_id, id). Transactions that start
 * later get larger ids, so nothing can appear behind the cursor afterwards. The price: a
 * transaction left open anywhere on the database server holds every reader back until it ends.
 * SQLite has one writer at a time, so id order is commit order; there `xact_id` is always 0.
 */
import { sql, type Selectable } from "kysely";
import type { Executor } from "../context.ts";
import type { DialectName } from "../db/connect.ts";
import type { TicketEventsTable } from "../db/schema.ts";

/** A position in the log: the (transaction id, event id) of the last event read. */
export interface FeedCursor {
  /** Decimal digits: PostgreSQL transaction ids are 64-bit. */
  xact: string;
  id: number;
}

export type FeedEvent = Selectable<TicketEventsTable>;

/** Before the first event. */
export const LOG_START: FeedCursor = { xact: "0", id: 0 };

export const cursorOf = (e: Pick<FeedEvent, "xact_id" | "id">): FeedCursor => ({ xact: String(e.xact_id), id: Number(e.id) });

/** The oldest transaction that may still be running; undefined on SQLite, where everything readable is final. */
async function safeHorizon(db: Executor, dialect: DialectName): Promise<string | undefined> {
  if (dialect !== "postgres") return undefined;
  const { rows } = await sql<{ h: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as h`.execute(db);
  return rows[0].h;
}

const xactParam = (dialect: DialectName, xact: string) => (dialect === "postgres" ? xact : Number(xact));

/**
 * Up to `limit` events after `after` whose transactions have all finished, oldest first. Call it
 * first thing in a transaction or outside one: later statements see at least those commits.
 */
export async function readCommitted(db: Executor, dialect: DialectName, after: FeedCursor, limit: number): Promise<FeedEvent[]> {
  const horizon = await safeHorizon(db, dialect);
  // SQLite: every xact_id is 0, so id alone orders the log and its primary key finds the place.
  // PostgreSQL: a row comparison, which walks the (xact_id, id) index from the cursor on (an OR
  // of the two conditions would read the whole index on a log of millions).
  if (dialect === "sqlite") return db.selectFrom("ticket_events").selectAll().where("id", ">", after.id).orderBy("id").limit(limit).execute();
  return db
    .selectFrom("ticket_events")
    .selectAll()
    .where((eb) => eb(eb.refTuple("xact_id", "id"), ">", eb.tuple(xactParam(dialect, after.xact), after.id)))
    .$if(horizon !== undefined, (q) => q.where("xact_id", "<", horizon!))
    .orderBy("xact_id")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** The position after every event already safe to read: a reader starting here sees only what comes next. */
export async function headCursor(db: Executor, dialect: DialectName): Promise<FeedCursor> {
  const horizon = await safeHorizon(db, dialect);
  const last = await db
    .selectFrom("ticket_events")
    .select(["xact_id", "id"])
    .$if(horizon !== undefined, (q) => q.where("xact_id", "<", horizon!))
    .orderBy("xact_id", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return last ? cursorOf(last) : LOG_START;
}

/** The position after the last event visible now, committed or not yet safe to read (for draining). */
export async function visibleEnd(db: Executor): Promise<FeedCursor> {
  const last = await db.selectFrom("ticket_events").select(["xact_id", "id"]).orderBy("xact_id", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  return last ? cursorOf(last) : LOG_START;
}

export function cursorBefore(a: FeedCursor, b: FeedCursor): boolean {
  const ax = BigInt(a.xact);
  const bx = BigInt(b.xact);
  return ax < bx || (ax === bx && a.id < b.id);
}

// ---- the opaque cursor integrators pass back -----------------------------------------------

/** An opaque string for a position: integrators store it and pass it back, never parse it. */
export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(`${c.xact}:${c.id}`, "utf8").toString("base64url");
}

const MAX_XACT = 2n ** 63n - 1n;

/** The position a cursor string names, or undefined when it is not one Tessera issued. */
export function decodeCursor(s: string): FeedCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,60}$/.test(s)) return undefined;
  const m = /^(\d{1,19}):(\d{1,15})$/.exec(Buffer.from(s, "base64url").toString("utf8"));
  if (!m || BigInt(m[1]) > MAX_XACT || Number(m[2]) > Number.MAX_SAFE_INTEGER) return undefined;
  return { xact: BigInt(m[1]).toString(), id: Number(m[2]) };
}
