/**
 * Statuses: the steps a ticket goes through. Each belongs to a category that decides what it
 * means (which moves are allowed, what the requester sees); an admin adds statuses inside a
 * category, renames them, gives them the words requesters read, and retires added ones.
 */
import { Alert, Badge, Group, NumberInput, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowsRightLeft, IconInfoCircle } from "@tabler/icons-react";
import { STATUS_TRANSITIONS, type Status, type StatusCategory } from "@tessera/contracts";
import { useState } from "react";
import { createStatus, updateStatus } from "../api/admin.ts";
import { adminKeys, useAdminStatuses, useTicketCount } from "../api/admin-queries.ts";
import { StatusPill } from "../ui/status-pill.tsx";
import { ConfirmDialog, Consequence, Editor, OffBadge, SaveError, Tag, TicketsConsequence } from "./layout.tsx";
import { type AdminCollection, AdminCollectionPage, bindDraft, FormHeading, Toggle, useAdminCollection, useCreateForm, useEditForm } from "./scaffold/index.ts";
import { plural } from "./people.ts";
import classes from "./admin.module.css";
import { ListRow } from "./list-row.tsx";

/** The categories in the order a ticket usually moves through them. */
const ORDER: StatusCategory[] = ["draft", "new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "closed", "cancelled"];

const CATEGORY_NAMES: Record<StatusCategory, string> = {
  draft: "Draft",
  new: "New",
  open: "Open",
  awaiting_requester: "Awaiting requester",
  awaiting_third_party: "Awaiting third party",
  awaiting_approval: "Awaiting approval",
  resolved: "Resolved",
  closed: "Closed",
  cancelled: "Cancelled",
};

const CATEGORY_HELP: Record<StatusCategory, string> = {
  draft: "Started by a requester but not sent yet.",
  new: "Just arrived; nobody has answered yet. An agent's first public reply moves it to open.",
  open: "The desk is working on it.",
  awaiting_requester: "Waiting for the requester to answer; their reply brings it back to open.",
  awaiting_third_party: "Waiting for a supplier or another team.",
  awaiting_approval: "Waiting for someone to approve it.",
  resolved: "Fixed and waiting for the requester to confirm. Resolving needs a resolution note.",
  closed: "Finished: nothing can move it again.",
  cancelled: "Dropped: nothing can move it again.",
};

/** Where a ticket in this category may go next, in words. */
function movesFrom(category: StatusCategory): string {
  const to = STATUS_TRANSITIONS[category].filter((c) => c !== category);
  return to.length ? `From here a ticket can move to: ${to.map((c) => CATEGORY_NAMES[c].toLowerCase()).join(", ")}.` : "From here a ticket cannot move anywhere.";
}

interface StatusDraft {
  label: string;
  requester_label: string;
  position: number;
  active: boolean;
}

const draftOf = (s: Status): StatusDraft => ({ label: s.label, requester_label: s.requester_label, position: s.position, active: s.active });

function checkLabels(d: { label: string; requester_label: string }): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.label.trim()) found.label = "Give the status a name";
  if (!d.requester_label.trim()) found.requester_label = "Say what requesters should read";
  return found;
}

function LabelFields({ draft, setDraft, errors, category }: { draft: StatusDraft; setDraft: (d: StatusDraft) => void; errors: Record<string, string>; category: StatusCategory }) {
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <Stack gap="md">
      <TextInput label="Name" required description="What agents see." {...bind.text("label")} maxLength={60} data-autofocus />
      <TextInput
        label="Requester label"
        required
        description="What requesters read in the portal. Plain words about what happens next work best, such as “Waiting for you”."
        {...bind.text("requester_label")}
        maxLength={60}
      />
      <NumberInput
        label="Order"
        description="Where it appears in status lists: lower numbers first. The built-in statuses use 0 to 90."
        value={draft.position}
        onChange={(v) => setDraft({ ...draft, position: typeof v === "number" ? v : Number(v) || 0 })}
        min={0}
        max={1000}
        allowDecimal={false}
        error={errors.position}
        styles={{ wrapper: { maxWidth: 200 } }}
      />
      <Group gap="xs">
        <Text size="xs" c="dimmed">
          Looks like:
        </Text>
        <StatusPill status={{ label: draft.label.trim() || "Name", category }} size="sm" />
        <Text size="xs" c="dimmed">
          for agents,
        </Text>
        <StatusPill status={{ label: draft.requester_label.trim() || "Requester label", category }} size="sm" />
        <Text size="xs" c="dimmed">
          for requesters
        </Text>
      </Group>
    </Stack>
  );
}

