/**
 * Filters over a view, kept in the address (?priority=P1,P2&q=vpn) so that a filtered list can
 * be shared as a link, and saved as a view. Their names and their description in words; the
 * fields that set them (filter-panel.tsx) load when the filters are first shown.
 */
import type { StatusCategory, TicketType } from "@tessera/contracts";
import type { TicketFilters } from "../../api/agent.ts";

export const CATEGORY_LABELS: Record<StatusCategory, string> = {
  draft: "Draft",
  new: "New",
  open: "Open",
  awaiting_requester: "Waiting on requester",
  awaiting_third_party: "Waiting on third party",
  awaiting_approval: "Waiting for approval",
  resolved: "Resolved",
  closed: "Closed",
  cancelled: "Cancelled",
};

export const TYPE_LABELS: Record<TicketType, string> = { incident: "Incident", service_request: "Service request", problem: "Problem", change: "Change" };

const SLA_FILTER_LABELS: Record<string, string> = {
  breaching_soon: "SLA at risk or breached",
  breached: "SLA breached",
  at_risk: "SLA at risk",
  on_track: "SLA on track",
  paused: "SLA paused",
  met: "SLA met",
  none: "No SLA",
};

export const split = (v: string | undefined) => (v ? v.split(",").filter(Boolean) : []);

/** Status filters people use, by category; a view's own combination is offered as it is. */
export const STATUS_PRESETS: Array<{ value: string; label: string }> = [
  { value: "", label: "Any status" },
  { value: "new,open,awaiting_requester,awaiting_third_party,awaiting_approval", label: "Open (not resolved)" },
  { value: "new,open", label: "Needs an agent" },
  { value: "new", label: "New" },
  { value: "awaiting_requester,awaiting_third_party,awaiting_approval", label: "Waiting on someone" },
  { value: "awaiting_requester", label: "Waiting on requester" },
  { value: "resolved", label: "Resolved" },
  { value: "closed,cancelled", label: "Closed or cancelled" },
];

/** Filters in words, for the "save view" dialog and a list's subtitle. */
export function describeFilters(f: TicketFilters, names: { users?: Map<number, { name: string }>; teams?: Map<number, { name: string }> } = {}): string[] {
  const out: string[] = [];
  if (f.q) out.push(`“${f.q}”`);
  if (f.snoozed === "true") out.push("Snoozed");
  if (f.status_category)
    out.push(
      STATUS_PRESETS.find((p) => p.value === f.status_category)?.label ??
        split(f.status_category)
          .map((c) => CATEGORY_LABELS[c as StatusCategory] ?? c)
          .join(", "),
    );
  if (f.priority) out.push(split(f.priority).join(", "));
  if (f.type)
    out.push(
      split(f.type)
        .map((t) => TYPE_LABELS[t as TicketType] ?? t)
        .join(", "),
    );
  if (f.assignee) {
    out.push(
      split(f.assignee)
        .map((a) => (a === "me" ? "Assigned to me" : a === "none" ? "Unassigned" : `Assigned to ${names.users?.get(Number(a))?.name ?? `#${a}`}`))
        .join(" or "),
    );
  }
  if (f.team)
    out.push(
      split(f.team)
        .map((t) => (t === "none" ? "No team" : (names.teams?.get(Number(t))?.name ?? `Team #${t}`)))
        .join(", "),
    );
  if (f.tag)
    out.push(
      split(f.tag)
        .map((t) => `#${t}`)
        .join(" "),
    );
  if (f.sla)
    out.push(
      split(f.sla)
        .map((s) => SLA_FILTER_LABELS[s] ?? `SLA ${s}`)
        .join(" or "),
    );
  return out;
}
