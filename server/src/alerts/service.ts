/**
 * What an alert does to tickets. A firing alert opens an incident, or adds an internal note to
 * the open ticket that already tracks its fingerprint (reopening it if it was resolved); a
 * resolved alert adds a note and, when the settings say so, resolves the ticket. The same
 * notification delivered again (Alertmanager retries, and repeats while an alert fires) changes
 * nothing on the ticket but is counted: an occurrence and the time it was last seen, folded in
 * memory and written in batches (repeats.ts). Concurrent identical alerts open one ticket:
 * alert_incidents has one row per (source, fingerprint), and the transaction that loses the
 * race on it starts over and finds the winner's ticket.
 */
import type { AlertResult, AlertSettings } from "@tessera/contracts";
import { sql } from "kysely";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import type { TicketRow } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { recordEvents } from "../tickets/events.ts";
import { addLink } from "../tickets/links.ts";
import { addComment } from "../tickets/comments.ts";
import { lockTicket } from "../tickets/service.ts";
import { createTicket } from "../tickets/create.ts";
import { updateTicket } from "../tickets/update.ts";
import { referenceOf } from "../tickets/reference.ts";
import { defaultStatusOf, isFinalCategory, loadStatuses } from "../tickets/statuses.ts";
import { episodeOf, type IncomingAlert } from "./normalize.ts";
import type { RepeatFold } from "./repeats.ts";
import { priorityFor } from "./settings.ts";

const VIA = "alert";

class LostRace extends Error {}

function result(a: IncomingAlert, outcome: AlertResult["outcome"], ticket: Pick<TicketRow, "id" | "type" | "number"> | undefined, message: string): AlertResult {
  return { source: a.source, fingerprint: a.fingerprint, status: a.status, outcome, ticket_id: ticket?.id ?? null, reference: ticket ? referenceOf(ticket) : null, message };
}

const note = (tx: AppContext, actor: Actor, ticket: TicketRow, body: string) => addComment(tx, actor, ticket, { body: body.slice(0, 190_000), format: "text", internal: true }, { via: VIA });

/** The same news again, or a late retry of a firing that has since been resolved. */
const isRepeat = (a: IncomingAlert, tracked: { last_key: string; last_status: string }) =>
  tracked.last_key === a.key || (a.status === "firing" && tracked.last_status === "resolved" && episodeOf(a.key) !== "" && episodeOf(a.key) === episodeOf(tracked.last_key));

/** A repeat of the current firing counts as an occurrence; a repeated recovery or a stale firing only as a sighting. */
const countsAsOccurrence = (a: IncomingAlert, tracked: { last_key: string }) => a.status === "firing" && tracked.last_key === a.key;

/**
 * Applies one alert; retried from the start when a concurrent twin won the race. A repeat is
 * recognised by a plain read, without a lock or a write, and only counted in `repeats`.
 */
export async function applyAlert(ctx: AppContext, actor: Actor, a: IncomingAlert, settings: AlertSettings, repeats: RepeatFold): Promise<AlertResult> {
  const seen = await ctx.db
    .selectFrom("alert_incidents")
    .innerJoin("tickets", "tickets.id", "alert_incidents.ticket_id")
    .select(["alert_incidents.last_key", "alert_incidents.last_status", "tickets.id", "tickets.type", "tickets.number"])
    .where("alert_incidents.source", "=", a.source)
    .where("alert_incidents.fingerprint", "=", a.fingerprint)
    .executeTakeFirst();
  if (seen && isRepeat(a, seen)) {
    repeats.record({ source: a.source, fingerprint: a.fingerprint, ticketId: seen.id, firing: countsAsOccurrence(a, seen), at: ctx.clock.now().toISOString() });
    return result(a, "repeat", seen, `Already recorded on ${referenceOf(seen)}; counted as a repeat.`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await ctx.db.transaction().execute((trx) => applyInTx({ ...ctx, db: trx }, actor, a, settings, repeats));
      if (out.repeat) repeats.record({ source: a.source, fingerprint: a.fingerprint, ticketId: out.repeat.ticketId, firing: out.repeat.firing, at: ctx.clock.now().toISOString() });
      if (out.resolve) return await resolveTicket(ctx, actor, a, out.resolve, out.result, repeats);
      return out.result;
    } catch (err) {
      if ((err instanceof LostRace || isUniqueViolation(err)) && attempt < 5) continue;
      throw err;
    }
  }
}

