/**
 * "The ticket is open" as the list query writes it. Open tickets are a few percent of a desk that
 * has run for years, and the views over them walk partial indexes that hold only those
 * (migration 2026-12-07-0020): both engines use such an index only when the query's condition is
 * the index's text, so this text and the migration's must stay the same
 * (test/list-indexes.test.ts checks it). It names the categories that are not open: every ticket
 * has one of the categories of STATUS_CATEGORIES, so it means the same as naming the five that are.
 */
import { OPEN_CATEGORIES, STATUS_CATEGORIES } from "@tessera/contracts";
import { sql, type RawBuilder, type SqlBool } from "kysely";

const NOT_OPEN = STATUS_CATEGORIES.filter((c) => !(OPEN_CATEGORIES as readonly string[]).includes(c));

/** The condition's text, as the migration's partial indexes carry it. */
export const OPEN_TICKETS_SQL = `status_category not in (${NOT_OPEN.map((c) => `'${c}'`).join(", ")})`;

export const openTickets = (): RawBuilder<SqlBool> => sql<SqlBool>`${sql.raw(OPEN_TICKETS_SQL)}`;

/** Whether a `status_category` filter asks for exactly the open tickets. */
export const isOpenSet = (categories: readonly string[]) => {
  const set = new Set(categories);
  return set.size === OPEN_CATEGORIES.length && OPEN_CATEGORIES.every((c) => set.has(c));
};
