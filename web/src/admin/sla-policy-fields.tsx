// SLA policy editor: the form fields of one policy (conditions, targets, preview, pauses, escalations).
import { Checkbox, Group, MultiSelect, NumberInput, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { CHANNELS, PAUSE_CATEGORIES, PRIORITIES, TICKET_TYPES, type PauseCategory } from "@tessera/contracts";
import { useAdminCategories, useOrganizations } from "../api/admin-queries.ts";
import { useCalendars } from "../api/sla.ts";
import { Escalations } from "./sla-escalation-editor.tsx";
import { CHANNEL_LABELS, PAUSE_LABELS, TYPE_LABELS, type PolicyDraft } from "./sla-policy-draft.ts";
import { Preview } from "./sla-policy-preview.tsx";
import { TargetsGrid } from "./sla-targets-table.tsx";
import { type DraftBinding, Toggle } from "./scaffold/index.ts";
import { FieldGroup } from "./field-group.tsx";

/** A condition of the policy: the values it matches, or `any` when none is picked. */
function Condition<V extends string>({
  label,
  data,
  any,
  searchable,
  value,
  onChange,
  error,
}: {
  label: string;
  data: Array<string | { value: string; label: string }>;
  any: string;
  searchable?: boolean;
  value: V[];
  onChange: (v: V[]) => void;
  error?: string;
}) {
  return (
    <MultiSelect
      size="xs"
      label={label}
      searchable={searchable}
      data={data}
      value={value}
      onChange={(v) => onChange(v as V[])}
      error={error}
      placeholder={value.length ? undefined : any}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function PolicyFields({ bind }: { bind: DraftBinding<PolicyDraft> }) {
  const { draft, setDraft, errors } = bind;
  const calendars = useCalendars();
  const categories = useAdminCategories();
  const orgs = useOrganizations();
  return (
    <Stack gap="lg">
      <Group grow align="flex-start">
        <TextInput label="Name" required {...bind.text("name")} maxLength={100} placeholder="e.g. VIP incidents" />
        <Select
          label="Counted in"
          description="The calendar whose business hours count"
          required
          data={(calendars.data ?? []).map((c) => ({ value: String(c.id), label: `${c.name} (${c.time_zone})` }))}
          value={draft.calendar_id || null}
          onChange={(v) => v && setDraft({ ...draft, calendar_id: v })}
          error={errors.calendar_id}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      <Textarea
        label="Description"
        value={draft.description}
        onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
        autosize
        minRows={1}
        maxRows={4}
        maxLength={1000}
        placeholder="What it is for, for the next admin"
      />
      <Toggle label="Active" on="Tickets that match are timed by it." off="Skipped when tickets are matched; tickets it already times keep their deadlines." {...bind.checked("active")} />

      <FieldGroup legend="Applies to" hint="Every condition set must hold; an empty one matches anything. A category covers its subcategories.">
        <Stack gap={8}>
          <Group grow align="flex-start">
            <Condition label="Type" data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} any="Any type" {...bind.choice("types")} />
            <Condition label="Priority" data={[...PRIORITIES]} any="Any priority" {...bind.choice("priorities")} />
            <Condition label="Channel" data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))} any="Any channel" {...bind.choice("channels")} />
          </Group>
          <Group grow align="flex-start">
            <Condition label="Category" searchable data={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.path }))} any="Any category" {...bind.choice("category_ids")} />
            <Condition label="Organization" searchable data={(orgs.data ?? []).map((o) => ({ value: String(o.id), label: o.name }))} any="Any organization" {...bind.choice("organization_ids")} />
          </Group>
        </Stack>
      </FieldGroup>

      <TargetsGrid draft={draft} setDraft={setDraft} error={errors.targets} />
      <Preview draft={draft} />

      <Group grow align="flex-start">
        <NumberInput
          label="Warn when this share is used"
          description="The warning fires (and its escalations run) once a target has used this much of its time."
          suffix=" %"
          min={1}
          max={99}
          value={draft.warn_percent}
          onChange={(v) => setDraft({ ...draft, warn_percent: typeof v === "number" ? v : Number(v) || 75 })}
          error={errors.warn_percent}
        />
        <Checkbox.Group
          label="Pause the clock while"
          description="Time in these statuses does not count."
          value={draft.pause_on}
          onChange={(v) => setDraft({ ...draft, pause_on: v as PauseCategory[] })}
        >
          <Stack gap={4} mt={6}>
            {PAUSE_CATEGORIES.map((c) => (
              <Checkbox key={c} size="xs" value={c} label={PAUSE_LABELS[c]} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Group>

      <Escalations draft={draft} setDraft={setDraft} error={errors.escalations} />
    </Stack>
  );
}
