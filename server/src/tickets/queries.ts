/** The ticket list: every filter, text search and keyset pagination, scoped to what the caller may see. */
import type { TicketListQuery } from "@tessera/contracts";
import { sql, type SqlBool } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { isStaff } from "../auth/actor.ts";
import type { AppContext, Executor } from "../context.ts";
import { countTextMatches, ticketTextMatch } from "../search/match.ts";
import { parseSearch } from "../search/query.ts";
import { invalid } from "../errors.ts";
import { visibleTo } from "./policy.ts";
import { slaListCondition } from "../sla/badge.ts";
import { isOpenSet, openTickets } from "./open.ts";
import { compiledPage, type ListContext } from "./list-shape.ts";

type SortColumn = "created_at" | "updated_at" | "priority" | "number" | "sla_sort";

function decodeCursor(cursor: string): [string | number, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === "string" || typeof v[0] === "number") && Number.isInteger(v[1])) return v as [string | number, number];
  } catch {
    /* fall through */
  }
  throw invalid("cursor", "is not a cursor this server gave out; start again without it");
}

const encodeCursor = (value: string | number, id: number) => Buffer.from(JSON.stringify([value, id])).toString("base64url");

/** The filters of a list, without sort or page: shared by lists and counts. */
export type TicketFilters = Omit<TicketListQuery, "sort" | "limit" | "cursor">;

/**
 * `walkOrder`: the text search is written for a page walked in the list's order (SQLite, a
 * common word; see ticketTextMatch). Counts and rare words start from the matches.
 */
function filteredTickets(ctx: ListContext, actor: Actor, q: TicketFilters, walkOrder = false) {
  const me = (v: number | "me" | "none") => (v === "me" ? actor.id : v);
  const clauses = q.q ? parseSearch(q.q) : [];
  const refMatch = q.q ? /^\s*(?:[A-Za-z]{2,5}-)?(\d{1,9})\s*$/.exec(q.q) : null;

  let query = ctx.db
    .selectFrom("tickets")
    .where(visibleTo(actor))
    .where("merged_into_id", "is", null)
    .$if(!!q.status?.length, (b) => b.where("status", "in", q.status!))
    // Exactly the open categories: written as the open-ticket indexes are (see open.ts).
    .$if(!!q.status_category?.length, (b) => (isOpenSet(q.status_category!) ? b.where(openTickets()) : b.where("status_category", "in", q.status_category!)))
    .$if(!!q.type?.length, (b) => b.where("type", "in", q.type!))
    .$if(!!q.priority?.length, (b) => b.where("priority", "in", q.priority!))
    .$if(!!q.channel?.length, (b) => b.where("channel", "in", q.channel!))
    .$if(!!q.organization?.length, (b) => b.where("organization_id", "in", q.organization!))
    .$if(!!q.category?.length, (b) => b.where("category_id", "in", q.category!))
    .$if(!!q.requester?.length, (b) => b.where("requester_id", "in", q.requester!.map(me) as number[]))
    .$if(!!q.team?.length, (b) =>
      b.where((eb) => {
        const ids = q.team!.filter((t): t is number => t !== "none");
        return eb.or([...(ids.length ? [eb("team_id", "in", ids)] : []), ...(q.team!.includes("none") ? [eb("team_id", "is", null)] : [])]);
      }),
    )
    .$if(!!q.assignee?.length, (b) =>
      b.where((eb) => {
        const ids = q.assignee!.filter((a) => a !== "none").map(me) as number[];
        return eb.or([...(ids.length ? [eb("assignee_id", "in", ids)] : []), ...(q.assignee!.includes("none") ? [eb("assignee_id", "is", null)] : [])]);
      }),
    )
    .$if(!!q.tag?.length, (b) =>
      b.where((eb) => eb.exists(eb.selectFrom("ticket_tags").select("ticket_tags.ticket_id").whereRef("ticket_tags.ticket_id", "=", "tickets.id").where("ticket_tags.tag", "in", q.tag!))),
    )
    .$if(!!q.created_after, (b) => b.where("created_at", ">=", new Date(q.created_after!).toISOString()))
    .$if(!!q.created_before, (b) => b.where("created_at", "<", new Date(q.created_before!).toISOString()))
    .$if(!!q.updated_after, (b) => b.where("updated_at", ">=", new Date(q.updated_after!).toISOString()))
    .$if(!!q.updated_before, (b) => b.where("updated_at", "<", new Date(q.updated_before!).toISOString()))
    .$if(!!q.sla?.length, (b) => b.where(slaListCondition(q.sla!, ctx.clock.now().toISOString())))
    // Snoozed means "until a time still ahead": a ticket is back the moment its time passes.
    .$if(q.snoozed === "true", (b) => b.where("snoozed_until", ">", ctx.clock.now().toISOString()))
    .$if(q.snoozed === "false", (b) => b.where((eb) => eb.or([eb("snoozed_until", "is", null), eb("snoozed_until", "<=", ctx.clock.now().toISOString())])));

  if (q.q !== undefined && q.q.trim()) {
    // A reference such as INC-1042 (or its number) finds that ticket; words search the text.
    query = query.where((eb) => {
      const ors = [];
      if (refMatch) ors.push(eb("number", "=", Number(refMatch[1])));
      if (clauses.length) ors.push(ticketTextMatch(ctx.dialect, clauses, isStaff(actor), walkOrder));
      // Text with no words (only "*" or "%_") matches nothing; a bound `false` is not valid for SQLite.
      return ors.length ? eb.or(ors) : sql<SqlBool>`1 = 0`;
    });
  }

  return query;
}

