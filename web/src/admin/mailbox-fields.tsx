/** The mailbox editor's fields: address, name, where new tickets go, IMAP, and allowed senders. */
import { Group, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { TICKET_TYPES, type Mailbox } from "@tessera/contracts";
import { useAdminCategories, useAdminTeams } from "../api/admin-queries.ts";
import { TYPE_NAMES } from "./categories-page.tsx";
import type { Draft } from "./mailbox-draft.ts";
import { MailboxImapFields } from "./mailbox-imap-fields.tsx";
import classes from "./admin.module.css";
import { EditorSection } from "./layout.tsx";
import { type DraftBinding, Toggle } from "./scaffold/index.ts";

export function MailboxFields({ bind, stored }: { bind: DraftBinding<Draft>; stored?: Mailbox }) {
  const teams = useAdminTeams();
  const categories = useAdminCategories();
  return (
    <Stack gap="md">
      <Group grow align="flex-start">
        <TextInput label="Address" required placeholder="help@example.com" {...bind.text("address")} maxLength={254} data-autofocus />
        <TextInput label="Name" required placeholder="IT Service Desk" {...bind.text("name")} maxLength={200} />
      </Group>
      <Toggle label="Take mail at this address" on="New mail opens tickets and adds replies." off="Mail to this address is refused (SMTP) or left on the server (IMAP)." {...bind.checked("active")} />

      <EditorSection title="New tickets from this address" order={3}>
        <Text size="xs" c="dimmed" mb="sm">
          Replies keep their ticket’s team and category; these apply to new requests only.
        </Text>
        <Group grow align="flex-start">
          <Select label="Team" placeholder="No team: triage" clearable searchable data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))} {...bind.choice("team_id")} />
          <Select
            label="Category"
            placeholder="None"
            clearable
            searchable
            data={(categories.data ?? []).filter((c) => c.active || String(c.id) === bind.draft.category_id).map((c) => ({ value: String(c.id), label: c.path }))}
            {...bind.choice("category_id")}
          />
          <Select label="Ticket type" placeholder="From the category" clearable data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_NAMES[t] }))} {...bind.choice("ticket_type")} />
        </Group>
      </EditorSection>

      <MailboxImapFields bind={bind} stored={stored} />

      <div className={classes.section}>
        <Toggle
          label="Only known senders may open tickets"
          on="People Tessera already knows, and the addresses and domains below, may open tickets here. Others are refused, or kept as failed mail when fetched over IMAP. Replies on existing tickets are not affected."
          off="Anyone may open a ticket by writing to this address."
          {...bind.checked("restrict_senders")}
        >
          <Textarea mt="sm" label="Also allowed" description="One address (ann@example.com) or domain (example.com) per line." autosize minRows={3} maxRows={10} {...bind.text("allowed_senders")} />
        </Toggle>
      </div>
    </Stack>
  );
}
