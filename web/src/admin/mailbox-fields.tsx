/** The mailbox editor's fields: address, name, where new tickets go, IMAP, and allowed senders. */
import { Group, Select, Stack, Switch, Text, Textarea, TextInput, Title } from "@mantine/core";
import { TICKET_TYPES, type Mailbox } from "@tessera/contracts";
import { useAdminCategories, useAdminTeams } from "../api/admin-queries.ts";
import { TYPE_NAMES } from "./categories-page.tsx";
import type { Draft } from "./mailbox-draft.ts";
import { MailboxImapFields } from "./mailbox-imap-fields.tsx";
import classes from "./admin.module.css";

export function MailboxFields({ draft, setDraft, errors, stored }: { draft: Draft; setDraft: (d: Draft) => void; errors: Record<string, string>; stored?: Mailbox }) {
  const teams = useAdminTeams();
  const categories = useAdminCategories();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  return (
    <Stack gap="md">
      <Group grow align="flex-start">
        <TextInput
          label="Address"
          required
          placeholder="help@example.com"
          value={draft.address}
          onChange={(e) => set("address", e.currentTarget.value)}
          error={errors.address}
          maxLength={254}
          data-autofocus
        />
        <TextInput label="Name" required placeholder="IT Service Desk" value={draft.name} onChange={(e) => set("name", e.currentTarget.value)} error={errors.name} maxLength={200} />
      </Group>
      <Switch
        label="Take mail at this address"
        description={draft.active ? "New mail opens tickets and adds replies." : "Mail to this address is refused (SMTP) or left on the server (IMAP)."}
        checked={draft.active}
        onChange={(e) => set("active", e.currentTarget.checked)}
      />

      <div className={classes.section}>
        <Title order={3} fz="sm" mb={4}>
          New tickets from this address
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          Replies keep their ticket’s team and category; these apply to new requests only.
        </Text>
        <Group grow align="flex-start">
          <Select
            label="Team"
            placeholder="No team: triage"
            clearable
            searchable
            data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
            value={draft.team_id}
            onChange={(v) => set("team_id", v)}
            error={errors.team_id}
          />
          <Select
            label="Category"
            placeholder="None"
            clearable
            searchable
            data={(categories.data ?? []).filter((c) => c.active || String(c.id) === draft.category_id).map((c) => ({ value: String(c.id), label: c.path }))}
            value={draft.category_id}
            onChange={(v) => set("category_id", v)}
            error={errors.category_id}
          />
          <Select
            label="Ticket type"
            placeholder="From the category"
            clearable
            data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_NAMES[t] }))}
            value={draft.ticket_type}
            onChange={(v) => set("ticket_type", v)}
            error={errors.ticket_type}
          />
        </Group>
      </div>

      <MailboxImapFields draft={draft} set={set} errors={errors} stored={stored} />

      <div className={classes.section}>
        <Switch
          label="Only known senders may open tickets"
          description={
            draft.restrict_senders
              ? "People Tessera already knows, and the addresses and domains below, may open tickets here. Others are refused, or kept as failed mail when fetched over IMAP. Replies on existing tickets are not affected."
              : "Anyone may open a ticket by writing to this address."
          }
          checked={draft.restrict_senders}
          onChange={(e) => set("restrict_senders", e.currentTarget.checked)}
        />
        {draft.restrict_senders && (
          <Textarea
            mt="sm"
            label="Also allowed"
            description="One address (ann@example.com) or domain (example.com) per line."
            autosize
            minRows={3}
            maxRows={10}
            value={draft.allowed_senders}
            onChange={(e) => set("allowed_senders", e.currentTarget.value)}
            error={errors.allowed_senders}
          />
        )}
      </div>
    </Stack>
  );
}
