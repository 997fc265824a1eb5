/**
 * Statuses and the transitions between them. An admin may add or rename statuses; each belongs
 * to a category, and the category alone decides what is allowed and what happens.
 */
import { OPEN_CATEGORIES, STATUS_TRANSITIONS, type StatusCategory } from "@tessera/contracts";
import type { Reader } from "../context.ts";
import type { StatusRow } from "../db/schema.ts";

export const isActiveCategory = (c: string) => (OPEN_CATEGORIES as readonly string[]).includes(c);
export const isFinalCategory = (c: string) => c === "closed" || c === "cancelled";
/** Categories in which a ticket no longer needs work. */
export const isDoneCategory = (c: string) => c === "resolved" || isFinalCategory(c);

export function canMove(from: StatusRow, to: StatusRow): boolean {
  if (from.key === to.key) return false;
  return STATUS_TRANSITIONS[from.category as StatusCategory].includes(to.category as StatusCategory);
}

export const STATUSES_KEY = "statuses";

export async function loadStatuses(r: Reader): Promise<StatusRow[]> {
  return r.memo.get(STATUSES_KEY, () => r.db.selectFrom("statuses").selectAll().orderBy("position").orderBy("key").execute());
}

/** The statuses a ticket in `from` may move to, for error messages and the UI. */
export function allowedTargets(statuses: StatusRow[], from: StatusRow): string[] {
  return statuses.filter((s) => s.active && canMove(from, s)).map((s) => s.key);
}

/** The default status of a category (the built-in one), e.g. reopening goes to `open`. */
export function defaultStatusOf(statuses: StatusRow[], category: StatusCategory): StatusRow {
  return statuses.find((s) => s.category === category && s.builtin) ?? statuses.find((s) => s.category === category)!;
}