async function applyInTx(
  tx: AppContext,
  actor: Actor,
  a: IncomingAlert,
  settings: AlertSettings,
  repeats: RepeatFold,
): Promise<{ result: AlertResult; resolve?: TicketRow; repeat?: { ticketId: number; firing: boolean } }> {
  const now = tx.clock.now().toISOString();
  const tracked = await tx.db
    .selectFrom("alert_incidents")
    .selectAll()
    .where("source", "=", a.source)
    .where("fingerprint", "=", a.fingerprint)
    .$if(tx.dialect === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
  const ticket = tracked ? await lockTicket(tx, tracked.ticket_id) : undefined;
  const touch = (patch: { last_status: "firing" | "resolved"; last_key: string }, occurrence = false) =>
    tx.db
      .updateTable("alert_incidents")
      .set({ ...patch, last_seen_at: now, ...(occurrence ? { occurrences: sql<number>`occurrences + 1` } : {}) })
      .where("source", "=", a.source)
      .where("fingerprint", "=", a.fingerprint)
      .execute();

  // A twin that committed while this one waited for the lock: counted after the commit.
  if (tracked && ticket && isRepeat(a, tracked)) {
    return { result: result(a, "repeat", ticket, `Already recorded on ${referenceOf(ticket)}; counted as a repeat.`), repeat: { ticketId: ticket.id, firing: countsAsOccurrence(a, tracked) } };
  }

  if (a.status === "resolved") {
    if (!tracked || !ticket) return { result: result(a, "ignored", undefined, "No ticket tracks this alert, so there is nothing to resolve.") };
    const text = `Alert resolved${a.endedAt ? ` at ${a.endedAt}` : ""}.\n\n${a.details}`;
    // A comment by the integration account counts as its requester's reply, which would
    // reopen a resolved ticket; the recovery of a resolved ticket goes to its timeline instead.
    if (ticket.status_category === "resolved")
      await recordEvents(tx.db, ticket.id, actor, VIA, now, [{ action: "alert_recovered", new: { source: a.source, fingerprint: a.fingerprint, text: text.slice(0, 10_000) } }]);
    else await note(tx, actor, ticket, text);
    await touch({ last_status: "resolved", last_key: a.key });
    const open = ticket.status_category !== "resolved" && !isFinalCategory(ticket.status_category);
    if (open && settings.resolve_on_resolved) return { result: result(a, "resolved", ticket, `Resolved ${referenceOf(ticket)}.`), resolve: ticket };
    return { result: result(a, "noted_resolved", ticket, `Noted the recovery on ${referenceOf(ticket)}.`) };
  }

  // Firing: the ticket that tracks it, while it is not closed.
  if (tracked && ticket && !isFinalCategory(ticket.status_category)) {
    // What this node counted and has not written yet belongs in the number a person reads.
    const occurrences = tracked.occurrences + repeats.pending(a.source, a.fingerprint) + 1;
    await note(tx, actor, ticket, `Alert firing again (occurrence ${occurrences}).\n\n${a.details}`);
    const after = await lockTicket(tx, ticket.id);
    if (after.status_category === "resolved") {
      const open = defaultStatusOf(await loadStatuses(tx), "open");
      await updateTicket(tx, actor, after.id, { status: open.key }, after.version, { via: VIA });
    }
    await touch({ last_status: "firing", last_key: a.key }, true);
    return { result: result(a, "noted", ticket, `Added occurrence ${occurrences} to ${referenceOf(ticket)}${ticket.status_category === "resolved" ? " and reopened it" : ""}.`) };
  }

  const created = await createTicket(
    tx,
    actor,
    {
      subject: a.title.slice(0, 300) || `Alert ${a.fingerprint}`.slice(0, 300),
      description: (ticket ? `This alert fired before: see ${referenceOf(ticket)}.\n\n` : "") + a.details.slice(0, 190_000),
      format: "text",
      type: "incident",
      channel: "alert",
      priority: priorityFor(settings, a.severity),
      team_id: settings.team_id,
      tags: ["alert"],
    },
    { via: VIA },
  );
  if (tracked && ticket) {
    const moved = await tx.db
      .updateTable("alert_incidents")
      .set({ ticket_id: created.id, last_status: "firing", last_key: a.key, occurrences: 1, first_seen_at: now, last_seen_at: now })
      .where("source", "=", a.source)
      .where("fingerprint", "=", a.fingerprint)
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirst();
    if (!Number(moved.numUpdatedRows)) throw new LostRace();
    await addLink(tx, actor, created, "related", ticket);
  } else {
    await tx.db
      .insertInto("alert_incidents")
      .values({ source: a.source, fingerprint: a.fingerprint, ticket_id: created.id, last_status: "firing", last_key: a.key, occurrences: 1, first_seen_at: now, last_seen_at: now })
      .execute();
  }
  return { result: result(a, "created", created, `Opened ${referenceOf(created)}.`) };
}

/**
 * Resolves a ticket whose alert recovered, in its own transaction after the note: a ticket
 * that cannot be resolved (open child tickets, a concurrent change) keeps the note and says why.
 */
async function resolveTicket(ctx: AppContext, actor: Actor, a: IncomingAlert, ticket: TicketRow, done: AlertResult, repeats: RepeatFold): Promise<AlertResult> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const tx = { ...ctx, db: trx };
      const t = await lockTicket(tx, ticket.id);
      const tracked = await trx.selectFrom("alert_incidents").select("occurrences").where("source", "=", a.source).where("fingerprint", "=", a.fingerprint).executeTakeFirst();
      const n = (tracked?.occurrences ?? 1) + repeats.pending(a.source, a.fingerprint);
      const resolved = defaultStatusOf(await loadStatuses(tx), "resolved");
      await updateTicket(
        tx,
        actor,
        t.id,
        {
          status: resolved.key,
          resolution_note: `Resolved automatically: ${a.source} reported "${a.title}" as resolved${a.endedAt ? ` at ${a.endedAt}` : ""}.`,
          ...(t.root_cause?.trim()
            ? {}
            : { root_cause: `Not determined: the condition ${a.source} reported cleared on its own after ${n} occurrence${n === 1 ? "" : "s"}. Investigate if it recurs.` }),
        },
        t.version,
        { via: VIA },
      );
    });
    return done;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await ctx.db.transaction().execute((trx) => note({ ...ctx, db: trx }, actor, ticket, `Tessera could not resolve this ticket automatically: ${err.message}`));
    return { ...done, outcome: "noted_resolved", message: `Noted the recovery on ${referenceOf(ticket)}, but could not resolve it: ${err.message}` };
  }
}
