/**
 * The people a message copies in (To and Cc): they join the ticket as watchers and from then on
 * get its public replies by mail. That widens who reads the ticket, so it happens on the
 * sender's word only when the sender is proven (see copiesMustWait in trust.ts); otherwise the
 * copies wait here, as a held "add these watchers?" question on the ticket, for an agent who can
 * see it to accept or reject. Every decision is a ticket event.
 */
import type { Actor } from "../../auth/actor.ts";
import type { AppContext } from "../../context.ts";
import type { TicketRow, UserRow } from "../../db/schema.ts";
import { conflict } from "../../errors.ts";
import { recordEvents } from "../../tickets/events.ts";
import { onVisibleTicket } from "../../tickets/policy.ts";
import { lockTicket } from "../../tickets/service.ts";
import { notifyAgentsOfTicket } from "./held.ts";
import { findOrCreatePerson } from "../../people/create.ts";
import type { Address, ParsedMail } from "./parse.ts";
import type { CopiesReason } from "./tables.ts";

/** Most people copied on one message who become watchers. */
const MAX_COPIED = 20;

/** The people a message is addressed or copied to (To and Cc), besides its sender and our own addresses. */
export function copiedAddresses(mail: Pick<ParsedMail, "to" | "cc">, author: Pick<UserRow, "email">, ours: Set<string>): Address[] {
  return [...new Map([...mail.to, ...mail.cc].map((a) => [a.address, a])).values()].filter((a) => !ours.has(a.address) && a.address !== author.email).slice(0, MAX_COPIED);
}

/** The people among `addresses` who do not follow the ticket yet (neither its requester nor a watcher). */
async function newcomers(tx: AppContext, ticket: Pick<TicketRow, "id" | "requester_id">, addresses: Address[]): Promise<Address[]> {
  if (!addresses.length) return [];
  const known = await tx.db
    .selectFrom("users")
    .leftJoin("ticket_watchers", (j) => j.onRef("ticket_watchers.user_id", "=", "users.id").on("ticket_watchers.ticket_id", "=", ticket.id))
    .select(["users.email", "users.id", "ticket_watchers.user_id as watching"])
    .where(
      "users.email",
      "in",
      addresses.map((a) => a.address),
    )
    .execute();
  const following = new Set(known.filter((k) => k.watching != null || k.id === ticket.requester_id).map((k) => k.email));
  return addresses.filter((a) => !following.has(a.address));
}

/**
 * Makes people watchers of a ticket (creating the unknown ones as requesters without a
 * password), recorded as a change of watchers by `actor`. Returns how many joined.
 */
export async function addWatchers(tx: AppContext, ticket: Pick<TicketRow, "id" | "requester_id">, addresses: Address[], actor: Actor, now: string): Promise<number> {
  if (!addresses.length) return 0;
  const before = (await tx.db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", ticket.id).execute()).map((r) => r.user_id);
  const ids: number[] = [];
  for (const a of addresses) ids.push((await findOrCreatePerson(tx, { email: a.address, name: a.name })).id);
  const added = [...new Set(ids)].filter((id) => id !== ticket.requester_id && !before.includes(id));
  if (!added.length) return 0;
  await tx.db
    .insertInto("ticket_watchers")
    .values(added.map((user_id) => ({ ticket_id: ticket.id, user_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  const sorted = (list: number[]) => [...list].sort((x, y) => x - y);
  await recordEvents(tx.db, ticket.id, actor, "email", now, [{ action: "field_changed", field: "watchers", old: sorted(before), new: sorted([...before, ...added]) }]);
  return added.length;
}

const WHY: Record<CopiesReason, string> = {
  tag_only: "the reply was recognised only by the ticket's tag in its subject, and its sender is not authenticated",
  unsigned_thread: "the reply does not answer mail Tessera signed, and its sender is not authenticated",
  tagged_new_ticket: "the message carries another ticket's tag, and its sender is not authenticated",
};

/**
 * Holds the people a message copied in for an agent's decision, leaving those who already
 * follow the ticket out. Nothing is held (and nobody told) when nobody new remains.
 */
export async function holdCopies(
  tx: AppContext,
  input: { ticket: Pick<TicketRow, "id" | "requester_id">; messageRowId: number; from: string; addresses: Address[]; reason: CopiesReason; now: string },
): Promise<number | null> {
  const addresses = await newcomers(tx, input.ticket, input.addresses);
  if (!addresses.length) return null;
  const row = await tx.db
    .insertInto("mail_held_copies")
    .values({
      ticket_id: input.ticket.id,
      mail_message_id: input.messageRowId,
      from_address: input.from,
      addresses: JSON.stringify(addresses.map((a) => ({ address: a.address, name: a.name }))),
      reason: input.reason,
      status: "held",
      decided_by_id: null,
      decided_at: null,
      created_at: input.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const list = addresses.map((a) => a.address);
  await recordEvents(tx.db, input.ticket.id, undefined, "email", input.now, [{ action: "mail_copies_held", new: { held_copies_id: row.id, from: input.from, addresses: list, reason: input.reason } }]);
  await notifyAgentsOfTicket(tx, input.ticket.id, (ref) => `${ref} — ${input.from} copied ${list.join(", ")}: add as watchers? (${WHY[input.reason]})`, input.now);
  return row.id;
}

/** A held-copies question the actor may decide on: its ticket must be one they can see. */
export async function findHeldCopies(ctx: AppContext, actor: Actor, id: number) {
  const row = await ctx.db.selectFrom("mail_held_copies").selectAll().where("id", "=", id).executeTakeFirst();
  return onVisibleTicket(ctx.db, actor, row, "The held copies");
}

export const heldAddresses = (json: string): Address[] => JSON.parse(json) as Address[];

/**
 * Decides on held copies: accepted, the people join the ticket as watchers (a change of
 * watchers by the agent); rejected, nobody joins. Either way the decision is a ticket event.
 */
export async function decideHeldCopies(ctx: AppContext, actor: Actor, id: number, accept: boolean): Promise<void> {
  const held = await findHeldCopies(ctx, actor, id);
  if (held.status !== "held") throw conflict("These copies were already decided on.");
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const tx: AppContext = { ...ctx, db: trx };
    const done = await trx
      .updateTable("mail_held_copies")
      .set({ status: accept ? "accepted" : "rejected", decided_by_id: actor.id, decided_at: now })
      .where("id", "=", id)
      .where("status", "=", "held")
      .executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw conflict("These copies were already decided on.");
    const addresses = heldAddresses(held.addresses);
    let added = 0;
    if (accept) {
      const ticket = await lockTicket(tx, held.ticket_id);
      added = await addWatchers(tx, ticket, addresses, actor, now);
    }
    await recordEvents(trx, held.ticket_id, actor, "email", now, [
      { action: accept ? "mail_copies_accepted" : "mail_copies_rejected", new: { held_copies_id: id, addresses: addresses.map((a) => a.address), added } },
    ]);
  });
  await ctx.durable();
}
