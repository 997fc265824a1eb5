/**
 * SLA policies: the ordered list (the first active policy whose conditions all hold times a
 * ticket; move one up or down to change the order), and an editor per policy: conditions on
 * type, priority, category, organization and channel; targets per priority for the first
 * response, the next response and the resolution, in business time; the statuses that pause
 * the clock; the warning share; what happens at a warning and at a breach. A live preview says
 * when a ticket created now would be due. "SLA settings" holds auto-close.
 */
import {
  ActionIcon, Alert, Badge, Button, Checkbox, Group, MultiSelect, NumberInput, SegmentedControl, Select, Skeleton, Stack, Switch, Text, Textarea, TextInput, Title, Tooltip,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconArrowDown, IconArrowUp, IconClockExclamation, IconPlus, IconSettings, IconTrash, IconX } from "@tabler/icons-react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  CHANNELS, PAUSE_CATEGORIES, PRIORITIES, SLA_TARGET_KINDS, TICKET_TYPES, type Channel, type Escalation, type EscalationAction, type PauseCategory, type Policy, type PolicyInput, type PolicyUpdateInput, type Priority,
  type PriorityTargets, type SlaTargetKind, type TicketType,
} from "@tessera/contracts";
import { useMemo, useState } from "react";
import { Link, NavLink, useNavigate, useParams } from "react-router";
import { useAdminCategories, useAdminTeams, useAssignableStaff, useOrganizations } from "../api/admin-queries.ts";
import { createPolicy, deletePolicy, fetchCalendars, fetchPolicies, fetchSlaSettings, previewSla, reorderPolicies, saveSlaSettings, slaKeys, updatePolicy } from "../api/sla.ts";
import { errorMessage, ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { KIND_LABELS } from "../ui/sla.ts";
import { AdminPage, announce, ConfirmDialog, Editor, EmptyEditor, formErrors, same, SaveError, Split, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import classes from "./admin.module.css";
import sla from "./sla-admin.module.css";

const TYPE_LABELS: Record<TicketType, string> = { incident: "Incident", service_request: "Service request", problem: "Problem", change: "Change" };
const CHANNEL_LABELS: Record<Channel, string> = { web: "Web portal", email: "Email", api: "API", phone: "Phone", chat: "Chat", alert: "Monitoring alert" };
const PAUSE_LABELS: Record<PauseCategory, string> = { awaiting_requester: "Waiting on the requester", awaiting_third_party: "Waiting on a third party", awaiting_approval: "Waiting for approval" };
const ACTION_LABELS: Record<EscalationAction["type"], string> = {
  notify_assignee: "Notify the assignee",
  notify_supervisors: "Notify the team's supervisors",
  notify_user: "Notify an agent",
  reassign_team: "Move the ticket to a team",
  raise_priority: "Raise the priority one step",
};

// ---- durations as people type them ------------------------------------------------------

/** "30m", "4h", "2h 30m", "1.5h" or a plain number of minutes → minutes; null when unreadable. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+(?:[.,]\d+)?)h)?(?:(\d+)m(?:in)?)?$/.exec(s);
  if (!m || (!m[1] && !m[2])) return null;
  const minutes = Math.round(Number((m[1] ?? "0").replace(",", ".")) * 60) + Number(m[2] ?? 0);
  return minutes > 0 ? minutes : null;
}
const durationText = (minutes: number | null | undefined) => (minutes == null ? "" : minutes % 60 === 0 ? `${minutes / 60}h` : minutes > 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`);

// ---- the draft ----------------------------------------------------------------------------

type TargetTexts = Record<SlaTargetKind, string>;
interface PolicyDraft {
  name: string;
  description: string;
  active: boolean;
  calendar_id: string;
  types: TicketType[];
  priorities: Priority[];
  category_ids: string[];
  organization_ids: string[];
  channels: Channel[];
  targets: Record<Priority, TargetTexts>;
  warn_percent: number;
  pause_on: PauseCategory[];
  escalations: Escalation[];
}

const noTargets = (): TargetTexts => ({ first_response: "", next_response: "", resolution: "" });
const DEFAULT_ESCALATIONS: Escalation[] = [
  { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }] },
  { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_supervisors" }] },
];

function draftOf(p: Policy): PolicyDraft {
  const targets = Object.fromEntries(PRIORITIES.map((pr) => {
    const t = p.targets[pr];
    return [pr, t ? { first_response: durationText(t.first_response), next_response: durationText(t.next_response), resolution: durationText(t.resolution) } : noTargets()];
  })) as Record<Priority, TargetTexts>;
  return {
    name: p.name,
    description: p.description,
    active: p.active,
    calendar_id: String(p.calendar.id),
    types: p.conditions.types,
    priorities: p.conditions.priorities,
    category_ids: p.conditions.category_ids.map(String),
    organization_ids: p.conditions.organization_ids.map(String),
    channels: p.conditions.channels,
    targets,
    warn_percent: p.warn_percent,
    pause_on: p.pause_on,
    escalations: p.escalations,
  };
}

function newDraft(calendarId: string): PolicyDraft {
  return {
    name: "",
    description: "",
    active: true,
    calendar_id: calendarId,
    types: [],
    priorities: [],
    category_ids: [],
    organization_ids: [],
    channels: [],
    targets: {
      P1: { first_response: "30m", next_response: "1h", resolution: "4h" },
      P2: { first_response: "1h", next_response: "4h", resolution: "8h" },
      P3: { first_response: "4h", next_response: "8h", resolution: "24h" },
      P4: { first_response: "8h", next_response: "16h", resolution: "40h" },
    },
    warn_percent: 75,
    pause_on: ["awaiting_requester", "awaiting_third_party"],
    escalations: DEFAULT_ESCALATIONS,
  };
}

function targetsOf(t: TargetTexts): PriorityTargets | undefined {
  const out = { first_response: parseDuration(t.first_response), next_response: parseDuration(t.next_response), resolution: parseDuration(t.resolution) };
  return out.first_response === null && out.next_response === null && out.resolution === null ? undefined : out;
}

function inputOf(d: PolicyDraft): PolicyInput {
  const targets: PolicyInput["targets"] = {};
  for (const pr of PRIORITIES) {
    const t = targetsOf(d.targets[pr]);
    if (t) targets[pr] = t;
  }
  return {
    name: d.name.trim(),
    description: d.description.trim(),
    active: d.active,
    calendar_id: Number(d.calendar_id),
    conditions: { types: d.types, priorities: d.priorities, category_ids: d.category_ids.map(Number), organization_ids: d.organization_ids.map(Number), channels: d.channels },
    targets,
    warn_percent: d.warn_percent,
    pause_on: d.pause_on,
    escalations: d.escalations,
  };
}

function checkDraft(d: PolicyDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give the policy a name";
  if (!d.calendar_id) found.calendar_id = "Pick the calendar its targets count in";
  for (const pr of PRIORITIES) {
    for (const k of SLA_TARGET_KINDS) {
      const text = d.targets[pr][k];
      if (text.trim() && parseDuration(text) === null) found.targets = `${pr} ${KIND_LABELS[k].toLowerCase()}: write it as 30m, 4h or 2h 30m`;
    }
  }
  if (!found.targets && !PRIORITIES.some((pr) => targetsOf(d.targets[pr]))) found.targets = "Set at least one target";
  d.escalations.forEach((e, i) => {
    if (!e.actions.length) found.escalations = `Escalation ${i + 1}: add an action, or remove it`;
    for (const a of e.actions) {
      if (a.type === "notify_user" && !a.user_id) found.escalations = `Escalation ${i + 1}: pick the agent to notify`;
      if (a.type === "reassign_team" && !a.team_id) found.escalations = `Escalation ${i + 1}: pick the team to move the ticket to`;
    }
  });
  return found;
}

// ---- editor parts -------------------------------------------------------------------------

function TargetsGrid({ draft, setDraft, error }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; error?: string }) {
  const set = (pr: Priority, k: SlaTargetKind, v: string) => setDraft({ ...draft, targets: { ...draft.targets, [pr]: { ...draft.targets[pr], [k]: v } } });
  return (
    <fieldset className={sla.fieldset}>
      <Text component="legend" fw={500} size="sm">
        Targets
      </Text>
      <Text size="xs" c="dimmed" mb={6}>
        In business time of the calendar: 30m, 4h or 2h 30m. Leave a box empty for no target of that kind; a priority with none has no SLA under this policy.
      </Text>
      <table className={sla.targets} aria-label="Targets per priority">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            {SLA_TARGET_KINDS.map((k) => (
              <th scope="col" key={k}>
                {KIND_LABELS[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((pr) => (
            <tr key={pr}>
              <th scope="row">{pr}</th>
              {SLA_TARGET_KINDS.map((k) => {
                const text = draft.targets[pr][k];
                const bad = text.trim() !== "" && parseDuration(text) === null;
                return (
                  <td key={k}>
                    <TextInput size="xs" value={text} onChange={(e) => set(pr, k, e.currentTarget.value)} placeholder="none" aria-label={`${pr} ${KIND_LABELS[k].toLowerCase()}`} error={bad || undefined} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <Text size="xs" c="red.7" mt={4} role="alert">
          {error}
        </Text>
      )}
    </fieldset>
  );
}

function Preview({ draft }: { draft: PolicyDraft }) {
  const [priority, setPriority] = useState<Priority>("P2");
  const [type, setType] = useState<TicketType>("incident");
  const [at, setAt] = useState("");
  const targets = targetsOf(draft.targets[priority]);
  const input = draft.calendar_id && targets ? { calendar_id: Number(draft.calendar_id), targets, priority, type, ...(at ? { created_at: new Date(at).toISOString() } : {}) } : null;
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    queryKey: ["sla-preview", debounced],
    queryFn: ({ signal }) => previewSla(debounced!, signal),
    enabled: !!debounced,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  return (
    <section className={sla.preview} aria-label="Preview" aria-live="polite">
      <Group gap="xs" mb={8} wrap="wrap">
        <Text size="sm" fw={600}>
          Preview:
        </Text>
        <SegmentedControl size="xs" data={[...PRIORITIES]} value={priority} onChange={(v) => setPriority(v as Priority)} aria-label="Priority to preview" />
        <Select size="xs" w={150} data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} value={type} onChange={(v) => v && setType(v as TicketType)} allowDeselect={false} aria-label="Type to preview" comboboxProps={{ withinPortal: true }} />
        <TextInput size="xs" type="datetime-local" value={at} onChange={(e) => setAt(e.currentTarget.value)} aria-label="Created at (empty: now)" w={190} />
      </Group>
      {!targets ? (
        <Text size="sm">A {priority} ticket has no SLA under this policy.</Text>
      ) : preview.isError ? (
        <Text size="sm" c="red.8">{errorMessage(preview.error)}</Text>
      ) : !preview.data ? (
        <Skeleton height={40} />
      ) : (
        <>
          <Text size="sm">
            A {priority} {TYPE_LABELS[type].toLowerCase()} created {at ? "at that time" : "now"} is due:
          </Text>
          <Stack gap={2} component="ul" mt={4} style={{ margin: 0, paddingLeft: 18 }}>
            {preview.data.targets.map((t) => (
              <Text component="li" size="sm" key={t.kind}>
                <b>{KIND_LABELS[t.kind]}</b> by {t.due_local}
                {t.kind === "next_response" ? ", and again after each later requester message" : ""}
              </Text>
            ))}
          </Stack>
          <Text size="xs" mt={4} opacity={0.8}>
            Counted in “{preview.data.calendar.name}” ({preview.data.calendar.time_zone}).
          </Text>
        </>
      )}
    </section>
  );
}

function ActionRow({ action, onChange, onRemove, staff, teams }: {
  action: EscalationAction;
  onChange: (a: EscalationAction) => void;
  onRemove: () => void;
  staff: Array<{ value: string; label: string }>;
  teams: Array<{ value: string; label: string }>;
}) {
  const setType = (type: EscalationAction["type"]) => {
    if (type === "notify_user") onChange({ type, user_id: 0 });
    else if (type === "reassign_team") onChange({ type, team_id: 0 });
    else onChange({ type } as EscalationAction);
  };
  return (
    <Group gap={6} wrap="nowrap">
      <Select size="xs" w={230} data={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))} value={action.type} onChange={(v) => v && setType(v as EscalationAction["type"])} allowDeselect={false} aria-label="Action" comboboxProps={{ withinPortal: true }} />
      {action.type === "notify_user" && (
        <Select size="xs" w={200} searchable data={staff} value={action.user_id ? String(action.user_id) : null} onChange={(v) => onChange({ type: "notify_user", user_id: Number(v) })} placeholder="Which agent" aria-label="Agent to notify" comboboxProps={{ withinPortal: true }} />
      )}
      {action.type === "reassign_team" && (
        <Select size="xs" w={200} data={teams} value={action.team_id ? String(action.team_id) : null} onChange={(v) => onChange({ type: "reassign_team", team_id: Number(v) })} placeholder="Which team" aria-label="Team to move it to" comboboxProps={{ withinPortal: true }} />
      )}
      <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemove} aria-label="Remove action">
        <IconX size={14} />
      </ActionIcon>
    </Group>
  );
}

function Escalations({ draft, setDraft, error }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; error?: string }) {
  const staff = useAssignableStaff();
  const teams = useAdminTeams();
  const staffData = (staff.data ?? []).map((u) => ({ value: String(u.id), label: u.name }));
  const teamData = (teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }));
  const set = (i: number, e: Escalation) => setDraft({ ...draft, escalations: draft.escalations.map((x, j) => (j === i ? e : x)) });
  return (
    <fieldset className={sla.fieldset}>
      <Group justify="space-between" align="flex-end" mb={6}>
        <div>
          <Text component="legend" fw={500} size="sm">
            Escalations
          </Text>
          <Text size="xs" c="dimmed">
            What happens when a target reaches its warning and when it is breached. Each runs once per target.
          </Text>
        </div>
        <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={13} />} onClick={() => setDraft({ ...draft, escalations: [...draft.escalations, { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }] }] })}>
          Add escalation
        </Button>
      </Group>
      <Stack gap="xs">
        {draft.escalations.length === 0 && (
          <Text size="sm" c="dimmed">
            None: warnings and breaches are only recorded in the ticket's history.
          </Text>
        )}
        {draft.escalations.map((e, i) => (
          <div key={i} className={sla.escalation}>
            <Group gap={6} mb={6} wrap="wrap">
              <Select size="xs" w={150} data={[{ value: "warning", label: "At the warning" }, { value: "breach", label: "At a breach" }]} value={e.level} onChange={(v) => v && set(i, { ...e, level: v as Escalation["level"] })} allowDeselect={false} aria-label={`Escalation ${i + 1} level`} comboboxProps={{ withinPortal: true }} />
              <Text size="xs" c="dimmed">
                of
              </Text>
              <MultiSelect
                size="xs"
                w={300}
                data={SLA_TARGET_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
                value={e.kinds}
                onChange={(v) => set(i, { ...e, kinds: v as SlaTargetKind[] })}
                placeholder={e.kinds.length ? undefined : "any target"}
                aria-label={`Escalation ${i + 1} targets`}
                comboboxProps={{ withinPortal: true }}
              />
              <ActionIcon size="sm" variant="subtle" color="gray" ml="auto" onClick={() => setDraft({ ...draft, escalations: draft.escalations.filter((_, j) => j !== i) })} aria-label={`Remove escalation ${i + 1}`}>
                <IconTrash size={14} />
              </ActionIcon>
            </Group>
            <Stack gap={4}>
              {e.actions.map((a, k) => (
                <ActionRow
                  key={k}
                  action={a}
                  staff={staffData}
                  teams={teamData}
                  onChange={(na) => set(i, { ...e, actions: e.actions.map((x, j) => (j === k ? na : x)) })}
                  onRemove={() => set(i, { ...e, actions: e.actions.filter((_, j) => j !== k) })}
                />
              ))}
              <div>
                <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconPlus size={12} />} onClick={() => set(i, { ...e, actions: [...e.actions, { type: "notify_supervisors" }] })} disabled={e.actions.length >= 10}>
                  Add action
                </Button>
              </div>
            </Stack>
          </div>
        ))}
      </Stack>
      {error && (
        <Text size="xs" c="red.7" mt={4} role="alert">
          {error}
        </Text>
      )}
    </fieldset>
  );
}

function PolicyFields({ draft, setDraft, errors }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; errors: Record<string, string> }) {
  const calendars = useQuery({ queryKey: slaKeys.calendars, queryFn: fetchCalendars });
  const categories = useAdminCategories();
  const orgs = useOrganizations();
  return (
    <Stack gap="lg">
      <Group grow align="flex-start">
        <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={errors.name} maxLength={100} placeholder="e.g. VIP incidents" />
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
      <Textarea label="Description" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })} autosize minRows={1} maxRows={4} maxLength={1000} placeholder="What it is for, for the next admin" />
      <Switch label="Active" description={draft.active ? "Tickets that match are timed by it." : "Skipped when tickets are matched; tickets it already times keep their deadlines."} checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.currentTarget.checked })} />

      <fieldset className={sla.fieldset}>
        <Text component="legend" fw={500} size="sm">
          Applies to
        </Text>
        <Text size="xs" c="dimmed" mb={6}>
          Every condition set must hold; an empty one matches anything. A category covers its subcategories.
        </Text>
        <Stack gap={8}>
          <Group grow align="flex-start">
            <MultiSelect size="xs" label="Type" data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} value={draft.types} onChange={(v) => setDraft({ ...draft, types: v as TicketType[] })} placeholder={draft.types.length ? undefined : "Any type"} comboboxProps={{ withinPortal: true }} />
            <MultiSelect size="xs" label="Priority" data={[...PRIORITIES]} value={draft.priorities} onChange={(v) => setDraft({ ...draft, priorities: v as Priority[] })} placeholder={draft.priorities.length ? undefined : "Any priority"} comboboxProps={{ withinPortal: true }} />
            <MultiSelect size="xs" label="Channel" data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))} value={draft.channels} onChange={(v) => setDraft({ ...draft, channels: v as Channel[] })} placeholder={draft.channels.length ? undefined : "Any channel"} comboboxProps={{ withinPortal: true }} />
          </Group>
          <Group grow align="flex-start">
            <MultiSelect size="xs" label="Category" searchable data={(categories.data ?? []).map((c) => ({ value: String(c.id), label: c.path }))} value={draft.category_ids} onChange={(v) => setDraft({ ...draft, category_ids: v })} placeholder={draft.category_ids.length ? undefined : "Any category"} comboboxProps={{ withinPortal: true }} />
            <MultiSelect size="xs" label="Organization" searchable data={(orgs.data ?? []).map((o) => ({ value: String(o.id), label: o.name }))} value={draft.organization_ids} onChange={(v) => setDraft({ ...draft, organization_ids: v })} placeholder={draft.organization_ids.length ? undefined : "Any organization"} comboboxProps={{ withinPortal: true }} />
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
        <Checkbox.Group label="Pause the clock while" description="Time in these statuses does not count." value={draft.pause_on} onChange={(v) => setDraft({ ...draft, pause_on: v as PauseCategory[] })}>
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

const FIELDS = ["name", "description", "active", "calendar_id", "conditions", "targets", "warn_percent", "pause_on", "escalations"] as const;

function PolicyEditor({ policy }: { policy: Policy }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const base = useMemo(() => draftOf(policy), [policy]);
  const [draft, setDraft] = useState(base);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const save = useMutation({
    mutationFn: () => updatePolicy(policy.id, inputOf(draft) as PolicyUpdateInput),
    onSuccess: (saved) => {
      client.setQueryData<Policy[]>(slaKeys.policies, (all) => all?.map((p) => (p.id === saved.id ? saved : p)));
      void client.invalidateQueries({ queryKey: slaKeys.calendars });
      setDraft(draftOf(saved));
      markSaved();
    },
  });
  const remove = useMutation({
    mutationFn: () => deletePolicy(policy.id),
    onSuccess: () => {
      client.setQueryData<Policy[]>(slaKeys.policies, (all) => all?.filter((p) => p.id !== policy.id));
      void client.invalidateQueries({ queryKey: slaKeys.calendars });
      announce(`${policy.name} was deleted.`);
      guard.allow();
      navigate("/admin/sla-policies");
    },
  });
  const errors = formErrors(save.error, FIELDS);
  return (
    <Editor
      label={`Edit policy ${policy.name}`}
      dirty={dirty}
      saving={save.isPending}
      onSubmit={() => {
        const found = checkDraft(draft);
        setLocal(found);
        if (!Object.keys(found).length) save.mutate();
      }}
      onRevert={() => {
        setDraft(base);
        setLocal({});
        save.reset();
      }}
      backTo="/admin/sla-policies"
      backLabel="All policies"
      guard={guard}
      justSaved={justSaved}
    >
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} fz={17}>
          {policy.name}
        </Title>
        <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Tried {policy.position === 1 ? "first" : `in position ${policy.position}`}. Saved changes apply to new tickets and to open ones when their clock next changes.
      </Text>
      <PolicyFields draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} />
      <SaveError message={errors.general} />
      <ConfirmDialog opened={confirming} title={`Delete ${policy.name}?`} confirmLabel="Delete policy" onConfirm={() => remove.mutate()} onClose={() => { setConfirming(false); remove.reset(); }} busy={remove.isPending} error={remove.error}>
        <Text size="sm">
          Tickets it no longer times keep their recorded outcomes. A policy that still times open tickets cannot be deleted: make it inactive instead, and the server says so if that is the case.
        </Text>
      </ConfirmDialog>
    </Editor>
  );
}

function NewPolicyEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const calendars = useQuery({ queryKey: slaKeys.calendars, queryFn: fetchCalendars });
  const defaultCalendar = calendars.data?.find((c) => c.is_default) ?? calendars.data?.[0];
  const empty = useMemo(() => newDraft(defaultCalendar ? String(defaultCalendar.id) : ""), [defaultCalendar]);
  const [draft, setDraft] = useState<PolicyDraft | null>(null);
  const current = draft ?? empty;
  const [local, setLocal] = useState<Record<string, string>>({});
  const dirty = draft !== null && !same(draft, empty);
  const guard = useUnsavedGuard(dirty);
  const create = useMutation({
    mutationFn: () => createPolicy(inputOf(current)),
    onSuccess: (p) => {
      client.setQueryData<Policy[]>(slaKeys.policies, (all) => (all ? [...all, p] : all));
      void client.invalidateQueries({ queryKey: slaKeys.calendars });
      announce(`${p.name} was added, after the other policies.`);
      guard.allow();
      navigate(`/admin/sla-policies/${p.id}`);
    },
  });
  const errors = formErrors(create.error, FIELDS);
  return (
    <Editor
      label="New policy"
      dirty={dirty}
      saving={create.isPending}
      saveLabel="Add policy"
      onSubmit={() => {
        const found = checkDraft(current);
        setLocal(found);
        if (!Object.keys(found).length) create.mutate();
      }}
      backTo="/admin/sla-policies"
      backLabel="All policies"
      guard={guard}
    >
      <Title order={2} fz={17} mb={4}>
        New policy
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        Targets for the tickets it applies to. It is tried after the existing policies; move it up in the list to try it sooner.
      </Text>
      <PolicyFields draft={current} setDraft={setDraft} errors={{ ...errors.fields, ...local }} />
      <SaveError title="The policy was not added" message={errors.general} />
    </Editor>
  );
}

function SettingsEditor() {
  const client = useQueryClient();
  const settings = useQuery({ queryKey: slaKeys.settings, queryFn: fetchSlaSettings });
  const base = settings.data?.auto_close_days ?? null;
  const [days, setDays] = useState<number | null>(null);
  const current = days ?? base;
  const [justSaved, markSaved] = useJustSaved();
  const dirty = days !== null && days !== base;
  const guard = useUnsavedGuard(dirty);
  const save = useMutation({
    mutationFn: () => saveSlaSettings({ auto_close_days: current ?? 0 }),
    onSuccess: (saved) => {
      client.setQueryData(slaKeys.settings, saved);
      setDays(null);
      markSaved();
    },
  });
  if (settings.isPending) return <Stack p="lg"><Skeleton height={36} /></Stack>;
  if (settings.isError) return <div style={{ padding: 20 }}><LoadError title="The SLA settings could not be loaded" error={settings.error} onRetry={() => void settings.refetch()} /></div>;
  return (
    <Editor label="SLA settings" dirty={dirty} saving={save.isPending} onSubmit={() => save.mutate()} onRevert={() => setDays(null)} backTo="/admin/sla-policies" backLabel="All policies" guard={guard} justSaved={justSaved}>
      <Title order={2} fz={17} mb="md">
        SLA settings
      </Title>
      <NumberInput
        label="Close resolved tickets after"
        description={current ? `A resolved ticket closes after ${current} day${current === 1 ? "" : "s"} without an answer from the requester, who is told by email.` : "Resolved tickets stay resolved until the requester confirms or an agent closes them."}
        suffix=" days"
        min={0}
        max={365}
        w={260}
        value={current ?? 0}
        onChange={(v) => setDays(typeof v === "number" ? v : Number(v) || 0)}
      />
      <Text size="xs" c="dimmed" mt={4}>
        0 turns auto-close off.
      </Text>
      <SaveError message={save.error ? errorMessage(save.error) : null} />
    </Editor>
  );
}

// ---- the list -----------------------------------------------------------------------------

function conditionsText(p: Policy): string {
  const c = p.conditions;
  const parts = [
    c.types.length ? c.types.map((t) => TYPE_LABELS[t]).join("/") : null,
    c.priorities.length ? c.priorities.join("/") : null,
    c.channels.length ? c.channels.map((x) => CHANNEL_LABELS[x]).join("/") : null,
    c.category_ids.length ? `${c.category_ids.length} categor${c.category_ids.length === 1 ? "y" : "ies"}` : null,
    c.organization_ids.length ? `${c.organization_ids.length} organization${c.organization_ids.length === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "Every ticket";
}

function PolicyList({ policies }: { policies: Policy[] }) {
  const client = useQueryClient();
  const reorder = useMutation({
    mutationFn: (ids: number[]) => reorderPolicies(ids),
    onMutate: (ids) => {
      const before = client.getQueryData<Policy[]>(slaKeys.policies);
      client.setQueryData<Policy[]>(slaKeys.policies, (all) => all && ids.map((id, i) => ({ ...all.find((p) => p.id === id)!, position: i + 1 })));
      return { before };
    },
    onError: (_err, _ids, ctx) => client.setQueryData(slaKeys.policies, ctx?.before),
    onSuccess: (fresh) => {
      client.setQueryData(slaKeys.policies, fresh);
      announce("The new order is saved.");
    },
  });
  const move = (i: number, delta: number) => {
    const ids = policies.map((p) => p.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + delta, 0, id);
    reorder.mutate(ids);
  };
  return (
    <>
      <ul className={classes.rows}>
        <li>
          <NavLink to="/admin/sla-policies/settings" className={classes.row}>
            <IconSettings size={20} stroke={1.5} color="var(--mantine-color-gray-6)" aria-hidden="true" />
            <div className={classes.rowMain}>
              <div className={classes.rowTitle}>SLA settings</div>
              <div className={classes.rowSub}>Auto-close of resolved tickets</div>
            </div>
          </NavLink>
        </li>
      </ul>
      <Text className={classes.groupHeading} component="h2">
        Policies, in the order they are tried
      </Text>
      {policies.length === 0 ? (
        <Text size="sm" c="dimmed" p="md">
          No policies yet: tickets have no deadlines. Add one with targets for each priority.
        </Text>
      ) : (
        <ol className={classes.rows} aria-label="Policies in order">
          {policies.map((p, i) => (
            <li key={p.id} style={{ display: "flex", alignItems: "center", gap: 2 }}>
              <NavLink to={`/admin/sla-policies/${p.id}`} className={`${classes.row} ${sla.row}`} data-inactive={!p.active || undefined} style={{ flex: 1, minWidth: 0 }}>
                <span className={sla.position} aria-hidden="true">
                  {i + 1}
                </span>
                <div className={classes.rowMain}>
                  <div className={classes.rowTitle}>{p.name}</div>
                  <div className={classes.rowSub}>
                    {conditionsText(p)} · {p.calendar.name}
                  </div>
                </div>
                {!p.active && (
                  <Badge variant="light" color="gray" size="sm">
                    Inactive
                  </Badge>
                )}
              </NavLink>
              <Stack gap={0}>
                <Tooltip label="Try sooner">
                  <ActionIcon size="xs" variant="subtle" color="gray" disabled={i === 0 || reorder.isPending} onClick={() => move(i, -1)} aria-label={`Move ${p.name} up`}>
                    <IconArrowUp size={12} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Try later">
                  <ActionIcon size="xs" variant="subtle" color="gray" disabled={i === policies.length - 1 || reorder.isPending} onClick={() => move(i, 1)} aria-label={`Move ${p.name} down`}>
                    <IconArrowDown size={12} />
                  </ActionIcon>
                </Tooltip>
              </Stack>
            </li>
          ))}
        </ol>
      )}
      {reorder.isError && (
        <Alert color="red" variant="light" m="xs" role="alert">
          The order was not saved: {errorMessage(reorder.error)}
        </Alert>
      )}
    </>
  );
}

export function SlaPoliciesPage() {
  const { policyId } = useParams();
  const policies = useQuery({ queryKey: slaKeys.policies, queryFn: fetchPolicies });
  const selected = policyId && policyId !== "new" && policyId !== "settings" ? (policies.data ?? []).find((p) => String(p.id) === policyId) : undefined;
  let editor;
  if (policyId === "new") editor = <NewPolicyEditor />;
  else if (policyId === "settings") editor = <SettingsEditor />;
  else if (policyId && policies.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={200} /></Stack>;
  else if (selected) editor = <PolicyEditor key={`${selected.id}-${selected.updated_at}`} policy={selected} />;
  else if (policyId && policies.data)
    editor = (
      <EmptyEditor icon={<IconClockExclamation size={32} stroke={1.5} />} title="This policy does not exist">
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={<IconClockExclamation size={32} stroke={1.5} />} title="Pick a policy">
        Each policy sets response and resolution targets for the tickets it applies to. The first active policy whose conditions match a ticket times it.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="SLA policies"
      description="Response and resolution targets, tried in order: the first active policy that matches a ticket times it."
      actions={
        <Button component={Link} to="/admin/sla-policies/new" leftSection={<IconPlus size={16} />}>
          Add policy
        </Button>
      }
    >
      <Split
        listLabel="Policy list"
        selected={!!policyId}
        list={
          policies.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label="Loading policies" /></div>
          ) : policies.isError ? (
            <div style={{ padding: 12 }}><LoadError title="Policies could not be loaded" error={policies.error} onRetry={() => void policies.refetch()} /></div>
          ) : (
            <PolicyList policies={policies.data} />
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}
