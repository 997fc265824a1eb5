/**
 * What the ticket operations share: the rules and row access that creating (create.ts),
 * changing (update.ts) and commenting (comments.ts) all need. Every function here runs inside the
 * caller's transaction (ctx.db is a Transaction). The operations themselves live in their own
 * files and never import each other.
 */
import type { Channel } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import type { Actor } from "../auth/actor.ts";
import type { TicketPatch, TicketRow } from "../db/schema.ts";
import { prepared } from "../db/prepared.ts";
import { AppError, forbidden } from "../errors.ts";
import { htmlToText } from "../text/rich-text.ts";
import { refreshTicketSearch } from "../search/ticket-index.ts";
import type { EventInput } from "./events.ts";
import { assertFieldsAllowed } from "./policy.ts";

type Tx = AppContext;

const definedKeys = (o: object) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);

/** Refuses the fields a requester may not set, before anything is read or written. */
export function refuseFields(actor: Actor, input: object, op: "create" | "update") {
  const field = assertFieldsAllowed(actor, definedKeys(input), op);
  if (field) throw forbidden(`Requesters cannot set ${field}.`);
}

const insertSearchDocument = prepared<{ ticket_id: number; comment_id: number | null; internal: 0 | 1; body: string }>((db, p) =>
  db.insertInto("search_documents").values({ ticket_id: p.ticket_id, comment_id: p.comment_id, internal: p.internal, body: p.body }),
);

/** Stores a document's text (a description or a comment) and writes its ticket's search row again. */
export async function indexText(tx: Tx, ticketId: number, commentId: number | null, internal: boolean, text: string) {
  await insertSearchDocument.run(tx.db, { ticket_id: ticketId, comment_id: commentId, internal: internal ? 1 : 0, body: text });
  await refreshTicketSearch(tx, [ticketId]);
}

export async function reindexDescription(tx: Tx, ticket: Pick<TicketRow, "id" | "subject" | "description">) {
  await tx.db.deleteFrom("search_documents").where("ticket_id", "=", ticket.id).where("comment_id", "is", null).execute();
  await indexText(tx, ticket.id, null, false, `${ticket.subject} ${htmlToText(ticket.description)}`);
}

/**
 * How a ticket or reply arrived when it did not come through the API: inbound mail sets these.
 * `trusted`: team, category, type and watchers come from Tessera's own settings (a mailbox),
 * not from the actor, so the requester's field limits do not apply. `at`: the original date of
 * imported mail. `noAutoReply`: recorded in the event so that no automatic answer is sent.
 */
export interface ArrivalOptions {
  via?: string;
  channel?: Channel;
  at?: string;
  watcherIds?: number[];
  noAutoReply?: boolean;
  trusted?: boolean;
}

export class VersionConflict extends AppError {
  constructor(readonly current: TicketRow) {
    super("version_conflict", 409, `This ticket was changed by someone else (it is now at version ${current.version}). Review the current state and apply your change again.`);
  }
}

const ticketById = prepared<{ id: number }, TicketRow>((db, p) => db.selectFrom("tickets").selectAll().where("id", "=", p.id));
const ticketForUpdate = prepared<{ id: number }, TicketRow>((db, p) => db.selectFrom("tickets").selectAll().where("id", "=", p.id).forUpdate());

/** Reads the ticket row for a change; on PostgreSQL the row stays locked until commit. */
export async function lockTicket(tx: Tx, id: number): Promise<TicketRow> {
  // SQLite has one writer at a time: the transaction already holds the whole database.
  const row = await (tx.dialect === "postgres" ? ticketForUpdate : ticketById).first(tx.db, { id });
  if (!row) throw new Error(`no ticket has the id ${id}`);
  return row;
}

/**
 * Reopening undoes the resolution: the old note stays in the audit trail, and the next
 * resolution must say afresh what fixed it.
 */
export function reopen(t: TicketRow, patch: TicketPatch, events: EventInput[], by: "status" | "reply") {
  patch.resolved_at = null;
  events.push({ action: "reopened", new: { by } });
  if (patch.resolution_note === undefined && t.resolution_note) {
    patch.resolution_note = null;
    events.push({ action: "field_changed", field: "resolution_note", old: t.resolution_note, new: null });
  }
}
