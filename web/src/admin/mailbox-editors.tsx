/** The mailbox editors: editing or removing an existing mailbox, and adding a new one. */
import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { IconInbox, IconKey, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Mailbox, MailboxHealth } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { createMailbox, deleteMailbox, mailKeys, updateMailbox } from "../api/mail.ts";
import { announce, ConfirmDialog, Consequence, Editor, formErrors, same, SaveError, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import { check, draftOf, EMPTY, FIELDS, inputOf } from "./mailbox-draft.ts";
import { MailboxFields } from "./mailbox-fields.tsx";
import { HealthPanel } from "./mailbox-health.tsx";

export function MailboxEditor({ mailbox, health }: { mailbox: Mailbox; health: MailboxHealth | undefined }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const base = useMemo(() => draftOf(mailbox), [mailbox]);
  const [draft, setDraft] = useState(base);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState(false);
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const save = useMutation({
    mutationFn: () => updateMailbox(mailbox.id, inputOf(draft)),
    onSuccess: (saved) => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => all?.map((m) => (m.id === saved.id ? saved : m)));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      setDraft(draftOf(saved));
      markSaved();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteMailbox(mailbox.id),
    onSuccess: () => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => all?.filter((m) => m.id !== mailbox.id));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      announce(`${mailbox.address} was removed. Its tickets and received mail stay.`);
      guard.allow();
      navigate("/admin/mailboxes");
    },
  });
  const errors = formErrors(save.error, FIELDS, "address");
  return (
    <Editor
      label={`Edit mailbox ${mailbox.address}`}
      dirty={dirty}
      saving={save.isPending}
      onSubmit={() => {
        const found = check(draft, !!mailbox.imap?.has_password);
        setLocal(found);
        if (!Object.keys(found).length) save.mutate();
      }}
      onRevert={() => {
        setDraft(base);
        setLocal({});
        save.reset();
      }}
      backTo="/admin/mailboxes"
      backLabel="All mailboxes"
      guard={guard}
      justSaved={justSaved}
    >
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={2} fz={17}>
            {mailbox.address}
          </Title>
          <Text size="sm" c="dimmed">
            {mailbox.name}
          </Text>
        </div>
        <Button variant="subtle" color="red" size="xs" leftSection={<IconTrash size={14} />} onClick={() => setRemoving(true)}>
          Remove mailbox
        </Button>
      </Group>
      <HealthPanel health={health} />
      <MailboxFields key={mailbox.updated_at} draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} stored={mailbox} />
      <SaveError message={errors.general} />
      <ConfirmDialog
        opened={removing}
        title={`Remove ${mailbox.address}?`}
        confirmLabel="Remove mailbox"
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setRemoving(false);
          remove.reset();
        }}
        busy={remove.isPending}
        error={remove.error}
      >
        <Stack gap="sm">
          <Consequence icon={<IconInbox size={16} />}>
            Tessera stops taking mail at this address{mailbox.imap ? ` and stops fetching from ${mailbox.imap.host}` : ""}. Mail sent to it afterwards is refused.
          </Consequence>
          <Consequence icon={<IconKey size={16} />}>Its tickets, their conversations and the mail already received stay as they are.</Consequence>
        </Stack>
      </ConfirmDialog>
    </Editor>
  );
}
export function NewMailboxEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const dirty = !same(draft, EMPTY);
  const guard = useUnsavedGuard(dirty);
  const create = useMutation({
    mutationFn: () => createMailbox(inputOf(draft)),
    onSuccess: (m) => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => (all ? [...all, m].sort((a, b) => a.address.localeCompare(b.address)) : all));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      announce(`${m.address} was added.`);
      guard.allow();
      navigate(`/admin/mailboxes/${m.id}`);
    },
  });
  const errors = formErrors(create.error, FIELDS, "address");
  return (
    <Editor
      label="New mailbox"
      dirty={dirty}
      saving={create.isPending}
      saveLabel="Add mailbox"
      onSubmit={() => {
        const found = check(draft, false);
        setLocal(found);
        if (!Object.keys(found).length) create.mutate();
      }}
      backTo="/admin/mailboxes"
      backLabel="All mailboxes"
      guard={guard}
    >
      <Title order={2} fz={17} mb={4}>
        New mailbox
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        An address people write to for help. Each message from someone new opens a ticket; replies join theirs.
      </Text>
      <MailboxFields draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} />
      <SaveError title="The mailbox was not added" message={errors.general} />
    </Editor>
  );
}
