/**
 * Recomputing after an admin changed a policy or a calendar: the policy is matched again from
 * its current definition and the clock replayed in the current calendar, from the ticket's first
 * minute, paused time kept. The audit records the deadlines before and after.
 */
import { OPEN_CATEGORIES } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import type { Actor } from "../auth/actor.ts";
import { recordEvents, viaOf } from "../tickets/events.ts";
import { lockTicket } from "../tickets/service.ts";
import { syncSla } from "./sync.ts";

async function deadlines(tx: AppContext, ticketId: number) {
  const rows = await tx.db.selectFrom("sla_targets").select(["kind", "cycle", "target_ms", "due_at", "met_at"]).where("ticket_id", "=", ticketId).orderBy("kind").orderBy("cycle").execute();
  return rows.map((r) => ({ kind: r.kind, cycle: r.cycle, target_minutes: Math.round(r.target_ms / 60_000), due_at: r.due_at, met_at: r.met_at }));
}

/** Recomputes one ticket inside the caller's transaction. */
export async function recomputeTicket(tx: AppContext, actor: Actor, ticketId: number): Promise<void> {
  await lockTicket(tx, ticketId);
  const before = await deadlines(tx, ticketId);
  const via = viaOf(actor);
  await syncSla(tx, ticketId, { recompute: true, actor, via });
  const after = await deadlines(tx, ticketId);
  const clock = await tx.db.selectFrom("sla_clocks").select(["policy_name", "calendar_id"]).where("ticket_id", "=", ticketId).executeTakeFirst();
  await recordEvents(tx.db, ticketId, actor, via, tx.clock.now().toISOString(), [
    { action: "sla_recomputed", field: "sla", old: before, new: { policy: clock?.policy_name ?? null, calendar_id: clock?.calendar_id ?? null, targets: after } },
  ]);
}

/**
 * Recomputes open tickets, a batch at a time (each in its own transaction): those timed by a
 * policy or in a calendar, or every open ticket (to apply a new policy to them).
 */
export async function recomputeOpenTickets(ctx: AppContext, actor: Actor, q: { policy_id?: number; calendar_id?: number; after_id?: number; limit: number }) {
  const ids = (
    await ctx.db
      .selectFrom("tickets")
      .leftJoin("sla_clocks", "sla_clocks.ticket_id", "tickets.id")
      .select("tickets.id")
      .where("tickets.status_category", "in", [...OPEN_CATEGORIES])
      .$if(q.policy_id !== undefined, (b) => b.where("sla_clocks.policy_id", "=", q.policy_id!))
      .$if(q.calendar_id !== undefined, (b) => b.where("sla_clocks.calendar_id", "=", q.calendar_id!))
      .$if(q.after_id !== undefined, (b) => b.where("tickets.id", ">", q.after_id!))
      .orderBy("tickets.id")
      .limit(q.limit + 1)
      .execute()
  ).map((r) => r.id);
  const batch = ids.slice(0, q.limit);
  for (const id of batch) await ctx.db.transaction().execute((trx) => recomputeTicket({ ...ctx, db: trx }, actor, id));
  return { recomputed: batch.length, next_after_id: ids.length > q.limit ? batch[batch.length - 1] : null };
}
