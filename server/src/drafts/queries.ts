/** Reading drafts: one agent's own, and who has one on which tickets (never the text). */
import type { DraftMarker, NamedRef } from "@tessera/contracts";
import { sql } from "kysely";
import type { Executor } from "../context.ts";
import type { DialectName } from "../db/connect.ts";
import { readJson } from "../db/json.ts";

/** The agent's own draft on a ticket, if any. */
export function findDraft(db: Executor, ticketId: number, userId: number) {
  return db.selectFrom("reply_drafts").selectAll().where("ticket_id", "=", ticketId).where("user_id", "=", userId).executeTakeFirst();
}

/** Who has a draft on one ticket, newest first: for the ticket's own page. */
export async function draftMarkers(db: Executor, ticketId: number): Promise<DraftMarker[]> {
  const rows = await db
    .selectFrom("reply_drafts")
    .innerJoin("users", "users.id", "reply_drafts.user_id")
    .select(["users.id", "users.name", "reply_drafts.mode", "reply_drafts.updated_at"])
    .where("reply_drafts.ticket_id", "=", ticketId)
    .orderBy("reply_drafts.updated_at", "desc")
    .orderBy("users.id")
    .execute();
  return rows.map((r) => ({ user: { id: r.id, name: r.name }, mode: r.mode, updated_at: r.updated_at }));
}

/**
 * The authors of drafts on `tickets.id`, as one column of the list query: a correlated subquery
 * on the (ticket_id, user_id) primary key, so it costs one index probe per row of the page and
 * no extra round trip. Both engines aggregate to JSON; read it back with readDraftBy().
 */
export function draftByColumn(dialect: DialectName) {
  const agg =
    dialect === "postgres"
      ? sql`json_agg(json_build_object('id', users.id, 'name', users.name) order by users.name, users.id)`
      : sql`json_group_array(json_object('id', users.id, 'name', users.name))`;
  return sql<string | NamedRef[] | null>`(select ${agg} from reply_drafts join users on users.id = reply_drafts.user_id where reply_drafts.ticket_id = tickets.id)`;
}

/** The list column back as names, sorted the same on both engines ([] when nobody drafts). */
export function readDraftBy(value: string | NamedRef[] | null | undefined): NamedRef[] {
  if (!value) return [];
  const list = readJson<NamedRef[]>(value);
  return list.filter((u) => u && u.id != null).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}
