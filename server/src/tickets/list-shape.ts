/**
 * The list query compiled once per shape (db/prepared.ts), so a page costs running its SQL, not
 * building and compiling it again. A shape is what changes the SQL text: the caller's shape
 * (policy.ts), which filters are given and how many values each has, the sort, and whether a
 * cursor is given. The values themselves are parameters. Filters whose values are turned into
 * something else before they reach the SQL (dates, text search, SLA states, snoozes: the desk's
 * clock) are built afresh each time, as are shapes beyond the first MAX_SHAPES.
 */
import type { TicketListQuery } from "@tessera/contracts";
import type { Compilable } from "kysely";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import { prepared, type Prepared } from "../db/prepared.ts";
import { isOpenSet } from "./open.ts";
import { type CallerParams, callerParams, callerShape, shapeActor, shapeKey } from "./policy.ts";

/** What building the list query reads from the context. */
export type ListContext = Pick<AppContext, "db" | "dialect" | "clock">;

/** A row of the list query: which ticket, and its sort value for the next page's cursor. */
export interface ListRow {
  id: number;
  sort_value: string | number;
}

/** The list query: `take` rows of `q` after `cursor` (the sort value and id of the last row shown). */
export type PageQuery = (ctx: ListContext, actor: Actor, q: TicketListQuery, take: number, cursor: [string | number, number] | undefined) => Compilable<ListRow>;

const LIST_FILTERS = ["status", "status_category", "type", "priority", "channel", "organization", "category", "requester", "team", "assignee", "tag"] as const;
type ListFilter = (typeof LIST_FILTERS)[number];

// Every combination of filters and list lengths is a shape: a hostile caller could make many.
const MAX_SHAPES = 200;
const compiled = new Map<string, Prepared<CallerParams, ListRow>>();

/**
 * The page's rows through the query compiled for this shape; undefined when the query is not
 * one that is compiled once (the caller then builds it as usual).
 */
export function compiledPage(ctx: ListContext, actor: Actor, q: TicketListQuery, cursor: [string | number, number] | undefined, pageQuery: PageQuery): Promise<ListRow[]> | undefined {
  if (q.q !== undefined || q.created_after || q.created_before || q.updated_after || q.updated_before || q.sla?.length || q.snoozed) return undefined;
  const caller = callerShape(actor);
  const params = callerParams(actor);
  params["page.take"] = q.limit + 1;
  // Per filter: its literal values ("none", or a whole open-categories list) and where a parameter goes.
  const layout: Array<[ListFilter, Array<string | null>]> = [];
  for (const f of LIST_FILTERS) {
    const values = q[f] as Array<string | number> | undefined;
    if (!values?.length) continue;
    if (f === "status_category" && isOpenSet(values as string[])) {
      layout.push([f, values.map(String)]);
      continue;
    }
    const slots = values.map((v, i) => {
      if (v === "none") return "none";
      params[`filter.${f}.${i}`] = v === "me" ? actor.id : v;
      return null;
    });
    layout.push([f, slots]);
  }
  if (cursor) [params["page.after.value"], params["page.after.id"]] = cursor;
  const key = `${ctx.dialect}:${shapeKey(caller)}:${q.sort}:${!!cursor}:${JSON.stringify(layout)}`;
  let query = compiled.get(key);
  if (!query) {
    if (compiled.size >= MAX_SHAPES) return undefined;
    // The best plan depends on the values (whose tickets, which filter): PostgreSQL plans each run.
    query = prepared<CallerParams, ListRow>(
      (db, p) => {
        const slotted: Record<string, unknown> = { sort: q.sort, limit: 0 };
        for (const [f, literals] of layout) slotted[f] = literals.map((lit, i) => lit ?? p[`filter.${f}.${i}`]);
        const at: [string | number, number] | undefined = cursor ? [p["page.after.value"] as string | number, p["page.after.id"] as number] : undefined;
        return pageQuery({ db, dialect: ctx.dialect, clock: ctx.clock }, shapeActor(caller, p), slotted as TicketListQuery, p["page.take"] as number, at);
      },
      { planEachRun: true },
    );
    compiled.set(key, query);
  }
  return query.all(ctx.db, params);
}
