/**
 * `tessera seed --tickets N`: a desk at scale, for trying Tessera (and its lists, views and
 * search) with years of history. Tickets are made in batches by a seeded generator (ticket.ts)
 * and written in bulk (writers.ts); memory holds one batch at a time. The history carries its
 * own times and tells nobody: no notifications, no mail, and the event consumers' cursors move
 * past every seeded event in the transaction that writes it.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import { afterCommitConsumers, drainReactions } from "../../events/reactions.ts";
import { headCursor } from "../../events/feed.ts";
import { prepareDesk } from "./desk.ts";
import { Progress } from "./progress.ts";
import { Random } from "./random.ts";
import { ID_TABLES, newBatch } from "./tables.ts";
import { generateTicket, type Ids } from "./ticket.ts";
import { postgresWriter, sqliteWriter, type BulkWriter } from "./writers.ts";

export interface ScaleOptions {
  tickets: number;
  /** Average comments on a ticket that has been worked on. */
  commentsPerTicket: number;
  /** Add to a desk that already has tickets. */
  append?: boolean;
  /** The generator's seed: the same seed and size make the same desk. */
  seed?: number;
  /** Where the progress line goes; undefined for none. */
  progress?: NodeJS.WriteStream;
}

export class SeedRefused extends Error {}

const YEAR = 365 * 86_400_000;
/** Tickets per transaction: large enough to amortise each commit, small enough to keep memory flat. */
const BATCH = 1000;

async function nextIds(ctx: AppContext, tickets: number): Promise<Ids> {
  const next: Record<string, number> = {};
  for (const t of ID_TABLES) {
    const row = await sql<{ m: number | null }>`select max(id) as m from ${sql.table(t.name)}`.execute(ctx.db);
    next[t.name] = Number(row.rows[0].m ?? 0) + 1;
  }
  let firstNumber: number;
  if (ctx.dialect === "postgres") {
    // Taken now, so that tickets filed meanwhile get numbers after the seeded ones.
    const r = await sql<{ n: string }>`select setval('ticket_number_seq', nextval('ticket_number_seq') + ${tickets} - 1) as n`.execute(ctx.db);
    firstNumber = Number(r.rows[0].n) - tickets + 1;
  } else {
    const row = await ctx.db
      .updateTable("counters")
      .set({ value: sql`value + ${tickets}` })
      .where("name", "=", "ticket_number")
      .returning("value")
      .executeTakeFirstOrThrow();
    firstNumber = row.value - tickets + 1;
  }
  return {
    ticket: next.tickets,
    number: firstNumber,
    comment: next.comments,
    event: next.ticket_events,
    attachment: next.attachments,
    clockLog: next.sla_clock_log,
    outcome: next.sla_outcomes,
  };
}

/** Every after-commit consumer has a cursor row at the head of the log, so each batch can move it. */
async function placeCursors(ctx: AppContext): Promise<string[]> {
  await drainReactions(ctx);
  const head = await headCursor(ctx.db, ctx.dialect);
  const at = ctx.clock.now().toISOString();
  for (const c of afterCommitConsumers) {
    await ctx.db
      .insertInto("event_consumers")
      .values({ name: c.name, cursor_xact: head.xact, cursor_id: head.id, updated_at: at })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
  }
  return afterCommitConsumers.map((c) => c.name);
}

async function openWriter(ctx: AppContext, consumers: string[], empty: boolean): Promise<BulkWriter> {
  if (ctx.dialect === "postgres") {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(ctx.db);
    return postgresWriter(ctx.config.databaseUrl!, rows[0].s, consumers, { deferIndexes: empty });
  }
  return sqliteWriter(ctx.config.sqlitePath, consumers, { deferIndexes: empty });
}

export async function seedAtScale(ctx: AppContext, opts: ScaleOptions): Promise<string> {
  const { tickets, commentsPerTicket } = opts;
  const existing = await ctx.db
    .selectFrom("tickets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0 && !opts.append) {
    throw new SeedRefused(
      `This database already has ${Number(existing.n).toLocaleString("en")} tickets; seeding would mix ${tickets.toLocaleString("en")} made-up tickets in with them. ` +
        "Seed an empty database, or add --append to seed beside them anyway.",
    );
  }
  const seed = opts.seed ?? 42;
  const consumers = await placeCursors(ctx);
  const desk = await prepareDesk(ctx, tickets);
  const ids = await nextIds(ctx, tickets);
  const first = { ...ids };
  const writer = await openWriter(ctx, consumers, Number(existing.n) === 0);
  const progress = new Progress(tickets, "tickets", opts.progress);
  const at = new Date(desk.now).toISOString();
  // Three years back to a few minutes ago, busier lately (the desk grew): ticket j's time rises with j.
  const start = desk.now - 3 * YEAR;
  const span = desk.now - 5 * 60_000 - start;
  try {
    let pending: Promise<void> = Promise.resolve();
    for (let from = 0; from < tickets; from += BATCH) {
      const batch = newBatch();
      for (let j = from; j < Math.min(tickets, from + BATCH); j++) {
        const rnd = Random.of(seed, j);
        const createdAt = Math.floor(start + span * ((j + rnd.next()) / tickets) ** 0.85);
        generateTicket(desk, rnd, ids, createdAt, commentsPerTicket, batch);
      }
      // The database writes one batch while the next is generated.
      await pending;
      progress.update(from);
      pending = writer.write(batch, at);
      pending.catch(() => {});
    }
    await pending;
    await writer.finish(ids.number - 1);
  } finally {
    await writer.close();
  }
  progress.finish(tickets);
  const count = (from: number, to: number) => (to - from).toLocaleString("en");
  const staff = desk.agents;
  return [
    `Seeded ${count(first.ticket, ids.ticket)} tickets with ${count(first.comment, ids.comment)} comments, ${count(first.event, ids.event)} events and ${count(first.attachment, ids.attachment)} attachments;`,
    `${desk.teamIds.length} teams, ${staff.length} agents and supervisors, ${desk.requesters.length.toLocaleString("en")} requesters.`,
    `Sign in as ${desk.admin.email} (admin), ${staff[0].email} (supervisor), ${staff[staff.length - 1].email} (agent) or ${desk.requesters[0].email} (requester).`,
    `Every seeded account has the password: ${desk.password}`,
  ].join("\n");
}
