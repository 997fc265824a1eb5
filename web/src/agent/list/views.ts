/**
 * The workspace's views: five built in ("My open tickets" first, sorted by SLA; "Breaching
 * soon" for open tickets at risk of or past their SLA), then saved views. A view is
 * the list's filters (query parameters of GET /api/tickets) and a sort. Its count in the nav
 * shows only tickets that need an agent: tickets waiting on someone else are not counted.
 */
import { OPEN_CATEGORIES, type Me, type SavedView, type StatusCategory } from "@tessera/contracts";
import { FILTER_KEYS, type TicketFilters } from "../../api/agent.ts";

export interface ViewDef {
  id: string;
  name: string;
  filters: TicketFilters;
  /** Filters of the nav count; null for a view without a count. */
  countFilters: TicketFilters | null;
  sort: string;
  /** A saved view, with its owner and team. */
  saved?: SavedView;
  /** What an empty list says. */
  empty: { title: string; text: string };
}

export const ACTIVE: readonly StatusCategory[] = OPEN_CATEGORIES;
/** Tickets that need an agent now; the waiting ones are not counted. */
export const NEEDS_AGENT: StatusCategory[] = ["new", "open"];

export const SORTS = [
  { value: "sla", label: "SLA: breached first, then due soonest" },
  { value: "priority", label: "Priority, oldest first" },
  { value: "-updated_at", label: "Last updated" },
  { value: "updated_at", label: "Least recently updated" },
  { value: "-created_at", label: "Newest" },
  { value: "created_at", label: "Oldest" },
  { value: "-number", label: "Reference, highest first" },
] as const;

export function builtinViews(me: Me): ViewDef[] {
  const myTeams = [...me.team_ids.map(String), "none"].join(",");
  return [
    {
      id: "mine",
      name: "My open tickets",
      // Snoozed tickets leave this view and its count until their time comes.
      filters: { assignee: "me", status_category: ACTIVE.join(","), snoozed: "false" },
      countFilters: { assignee: "me", status_category: NEEDS_AGENT.join(","), snoozed: "false" },
      // The most urgent first: breached, then at risk, then by due time.
      sort: "sla",
      empty: { title: "Inbox zero", text: "Nothing is assigned to you right now." },
    },
    {
      id: "unassigned",
      name: "Unassigned in my teams",
      filters: { assignee: "none", team: myTeams, status_category: ACTIVE.join(","), snoozed: "false" },
      countFilters: { assignee: "none", team: myTeams, status_category: NEEDS_AGENT.join(","), snoozed: "false" },
      sort: "priority",
      empty: { title: "Everything has an owner", text: "Every open ticket in your teams is assigned." },
    },
    {
      id: "breaching",
      name: "Breaching soon",
      // Open tickets whose SLA is at risk or already breached, the worst first.
      filters: { sla: "breaching_soon" },
      countFilters: { sla: "breaching_soon" },
      sort: "sla",
      empty: { title: "No SLA at risk", text: "No open ticket you can see is close to its SLA deadline or past it." },
    },
    {
      id: "open",
      name: "All open",
      filters: { status_category: ACTIVE.join(",") },
      countFilters: { status_category: NEEDS_AGENT.join(",") },
      sort: "-updated_at",
      empty: { title: "No open tickets", text: "There are no open tickets you can see." },
    },
    {
      id: "recent",
      name: "Recently updated",
      filters: {},
      countFilters: null,
      sort: "-updated_at",
      empty: { title: "No tickets yet", text: "Tickets you can see will appear here." },
    },
  ];
}

/** A saved view's filters as strings (the API stores what it was given: strings or lists). */
export function normalizeFilters(raw: Record<string, unknown>): TicketFilters {
  const out: TicketFilters = {};
  for (const k of FILTER_KEYS) {
    const v = raw[k];
    if (v === undefined || v === null || v === "") continue;
    out[k] = Array.isArray(v) ? v.map(String).join(",") : String(v);
  }
  return out;
}

export function savedViewDef(v: SavedView): ViewDef {
  const filters = normalizeFilters(v.filters);
  const categories = filters.status_category?.split(",");
  // Count like the built-in views: only what needs an agent, when the view shows open work.
  const countFilters = categories ? { ...filters, status_category: categories.filter((c) => NEEDS_AGENT.includes(c as StatusCategory)).join(",") || filters.status_category } : filters;
  return {
    id: `s${v.id}`,
    name: v.name,
    filters,
    countFilters,
    sort: typeof v.filters.sort === "string" ? v.filters.sort : "-updated_at",
    saved: v,
    empty: { title: "No tickets match", text: "No ticket you can see matches this view's filters." },
  };
}

/** Filters from the address (?priority=P1&q=printer) laid over the view's own. */
export function withOverrides(view: ViewDef, params: URLSearchParams): { filters: TicketFilters; sort: string; modified: boolean } {
  const filters = { ...view.filters };
  let modified = false;
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v === null) continue;
    modified = true;
    if (v === "") delete filters[k];
    else filters[k] = v;
  }
  const sort = params.get("sort") ?? view.sort;
  if (sort !== view.sort) modified = true;
  return { filters, sort, modified };
}
