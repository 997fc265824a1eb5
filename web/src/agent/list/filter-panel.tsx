/** The fields of the filters over a list: search, status, priority, assignee, team, type. */
import { Button, Group, MultiSelect, Select, TextInput } from "@mantine/core";
import { IconSearch, IconX } from "@tabler/icons-react";
import { PRIORITIES, TICKET_TYPES, type StatusCategory } from "@tessera/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import type { TicketFilters } from "../../api/agent.ts";
import { useStaff, useTeams } from "../../api/agent-queries.ts";
import { PRIORITY_LABELS } from "../../ui/priority-icon.tsx";
import { CATEGORY_LABELS, split, STATUS_PRESETS, TYPE_LABELS } from "./filter-bar.tsx";
import classes from "../workspace.module.css";

function statusChoices(current: string | undefined) {
  if (!current || STATUS_PRESETS.some((p) => p.value === current)) return STATUS_PRESETS;
  return [
    ...STATUS_PRESETS,
    {
      value: current,
      label: split(current)
        .map((c) => CATEGORY_LABELS[c as StatusCategory] ?? c)
        .join(", "),
    },
  ];
}

/** A filter that takes several values, kept in the address as one comma-separated parameter. */
function MultiFilter({
  label,
  any,
  name,
  filters,
  onChange,
  data,
}: {
  label: string;
  /** The placeholder while nothing is chosen. */
  any: string;
  name: "priority" | "team" | "type";
  filters: TicketFilters;
  onChange: (key: string, value: string) => void;
  data: Array<{ value: string; label: string }>;
}) {
  const value = split(filters[name]);
  return (
    <MultiSelect
      size="xs"
      aria-label={label}
      placeholder={value.length ? undefined : any}
      data={data}
      value={value}
      onChange={(v) => onChange(name, v.join(","))}
      className={`${classes.filterControl} ${classes.filterMulti}`}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function FilterBar({ filters, onChange, onClear, canClear }: { filters: TicketFilters; onChange: (key: string, value: string) => void; onClear: () => void; canClear: boolean }) {
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
      <MultiFilter label="Priority" any="Any priority" name="priority" filters={filters} onChange={onChange} data={PRIORITIES.map((p) => ({ value: p, label: `${p} · ${PRIORITY_LABELS[p]}` }))} />
      <Select
        size="xs"
        aria-label="Assignee"
        placeholder="Anyone"
        data={[{ value: "me", label: "Me" }, { value: "none", label: "Unassigned" }, ...(staff.data ?? []).map((u) => ({ value: String(u.id), label: u.name }))]}
        value={assignee && !assignee.includes(",") ? assignee : null}
        onChange={(v) => onChange("assignee", v ?? "")}
        searchable
        clearable
        className={classes.filterControl}
        comboboxProps={{ withinPortal: true }}
      />
      <MultiFilter
        label="Team"
        any="Any team"
        name="team"
        filters={filters}
        onChange={onChange}
        data={[{ value: "none", label: "No team" }, ...(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))]}
      />
      <MultiFilter label="Type" any="Any type" name="type" filters={filters} onChange={onChange} data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} />
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
