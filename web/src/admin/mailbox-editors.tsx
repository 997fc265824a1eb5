/** The mailbox editors: editing or removing an existing mailbox, and adding a new one. */
import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { IconInbox, IconKey, IconTrash } from "@tabler/icons-react";
import type { Mailbox, MailboxHealth } from "@tessera/contracts";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import { createMailbox, deleteMailbox, updateMailbox } from "../api/mail.ts";
import { announce, ConfirmDialog, Consequence, Editor, SaveError } from "./layout.tsx";
import { useAdminForm, type AdminCollection } from "./scaffold/index.ts";
import { check, draftOf, EMPTY, FIELDS, inputOf } from "./mailbox-draft.ts";
import { MailboxFields } from "./mailbox-fields.tsx";
import { HealthPanel } from "./mailbox-health.tsx";

export function MailboxEditor({ mailbox, health, collection }: { mailbox: Mailbox; health: MailboxHealth | undefined; collection: AdminCollection<Mailbox> }) {
  const navigate = useNavigate();
  const base = useMemo(() => draftOf(mailbox), [mailbox]);
  const form = useAdminForm({
    base,
    fields: FIELDS,
    conflictField: "address",
    check: (d) => check(d, !!mailbox.imap?.has_password),
    save: (d) => updateMailbox(mailbox.id, inputOf(d)),
    draftOf,
    onSaved: collection.saved,
    remove: () => deleteMailbox(mailbox.id),
    onRemoved: () => {
      collection.removed(mailbox);
      announce(`${mailbox.address} was removed. Its tickets and received mail stay.`);
      navigate(collection.path);
    },
  });
  return (
    <Editor label={`Edit mailbox ${mailbox.address}`} {...form.editorProps} backTo={collection.path} backLabel="All mailboxes">
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={2} fz={17}>
            {mailbox.address}
          </Title>
          <Text size="sm" c="dimmed">
            {mailbox.name}
          </Text>
        </div>
        <Button variant="subtle" color="red" size="xs" leftSection={<IconTrash size={14} />} onClick={form.askRemove}>
          Remove mailbox
        </Button>
      </Group>
      <HealthPanel health={health} />
      <MailboxFields key={mailbox.updated_at} draft={form.draft} setDraft={form.setDraft} errors={form.errors} stored={mailbox} />
      <SaveError message={form.general} />
      <ConfirmDialog {...form.removal} title={`Remove ${mailbox.address}?`} confirmLabel="Remove mailbox">
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

export function NewMailboxEditor({ collection }: { collection: AdminCollection<Mailbox> }) {
  const navigate = useNavigate();
  const form = useAdminForm({
    base: EMPTY,
    fields: FIELDS,
    conflictField: "address",
    check: (d) => check(d, false),
    save: (d) => createMailbox(inputOf(d)),
    onSaved: (m) => {
      collection.added(m);
      announce(`${m.address} was added.`);
      navigate(collection.hrefOf(m));
    },
  });
  return (
    <Editor label="New mailbox" {...form.editorProps} saveLabel="Add mailbox" backTo={collection.path} backLabel="All mailboxes">
      <Title order={2} fz={17} mb={4}>
        New mailbox
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        An address people write to for help. Each message from someone new opens a ticket; replies join theirs.
      </Text>
      <MailboxFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} />
      <SaveError title="The mailbox was not added" message={form.general} />
    </Editor>
  );
}
