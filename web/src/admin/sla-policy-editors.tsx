// SLA policies: the editors for an existing policy, a new policy, and the SLA settings.
import { Button, Group, NumberInput, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Policy, PolicyUpdateInput } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { createPolicy, deletePolicy, fetchCalendars, fetchSlaSettings, saveSlaSettings, slaKeys, updatePolicy } from "../api/sla.ts";
import { errorMessage, LoadError } from "../ui/query-state.tsx";
import { announce, ConfirmDialog, Editor, formErrors, same, SaveError, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import { checkDraft, draftOf, FIELDS, inputOf, newDraft, type PolicyDraft } from "./sla-policy-draft.ts";
import { PolicyFields } from "./sla-policy-fields.tsx";

export function PolicyEditor({ policy }: { policy: Policy }) {
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

export function NewPolicyEditor() {
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

export function SettingsEditor() {
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