const FIELDS = ["key", "label", "requester_label", "category", "position", "active"];

function StatusEditor({ status, collection }: { status: Status; collection: AdminCollection<Status> }) {
  const form = useEditForm(collection, status, {
    fields: FIELDS,
    check: checkLabels,
    draftOf,
    save: (d) => updateStatus(status.key, { label: d.label.trim(), requester_label: d.requester_label.trim(), position: d.position, ...(status.builtin ? {} : { active: d.active }) }),
    confirmIf: (d) => status.active && !d.active,
  });
  const { draft, setDraft, errors } = form;
  const inIt = useTicketCount({ status: status.key }, form.confirm.opened);
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <Editor label={`Edit status ${status.label}`} {...form.editorProps}>
      <Group gap={8} mb={2}>
        <Title order={2} fz={17}>
          {status.label}
        </Title>
        {status.builtin && (
          <Badge variant="light" color="gray" size="sm">
            Built in
          </Badge>
        )}
        {!status.active && <OffBadge>Retired</OffBadge>}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        <span className={classes.mono}>{status.key}</span> · in the category <strong>{CATEGORY_NAMES[status.category]}</strong>: {CATEGORY_HELP[status.category]} {movesFrom(status.category)}
      </Text>
      <Stack gap="md">
        <LabelFields draft={draft} setDraft={setDraft} errors={errors} category={status.category} />
        {status.builtin ? (
          <Text size="sm" c="dimmed">
            Built-in statuses cannot be retired; rename them instead.
          </Text>
        ) : (
          <Toggle label="Active" on="Tickets can be moved into it." off="Retired: no ticket can move into it; tickets already in it keep it until moved." {...bind.checked("active")} />
        )}
        <SaveError message={form.general} />
      </Stack>
      <ConfirmDialog {...form.confirm} title={`Retire ${status.label}?`} confirmLabel="Retire and save">
        <Stack gap="sm">
          <Consequence icon={<IconArrowsRightLeft size={16} />}>Agents can no longer move tickets into it.</Consequence>
          <TicketsConsequence count={inIt} counting="Counting the tickets in it…" failed="The tickets in it could not be counted." none="No ticket is in this status now.">
            {(n) => (
              <>
                <strong>{plural(n, "ticket")}</strong> {n === 1 ? "is in it now and keeps it until an agent moves it" : "are in it now and keep it until an agent moves them"}.
              </>
            )}
          </TicketsConsequence>
        </Stack>
      </ConfirmDialog>
    </Editor>
  );
}

const ADDABLE = ORDER.filter((c) => c !== "draft");

/**
 * The address of the form for a new status. Not "new": that is the key of a built-in status.
 * A hyphen can never be part of a key, so this can never name one.
 */
export const NEW_STATUS = "new-status";

function keyFromLabel(label: string): string {
  return label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 40);
}

const EMPTY = { category: "open" as StatusCategory, key: "", label: "", requester_label: "", position: 500, active: true };

function checkNew(d: typeof EMPTY): Record<string, string> {
  const found = checkLabels(d);
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(d.key)) found.key = "Lowercase letters, digits and _, 2 to 40 long, starting with a letter";
  return found;
}

