// SLA policy editor: the form fields of one policy (conditions, targets, preview, pauses, escalations).
import { Checkbox, Group, MultiSelect, NumberInput, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { CHANNELS, PAUSE_CATEGORIES, PRIORITIES, TICKET_TYPES, type Channel, type PauseCategory, type Priority, type TicketType } from "@tessera/contracts";
import { useAdminCategories, useOrganizations } from "../api/admin-queries.ts";
import { fetchCalendars, slaKeys } from "../api/sla.ts";
import { Escalations } from "./sla-escalation-editor.tsx";
import { CHANNEL_LABELS, PAUSE_LABELS, TYPE_LABELS, type PolicyDraft } from "./sla-policy-draft.ts";
import { Preview } from "./sla-policy-preview.tsx";
import { TargetsGrid } from "./sla-targets-table.tsx";
import { bindDraft, Toggle } from "./scaffold/index.ts";
import sla from "./sla-admin.module.css";

export function PolicyFields({ draft, setDraft, errors }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; errors: Record<string, string> }) {
  const calendars = useQuery({ queryKey: slaKeys.calendars, queryFn: fetchCalendars });
  const categories = useAdminCategories();
  const orgs = useOrganizations();
  const bind = bindDraft(draft, setDraft, errors);
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

      <fieldset className={sla.fieldset}>
        <Text component="legend" fw={500} size="sm">
          Applies to
        </Text>
        <Text size="xs" c="dimmed" mb={6}>
          Every condition set must hold; an empty one matches anything. A category covers its subcategories.
        </Text>
        <Stack gap={8}>
          <Group grow align="flex-start">
            <MultiSelect
              size="xs"
              label="Type"
              data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
              value={draft.types}
              onChange={(v) => setDraft({ ...draft, types: v as TicketType[] })}
              placeholder={draft.types.length ? undefined : "Any type"}
              comboboxProps={{ withinPortal: true }}
            />
            <MultiSelect
              size="xs"
              label="Priority"
              data={[...PRIORITIES]}
              value={draft.priorities}
              onChange={(v) => setDraft({ ...draft, priorities: v as Priority[] })}
              placeholder={draft.priorities.length ? undefined : "Any priority"}
              comboboxProps={{ withinPortal: true }}
            />
            <MultiSelect
              size="xs"
              label="Channel"
              data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))}
              value={draft.channels}
              onChange={(v) => setDraft({ ...draft, channels: v as Channel[] })}
              placeholder={draft.channels.length ? undefined : "Any channel"}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
          <Group grow align="flex-start">
            <MultiSelect
              size="xs"
              label="Category"
              searchable
              data={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.path }))}
              {...bind.choice("category_ids")}
              placeholder={draft.category_ids.length ? undefined : "Any category"}
              comboboxProps={{ withinPortal: true }}
            />
            <MultiSelect
              size="xs"
              label="Organization"
              searchable
              data={(orgs.data ?? []).map((o) => ({ value: String(o.id), label: o.name }))}
              {...bind.choice("organization_ids")}
              placeholder={draft.organization_ids.length ? undefined : "Any organization"}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
        </Stack>
      </fieldset>

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
