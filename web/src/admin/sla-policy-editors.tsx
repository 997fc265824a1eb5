// SLA policies: the editors for an existing policy, a new policy, and the SLA settings.
import { Button, Group, NumberInput, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Policy, PolicyUpdateInput, SlaSettings } from "@tessera/contracts";
import { createPolicy, deletePolicy, fetchSlaSettings, saveSlaSettings, slaKeys, updatePolicy, useCalendars } from "../api/sla.ts";
import { ConfirmDialog, Editor, SaveError } from "./layout.tsx";
import { type AdminCollection, FormHeading, Loaded, useAdminForm, useCreateForm, useEditForm } from "./scaffold/index.ts";
import { checkDraft, draftOf, FIELDS, inputOf, newDraft, type PolicyDraft } from "./sla-policy-draft.ts";
import { PolicyFields } from "./sla-policy-fields.tsx";

export function PolicyEditor({ policy, collection }: { policy: Policy; collection: AdminCollection<Policy> }) {
  const form = useEditForm(collection, policy, {
    fields: FIELDS,
    check: checkDraft,
    draftOf,
    save: (d) => updatePolicy(policy.id, inputOf(d) as PolicyUpdateInput),
    remove: () => deletePolicy(policy.id),
    removed: `${policy.name} was deleted.`,
  });
  return (
    <Editor label={`Edit policy ${policy.name}`} {...form.editorProps}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} fz={17}>
          {policy.name}
        </Title>
        <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={form.askRemove}>
          Delete
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Tried {policy.position === 1 ? "first" : `in position ${policy.position}`}. Saved changes apply to new tickets and to open ones when their clock next changes.
      </Text>
      <PolicyFields bind={form.bind} />
      <SaveError message={form.general} />
      <ConfirmDialog {...form.removal} title={`Delete ${policy.name}?`} confirmLabel="Delete policy">
        <Text size="sm">
          Tickets it no longer times keep their recorded outcomes. A policy that still times open tickets cannot be deleted: make it inactive instead, and the server says so if that is the case.
        </Text>
      </ConfirmDialog>
    </Editor>
  );
}

/** A new policy starts on the default calendar, so the form waits for the calendars. */
export function NewPolicyEditor({ collection }: { collection: AdminCollection<Policy> }) {
  const calendars = useCalendars();
  if (calendars.isPending)
    return (
      <Stack p="lg">
        <Skeleton height={36} />
        <Skeleton height={200} />
      </Stack>
    );
  const defaultCalendar = calendars.data?.find((c) => c.is_default) ?? calendars.data?.[0];
  return <NewPolicyForm collection={collection} empty={newDraft(defaultCalendar ? String(defaultCalendar.id) : "")} />;
}

function NewPolicyForm({ collection, empty }: { collection: AdminCollection<Policy>; empty: PolicyDraft }) {
  const form = useCreateForm(collection, { base: empty, fields: FIELDS, check: checkDraft, save: (d) => createPolicy(inputOf(d)), announce: (p) => `${p.name} was added, after the other policies.` });
  return (
    <Editor label="New policy" {...form.editorProps} saveLabel="Add policy">
      <FormHeading title="New policy">Targets for the tickets it applies to. It is tried after the existing policies; move it up in the list to try it sooner.</FormHeading>
      <PolicyFields bind={form.bind} />
      <SaveError title="The policy was not added" message={form.general} />
    </Editor>
  );
}

export function SettingsEditor() {
  return (
    <Loaded<SlaSettings>
      query={useQuery({ queryKey: slaKeys.settings, queryFn: fetchSlaSettings })}
      failed="The SLA settings could not be loaded"
      loading={
        <Stack p="lg">
          <Skeleton height={36} />
        </Stack>
      }
    >
      {(settings) => <AutoCloseEditor saved={settings.auto_close_days} />}
    </Loaded>
  );
}

function AutoCloseEditor({ saved }: { saved: number }) {
  const client = useQueryClient();
  const form = useAdminForm({
    base: saved,
    fields: [],
    save: (days) => saveSlaSettings({ auto_close_days: days }),
    draftOf: (settings) => settings.auto_close_days,
    onSaved: (settings) => client.setQueryData(slaKeys.settings, settings),
  });
  const current = form.draft;
  return (
    <Editor label="SLA settings" {...form.editorProps} backTo="/admin/sla-policies" backLabel="All policies">
      <Title order={2} fz={17} mb="md">
        SLA settings
      </Title>
      <NumberInput
        label="Close resolved tickets after"
        description={
          current
            ? `A resolved ticket closes after ${current} day${current === 1 ? "" : "s"} without an answer from the requester, who is told by email.`
            : "Resolved tickets stay resolved until the requester confirms or an agent closes them."
        }
        suffix=" days"
        min={0}
        max={365}
        w={260}
        value={current}
        onChange={(v) => form.setDraft(typeof v === "number" ? v : Number(v) || 0)}
      />
      <Text size="xs" c="dimmed" mt={4}>
        0 turns auto-close off.
      </Text>
      <SaveError message={form.general} />
    </Editor>
  );
}
