/**
 * Filters over a view, kept in the address (?priority=P1,P2&q=vpn) so that a filtered list can
 * be shared as a link, and saved as a view.
 */
import { Button, Group, MultiSelect, Select, TextInput } from "@mantine/core";
import { IconSearch, IconX } from "@tabler/icons-react";
import { PRIORITIES, TICKET_TYPES, type StatusCategory, type TicketType } from "@tessera/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import type { TicketFilters } from "../api/agent.ts";
import { useStaff, useTeams } from "../api/agent-queries.ts";
import { PRIORITY_LABELS } from "../ui/priority-icon.tsx";
import classes from "./workspace.module.css";

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

const split = (v: string | undefined) => (v ? v.split(",").filter(Boolean) : []);

/** Status filters people use, by category; a view's own combination is offered as it is. */
const STATUS_PRESETS: Array<{ value: string; label: string }> = [
  { value: "", label: "Any status" },
  { value: "new,open,awaiting_requester,awaiting_third_party,awaiting_approval", label: "Open (not resolved)" },
  { value: "new,open", label: "Needs an agent" },
  { value: "new", label: "New" },
  { value: "awaiting_requester,awaiting_third_party,awaiting_approval", label: "Waiting on someone" },
  { value: "awaiting_requester", label: "Waiting on requester" },
  { value: "resolved", label: "Resolved" },
  { value: "closed,cancelled", label: "Closed or cancelled" },
];

function statusChoices(current: string | undefined) {
  if (!current || STATUS_PRESETS.some((p) => p.value === current)) return STATUS_PRESETS;
  return [...STATUS_PRESETS, { value: current, label: split(current).map((c) => CATEGORY_LABELS[c as StatusCategory] ?? c).join(", ") }];
}

/** Filters in words, for the "save view" dialog and a list's subtitle. */
export function describeFilters(f: TicketFilters, names: { users?: Map<number, { name: string }>; teams?: Map<number, { name: string }> } = {}): string[] {
  const out: string[] = [];
  if (f.q) out.push(`“${f.q}”`);
  if (f.snoozed === "true") out.push("Snoozed");
  if (f.status_category) out.push(STATUS_PRESETS.find((p) => p.value === f.status_category)?.label ?? split(f.status_category).map((c) => CATEGORY_LABELS[c as StatusCategory] ?? c).join(", "));
  if (f.priority) out.push(split(f.priority).join(", "));
  if (f.type) out.push(split(f.type).map((t) => TYPE_LABELS[t as TicketType] ?? t).join(", "));
  if (f.assignee) {
    out.push(
      split(f.assignee)
        .map((a) => (a === "me" ? "Assigned to me" : a === "none" ? "Unassigned" : `Assigned to ${names.users?.get(Number(a))?.name ?? `#${a}`}`))
        .join(" or "),
    );
  }
  if (f.team) out.push(split(f.team).map((t) => (t === "none" ? "No team" : (names.teams?.get(Number(t))?.name ?? `Team #${t}`))).join(", "));
  if (f.tag) out.push(split(f.tag).map((t) => `#${t}`).join(" "));
  if (f.sla) out.push(split(f.sla).map((s) => SLA_FILTER_LABELS[s] ?? `SLA ${s}`).join(" or "));
  return out;
}

export function FilterBar({ filters, onChange, onClear, canClear }: {
  filters: TicketFilters;
  onChange: (key: string, value: string) => void;
  onClear: () => void;
  canClear: boolean;
}) {
  const staff = useStaff();
  const teams = useTeams();
  const [q, setQ] = useState(filters.q ?? "");
  // What this box last put in the address: when the address comes back with it, the box keeps
  // what was typed since; any other change (a view, Reset) replaces the text.
  const sent = useRef<string | null>(null);
  useEffect(() => {
    if ((filters.q ?? "") === sent.current) return;
    sent.current = null;
    setQ(filters.q ?? "");
  }, [filters.q]);
  const search = useCallback(
    (value: string) => {
      sent.current = value;
      onChange("q", value);
    },
    [onChange],
  );
  // Text search waits for a pause in typing.
  useEffect(() => {
    if ((filters.q ?? "") === q.trim()) return;
    const t = setTimeout(() => search(q.trim()), 350);
    return () => clearTimeout(t);
  }, [q, filters.q, search]);

  const assignee = filters.assignee ?? "";
  return (
    <Group gap="xs" className={classes.filterBar} wrap="wrap" role="search" aria-label="Filter tickets">
      <TextInput
        id="ticket-search"
        size="xs"
        placeholder="Search, or a reference like INC-1042"
        aria-label="Search tickets"
        leftSection={<IconSearch size={14} />}
        className={`${classes.filterControl} ${classes.filterSearch}`}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") search(q.trim());
          if (e.key === "Escape") (e.target as HTMLInputElement).blur();
        }}
      />
      <Select
        size="xs"
        aria-label="Status"
        placeholder="Any status"
        data={statusChoices(filters.status_category)}
        value={filters.status_category ?? ""}
        onChange={(v) => onChange("status_category", v ?? "")}
        allowDeselect={false}
        className={classes.filterControl}
        comboboxProps={{ withinPortal: true, width: 220 }}
      />
      <MultiSelect
        size="xs"
        aria-label="Priority"
        placeholder={split(filters.priority).length ? undefined : "Any priority"}
        data={PRIORITIES.map((p) => ({ value: p, label: `${p} · ${PRIORITY_LABELS[p]}` }))}
        value={split(filters.priority)}
        onChange={(v) => onChange("priority", v.join(","))}
        className={`${classes.filterControl} ${classes.filterMulti}`}
        comboboxProps={{ withinPortal: true }}
      />
      <Select
        size="xs"
        aria-label="Assignee"
        placeholder="Anyone"
        data={[
          { value: "me", label: "Me" },
          { value: "none", label: "Unassigned" },
          ...(staff.data ?? []).map((u) => ({ value: String(u.id), label: u.name })),
        ]}
        value={assignee && !assignee.includes(",") ? assignee : null}
        onChange={(v) => onChange("assignee", v ?? "")}
        searchable
        clearable
        className={classes.filterControl}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        size="xs"
        aria-label="Team"
        placeholder={split(filters.team).length ? undefined : "Any team"}
        data={[{ value: "none", label: "No team" }, ...(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))]}
        value={split(filters.team)}
        onChange={(v) => onChange("team", v.join(","))}
        className={`${classes.filterControl} ${classes.filterMulti}`}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiSelect
        size="xs"
        aria-label="Type"
        placeholder={split(filters.type).length ? undefined : "Any type"}
        data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
        value={split(filters.type)}
        onChange={(v) => onChange("type", v.join(","))}
        className={`${classes.filterControl} ${classes.filterMulti}`}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        size="xs"
        aria-label="Tag"
        placeholder="Tag"
        className={classes.filterControl}
        defaultValue={filters.tag ?? ""}
        key={filters.tag ?? ""}
        onBlur={(e) => onChange("tag", e.currentTarget.value.trim().toLowerCase())}
        onKeyDown={(e) => {
          if (e.key === "Enter") onChange("tag", e.currentTarget.value.trim().toLowerCase());
        }}
      />
      {canClear && (
        <Button size="xs" variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={onClear}>
          Reset filters
        </Button>
      )}
    </Group>
  );
}