function NewStatusEditor({ collection }: { collection: AdminCollection<Status> }) {
  const [keyTouched, setKeyTouched] = useState(false);
  const form = useCreateForm(collection, {
    base: EMPTY,
    fields: FIELDS,
    conflictField: "key",
    check: checkNew,
    save: (d) => createStatus({ key: d.key, label: d.label.trim(), requester_label: d.requester_label.trim(), category: d.category as Exclude<StatusCategory, "draft">, position: d.position }),
    announce: (s) => `The status ${s.label} was added to ${CATEGORY_NAMES[s.category].toLowerCase()}.`,
  });
  const { draft, setDraft, errors: shown } = form;
  const builtinOfCategory = collection.items.find((s) => s.category === draft.category && s.builtin);
  return (
    <Editor label="New status" {...form.editorProps} saveLabel="Add status">
      <FormHeading title="New status">A status is a step inside one category; the category decides how tickets in it behave.</FormHeading>
      <Stack gap="md">
        <Select
          label="Category"
          description={`${CATEGORY_HELP[draft.category]} ${movesFrom(draft.category)}`}
          data={ADDABLE.map((c) => ({ value: c, label: CATEGORY_NAMES[c] }))}
          value={draft.category}
          onChange={(v) => v && setDraft({ ...draft, category: v as StatusCategory })}
          allowDeselect={false}
          error={shown.category}
          comboboxProps={{ withinPortal: true }}
        />
        <LabelFields
          draft={draft}
          setDraft={(d) => setDraft({ ...draft, ...d, ...(!keyTouched && d.label !== draft.label ? { key: keyFromLabel(d.label) } : {}) })}
          errors={shown}
          category={draft.category}
        />
        {builtinOfCategory && !draft.requester_label && (
          <Text size="xs" c="dimmed" mt={-8}>
            The built-in {builtinOfCategory.label} status shows requesters “{builtinOfCategory.requester_label}”.
          </Text>
        )}
        <TextInput
          label="Key"
          required
          description="How the API names it. It cannot be changed later."
          value={draft.key}
          onChange={(e) => {
            setKeyTouched(true);
            setDraft({ ...draft, key: e.currentTarget.value });
          }}
          error={shown.key}
          maxLength={40}
          classNames={{ input: classes.mono }}
        />
        <SaveError title="The status was not added" message={form.general} />
      </Stack>
    </Editor>
  );
}

function StatusList({ all }: { all: Status[] }) {
  return (
    <div>
      {ORDER.filter((c) => all.some((s) => s.category === c)).map((c) => (
        <section key={c} aria-label={CATEGORY_NAMES[c]}>
          <Text className={classes.groupHeading} component="h2">
            {CATEGORY_NAMES[c]}
          </Text>
          <ul className={classes.rows} style={{ paddingTop: 0 }}>
            {all
              .filter((s) => s.category === c)
              .sort((a, b) => a.position - b.position || a.key.localeCompare(b.key))
              .map((s) => (
                <ListRow
                  key={s.key}
                  to={`/admin/statuses/${encodeURIComponent(s.key)}`}
                  inactive={!s.active}
                  title={s.label}
                  sub={`Requesters see “${s.requester_label}”`}
                  badge={!s.active ? <OffBadge>Retired</OffBadge> : !s.builtin ? <Tag color="indigo">Added</Tag> : null}
                />
              ))}
          </ul>
        </section>
      ))}
      <Alert m="sm" variant="light" color="gray" icon={<IconInfoCircle size={16} />}>
        Categories are fixed; they decide which moves are allowed. Add your own statuses inside them.
      </Alert>
    </div>
  );
}

export function StatusesPage() {
  const collection = useAdminCollection({
    query: useAdminStatuses(),
    queryKey: adminKeys.statuses,
    path: "/admin/statuses",
    noun: "status",
    what: "statuses",
    idOf: (s) => s.key,
    newSlug: NEW_STATUS,
  });
  return (
    <AdminCollectionPage
      collection={collection}
      description="The steps of a ticket. Each status belongs to a category that decides what it allows; requesters read a label of their own."
      list={(all) => <StatusList all={all} />}
      editor={(s) => <StatusEditor key={s.key} status={s} collection={collection} />}
      creator={() => <NewStatusEditor collection={collection} />}
      pick="Rename it, change what requesters read, or add a status of your own inside a category (for example “Waiting for parts” under awaiting third party)."
    />
  );
}