/**
 * How many tickets match, for view counts in the workspace; with `atMost`, counting stops there
 * (the matches past it are never read: a badge showing "999+" costs a thousand rows, not all).
 */
export async function countTickets(ctx: AppContext, actor: Actor, q: TicketFilters, atMost?: number): Promise<number> {
  const matching = filteredTickets(ctx, actor, q);
  const row =
    atMost === undefined
      ? await matching.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()
      : await ctx.db
          .selectFrom(
            matching
              .select(sql<number>`1`.as("one"))
              .limit(atMost)
              .as("m"),
          )
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The list query: `take` rows of `q` after `cursor` (the sort value and id of the last row shown).
 * It reads only which tickets and their sort values: a sort carries every column it selects
 * through every matching row, and the page's rows are read by id afterwards (view-queries.ts).
 */
const pageQuery = (ctx: ListContext, actor: Actor, q: TicketListQuery, take: number, cursor: [string | number, number] | undefined, walkOrder = false) => {
  const desc = q.sort.startsWith("-");
  const column = sortColumn(q.sort);
  let query = filteredTickets(ctx, actor, q, walkOrder).select((eb) => ["id", eb.ref(column).as("sort_value")]);
  if (cursor) {
    query = query.where((eb) => eb(eb.refTuple(column, "id"), desc ? "<" : ">", eb.tuple(cursor[0] as never, cursor[1])));
  }
  return query
    .orderBy(column, desc ? "desc" : "asc")
    .orderBy("id", desc ? "desc" : "asc")
    .limit(take);
};

// `sla` sorts on one stored text: state rank, then due time (see sla/sync.ts).
const sortColumn = (sort: TicketListQuery["sort"]) => (sort === "sla" ? "sla_sort" : sort.replace(/^-/, "")) as SortColumn;

/**
 * SQLite: whether a page of this search is found sooner by walking the list's order than by
 * reading every match (see ticketTextMatch). Reading the matches costs about 3 µs each (the
 * ticket, then a sort); the walk about 1 µs a ticket passed over, fewer the more tickets match.
 * The two meet between 10,000 and 30,000 matches on a million tickets, depending on how much of
 * the desk the caller sees (measured for an agent who sees a sixth of it: bench/README.md).
 */
async function isCommonSearch(ctx: AppContext, actor: Actor, q: TicketListQuery): Promise<boolean> {
  // Not for a requester: their few tickets are found by requester, never by walking everyone's.
  if (ctx.dialect !== "sqlite" || !q.q || !isStaff(actor)) return false;
  const clauses = parseSearch(q.q);
  const { commonMatches } = searchPlan;
  return clauses.length > 0 && (await countTextMatches(ctx.db, clauses, isStaff(actor), commonMatches)) >= commonMatches;
}

/** From how many matches a search walks the list's order (SQLite); a test lowers it to take that path on a small desk. */
export const searchPlan = { commonMatches: 20_000 };

/** The ids of a page of the list, in its order, and the cursor of the next page. */
export async function listTickets(ctx: AppContext, actor: Actor, q: TicketListQuery): Promise<{ ids: number[]; nextCursor: string | null }> {
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  // Compiled once for its shape where it can be (list-shape.ts).
  const rows = await (compiledPage(ctx, actor, q, cursor, pageQuery) ?? pageQuery(ctx, actor, q, q.limit + 1, cursor, await isCommonSearch(ctx, actor, q)).execute());
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { ids: page.map((r) => r.id), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort_value, last.id) : null };
}

/** A ticket row by id, for re-reading a ticket the caller has just changed (visibility was checked before the change). */
export const ticketById = (db: Executor, id: number) => db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
