/** The mailbox editors: editing or removing an existing mailbox, and adding a new one. */
import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { IconInbox, IconKey, IconTrash } from "@tabler/icons-react";
import type { Mailbox, MailboxHealth } from "@tessera/contracts";
import { createMailbox, deleteMailbox, updateMailbox } from "../api/mail.ts";
import { ConfirmDialog, Consequence, Editor, SaveError } from "./layout.tsx";
import { FormHeading, useCreateForm, useEditForm, type AdminCollection } from "./scaffold/index.ts";
import { check, draftOf, EMPTY, FIELDS, inputOf } from "./mailbox-draft.ts";
import { MailboxFields } from "./mailbox-fields.tsx";
import { HealthPanel } from "./mailbox-health.tsx";

export function MailboxEditor({ mailbox, health, collection }: { mailbox: Mailbox; health: MailboxHealth | undefined; collection: AdminCollection<Mailbox> }) {
  const form = useEditForm(collection, mailbox, {
    fields: FIELDS,
    conflictField: "address",
    check: (d) => check(d, !!mailbox.imap?.has_password),
    draftOf,
    save: (d) => updateMailbox(mailbox.id, inputOf(d)),
    remove: () => deleteMailbox(mailbox.id),
    removed: `${mailbox.address} was removed. Its tickets and received mail stay.`,
  });
  return (
    <Editor label={`Edit mailbox ${mailbox.address}`} {...form.editorProps}>
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
      <MailboxFields key={mailbox.updated_at} bind={form.bind} stored={mailbox} />
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
  const form = useCreateForm(collection, {
    base: EMPTY,
    fields: FIELDS,
    conflictField: "address",
    check: (d) => check(d, false),
    save: (d) => createMailbox(inputOf(d)),
    announce: (m) => `${m.address} was added.`,
  });
  return (
    <Editor label="New mailbox" {...form.editorProps} saveLabel="Add mailbox">
      <FormHeading title="New mailbox">An address people write to for help. Each message from someone new opens a ticket; replies join theirs.</FormHeading>
      <MailboxFields bind={form.bind} />
      <SaveError title="The mailbox was not added" message={form.general} />
    </Editor>
  );
}
