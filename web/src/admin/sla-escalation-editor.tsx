// SLA policy editor: the escalations run at a warning or a breach, and their actions.
import { ActionIcon, Button, Group, MultiSelect, Select, Stack, Text } from "@mantine/core";
import { IconPlus, IconTrash, IconX } from "@tabler/icons-react";
import { SLA_TARGET_KINDS, type Escalation, type EscalationAction, type SlaTargetKind } from "@tessera/contracts";
import { useAdminTeams, useAssignableStaff } from "../api/admin-queries.ts";
import { KIND_LABELS } from "../ui/sla.ts";
import type { PolicyDraft } from "./sla-policy-draft.ts";
import sla from "./sla-admin.module.css";
import { AddButton, FieldGroup } from "./field-group.tsx";

const ACTION_LABELS: Record<EscalationAction["type"], string> = {
  notify_assignee: "Notify the assignee",
  notify_supervisors: "Notify the team's supervisors",
  notify_user: "Notify an agent",
  reassign_team: "Move the ticket to a team",
  raise_priority: "Raise the priority one step",
};

function ActionRow({
  action,
  onChange,
  onRemove,
  staff,
  teams,
}: {
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
  // Notifying an agent and moving the ticket to a team each need one more choice: whom.
  const whom =
    action.type === "notify_user"
      ? { data: staff, searchable: true, id: action.user_id, pick: (user_id: number) => onChange({ type: "notify_user", user_id }), placeholder: "Which agent", label: "Agent to notify" }
      : action.type === "reassign_team"
        ? { data: teams, searchable: false, id: action.team_id, pick: (team_id: number) => onChange({ type: "reassign_team", team_id }), placeholder: "Which team", label: "Team to move it to" }
        : null;
  return (
    <Group gap={6} wrap="nowrap">
      <Select
        size="xs"
        w={230}
        data={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))}
        value={action.type}
        onChange={(v) => v && setType(v as EscalationAction["type"])}
        allowDeselect={false}
        aria-label="Action"
        comboboxProps={{ withinPortal: true }}
      />
      {whom && (
        <Select
          size="xs"
          w={200}
          searchable={whom.searchable}
          data={whom.data}
          value={whom.id ? String(whom.id) : null}
          onChange={(v) => whom.pick(Number(v))}
          placeholder={whom.placeholder}
          aria-label={whom.label}
          comboboxProps={{ withinPortal: true }}
        />
      )}
      <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemove} aria-label="Remove action">
        <IconX size={14} />
      </ActionIcon>
    </Group>
  );
}

export function Escalations({ draft, setDraft, error }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; error?: string }) {
  const staff = useAssignableStaff();
  const teams = useAdminTeams();
  const staffData = (staff.data ?? []).map((u) => ({ value: String(u.id), label: u.name }));
  const teamData = (teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }));
  const set = (i: number, e: Escalation) => setDraft({ ...draft, escalations: draft.escalations.map((x, j) => (j === i ? e : x)) });
  return (
    <FieldGroup
      legend="Escalations"
      hint="What happens when a target reaches its warning and when it is breached. Each runs once per target."
      actions={
        <AddButton onClick={() => setDraft({ ...draft, escalations: [...draft.escalations, { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }] }] })}>Add escalation</AddButton>
      }
      error={error}
    >
      <Stack gap="xs">
        {draft.escalations.length === 0 && (
          <Text size="sm" c="dimmed">
            None: warnings and breaches are only recorded in the ticket's history.
          </Text>
        )}
        {draft.escalations.map((e, i) => (
          <div key={i} className={sla.escalation}>
            <Group gap={6} mb={6} wrap="wrap">
              <Select
                size="xs"
                w={150}
                data={[
                  { value: "warning", label: "At the warning" },
                  { value: "breach", label: "At a breach" },
                ]}
                value={e.level}
                onChange={(v) => v && set(i, { ...e, level: v as Escalation["level"] })}
                allowDeselect={false}
                aria-label={`Escalation ${i + 1} level`}
                comboboxProps={{ withinPortal: true }}
              />
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
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                ml="auto"
                onClick={() => setDraft({ ...draft, escalations: draft.escalations.filter((_, j) => j !== i) })}
                aria-label={`Remove escalation ${i + 1}`}
              >
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
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="gray"
                  leftSection={<IconPlus size={12} />}
                  onClick={() => set(i, { ...e, actions: [...e.actions, { type: "notify_supervisors" }] })}
                  disabled={e.actions.length >= 10}
                >
                  Add action
                </Button>
              </div>
            </Stack>
          </div>
        ))}
      </Stack>
    </FieldGroup>
  );
}
