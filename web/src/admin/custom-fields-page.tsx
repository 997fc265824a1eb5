/**
 * Custom fields: extra ticket fields (asset tag, office …) of five types. Each may be required
 * and shown to requesters on the request form. Key and type are fixed once created; a field
 * is retired by deactivating it, which keeps the values tickets already have.
 */
import { Alert, Checkbox, Group, NumberInput, Paper, Select, Stack, Switch, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconEyeOff, IconInfoCircle, IconListDetails, IconTicket } from "@tabler/icons-react";
import { CUSTOM_FIELD_TYPES, type CustomField, type CustomFieldType } from "@tessera/contracts";
import { useState } from "react";
import { createCustomField, updateCustomField } from "../api/admin.ts";
import { adminKeys, useAdminCustomFields } from "../api/admin-queries.ts";
import { ConfirmDialog, Consequence, Editor, OffBadge, SaveError, Tag } from "./layout.tsx";
import { type AdminCollection, AdminCollectionPage, bindDraft, FormHeading, Toggle, useAdminCollection, useCreateForm, useEditForm } from "./scaffold/index.ts";
import classes from "./admin.module.css";
import { ListRow } from "./list-row.tsx";

const TYPE_NAMES: Record<CustomFieldType, string> = { text: "Text", number: "Number", boolean: "Yes / no", date: "Date", select: "Choice list" };
const TYPE_HELP: Record<CustomFieldType, string> = {
  text: "A line of text, such as an asset tag.",
  number: "A number, such as a cost or a count.",
  boolean: "A checkbox: yes or no.",
  date: "A calendar date.",
  select: "One option from a list you give.",
};

interface FieldDraft {
  key: string;
  label: string;
  type: CustomFieldType;
  /** One option per line. */
  options: string;
  required: boolean;
  visible_to_requester: boolean;
  active: boolean;
}

const draftOf = (f: CustomField): FieldDraft => ({
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options.join("\n"),
  required: f.required,
  visible_to_requester: f.visible_to_requester,
  active: f.active,
});

const optionList = (s: string) => [
  ...new Set(
    s
      .split("\n")
      .map((o) => o.trim())
      .filter(Boolean),
  ),
];

/** "Asset tag (laptop)" → "asset_tag_laptop": what the key would be, until someone types their own. */
function keyFromLabel(label: string): string {
  const k = label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .replace(/^[0-9_]+/, "");
  return k.slice(0, 64);
}

function checkDraft(d: FieldDraft, creating: boolean): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.label.trim()) found.label = "Give the field a label";
  if (creating && !/^[a-z][a-z0-9_]{0,63}$/.test(d.key)) found.key = "Lowercase letters, digits and _, starting with a letter";
  if (d.type === "select" && optionList(d.options).length === 0) found.options = "A choice list needs at least one option";
  return found;
}

/** The field as people will see it on a form. */
function Preview({ draft }: { draft: FieldDraft }) {
  const label = draft.label.trim() || "Label";
  const common = { label, required: draft.required, description: undefined };
  let input;
  switch (draft.type) {
    case "number":
      input = <NumberInput {...common} placeholder="0" />;
      break;
    case "boolean":
      input = <Checkbox label={label} />;
      break;
    case "date":
      input = <TextInput {...common} type="date" />;
      break;
    case "select":
      input = <Select {...common} data={optionList(draft.options)} placeholder="Choose one" comboboxProps={{ withinPortal: true }} />;
      break;
    default:
      input = <TextInput {...common} />;
  }
  return (
    <Paper p="md" bg="gray.0">
      <Text size="xs" c="dimmed" fw={500} mb={8}>
        Preview · {draft.visible_to_requester ? "on the request form and the agent's ticket" : "on the agent's ticket only"}
      </Text>
      {/* A picture of the field, not a field of this form: out of the Tab order and the accessibility tree. */}
      <div inert aria-hidden="true">
        {input}
      </div>
    </Paper>
  );
}

function FieldFields({
  draft,
  setDraft,
  errors,
  creating,
  keyTouched,
  onKeyTouched,
}: {
  draft: FieldDraft;
  setDraft: (d: FieldDraft) => void;
  errors: Record<string, string>;
  creating: boolean;
  keyTouched?: boolean;
  onKeyTouched?: () => void;
}) {
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <Stack gap="md">
      <TextInput
        label="Label"
        required
        description="What people see next to the field."
        value={draft.label}
        onChange={(e) => {
          const label = e.currentTarget.value;
          setDraft({ ...draft, label, ...(creating && !keyTouched ? { key: keyFromLabel(label) } : {}) });
        }}
        error={errors.label}
        maxLength={100}
        data-autofocus
      />
      {creating ? (
        <TextInput
          label="Key"
          required
          description="How the API and integrations name it. Lowercase letters, digits and _; it cannot be changed later."
          value={draft.key}
          onChange={(e) => {
            onKeyTouched?.();
            setDraft({ ...draft, key: e.currentTarget.value });
          }}
          error={errors.key}
          maxLength={64}
          classNames={{ input: classes.mono }}
        />
      ) : null}
      {creating ? (
        <Select
          label="Type"
          description={`${TYPE_HELP[draft.type]} The type cannot be changed later.`}
          data={CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_NAMES[t] }))}
          value={draft.type}
          onChange={(v) => v && setDraft({ ...draft, type: v as CustomFieldType })}
          allowDeselect={false}
          error={errors.type}
          comboboxProps={{ withinPortal: true }}
        />
      ) : null}
      {draft.type === "select" && <Textarea label="Options" required description="One per line, in the order they are offered." autosize minRows={3} maxRows={10} {...bind.text("options")} />}
      <Toggle
        label="Visible to requesters"
        on="Shown on the portal's request form and on the requester's view of their tickets."
        off="Only agents see and fill it in."
        {...bind.checked("visible_to_requester")}
      />
      <Switch
        label="Required"
        description={
          draft.visible_to_requester ? "Every new ticket needs a value, whether a requester or an agent files it." : "Agents must fill it in when they create a ticket; requesters never see it."
        }
        {...bind.checked("required")}
      />
    </Stack>
  );
}

const FIELDS = ["key", "label", "type", "options", "required", "visible_to_requester", "active"];

function FieldEditor({ field, collection }: { field: CustomField; collection: AdminCollection<CustomField> }) {
  const removedFrom = (d: FieldDraft) => (field.type === "select" ? field.options.filter((o) => !optionList(d.options).includes(o)) : []);
  const form = useEditForm(collection, field, {
    fields: FIELDS,
    check: (d) => checkDraft(d, false),
    save: (d) =>
      updateCustomField(field.id, {
        label: d.label.trim(),
        ...(field.type === "select" ? { options: optionList(d.options) } : {}),
        required: d.required,
        visible_to_requester: d.visible_to_requester,
        active: d.active,
      }),
    draftOf,
    confirmIf: (d) => (field.active && !d.active) || removedFrom(d).length > 0,
  });
  const { draft, setDraft, errors } = form;
  const removedOptions = removedFrom(draft);
  const deactivating = field.active && !draft.active;
  const bind = bindDraft(draft, setDraft, errors);
  return (
    <Editor label={`Edit field ${field.label}`} {...form.editorProps}>
      <Group gap={8} mb={2}>
        <Title order={2} fz={17}>
          {field.label}
        </Title>
        {!field.active && <OffBadge />}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        <span className={classes.mono}>{field.key}</span> · {TYPE_NAMES[field.type]} (key and type are fixed)
      </Text>
      <Stack gap="md">
        <FieldFields draft={draft} setDraft={setDraft} errors={errors} creating={false} />
        <Toggle label="Active" on="Offered on new tickets." off="Not offered on new tickets; values tickets already have are kept and still shown to agents." {...bind.checked("active")} />
        <Preview draft={draft} />
        <SaveError message={form.general} />
      </Stack>
      <ConfirmDialog
        {...form.confirm}
        title={deactivating ? `Deactivate ${field.label}?` : `Remove ${removedOptions.length === 1 ? "an option" : "options"} of ${field.label}?`}
        confirmLabel={deactivating ? "Deactivate and save" : "Remove and save"}
      >
        <Stack gap="sm">
          {deactivating && (
            <>
              <Consequence icon={<IconEyeOff size={16} />}>It disappears from the request form and from new tickets{field.required ? ", so new tickets no longer need it" : ""}.</Consequence>
              <Consequence icon={<IconTicket size={16} />}>Tickets that already have a value keep it, and agents still see it. Tessera cannot count them in advance.</Consequence>
            </>
          )}
          {removedOptions.length > 0 && (
            <Consequence icon={<IconListDetails size={16} />}>
              <strong>{removedOptions.map((o) => `“${o}”`).join(", ")}</strong> can no longer be chosen. Tickets that already have {removedOptions.length === 1 ? "it" : "one of them"} keep the value.
            </Consequence>
          )}
        </Stack>
      </ConfirmDialog>
    </Editor>
  );
}

const EMPTY: FieldDraft = { key: "", label: "", type: "text", options: "", required: false, visible_to_requester: false, active: true };

function NewFieldEditor({ collection }: { collection: AdminCollection<CustomField> }) {
  const [keyTouched, setKeyTouched] = useState(false);
  const form = useCreateForm(collection, {
    base: EMPTY,
    fields: FIELDS,
    conflictField: "key",
    check: (d) => checkDraft(d, true),
    save: (d) =>
      createCustomField({
        key: d.key,
        label: d.label.trim(),
        type: d.type,
        ...(d.type === "select" ? { options: optionList(d.options) } : {}),
        required: d.required,
        visible_to_requester: d.visible_to_requester,
      }),
    announce: (field) => `The field ${field.label} was added${field.visible_to_requester ? " and shows on the request form" : ""}.`,
  });
  return (
    <Editor label="New custom field" {...form.editorProps} saveLabel="Add field">
      <FormHeading title="New custom field">A field every ticket can carry, such as an asset tag or an office.</FormHeading>
      <Stack gap="md">
        <FieldFields draft={form.draft} setDraft={form.setDraft} errors={form.errors} creating keyTouched={keyTouched} onKeyTouched={() => setKeyTouched(true)} />
        <Preview draft={form.draft} />
        <SaveError title="The field was not added" message={form.general} />
      </Stack>
    </Editor>
  );
}

function FieldRow({ f }: { f: CustomField }) {
  return (
    <ListRow
      to={`/admin/custom-fields/${f.id}`}
      inactive={!f.active}
      title={f.label}
      sub={
        <>
          <span className={classes.mono}>{f.key}</span> · {TYPE_NAMES[f.type]}
          {f.type === "select" ? ` (${f.options.length})` : ""}
        </>
      }
      badge={
        <Group gap={4} wrap="nowrap">
          {f.required && <Tag>Required</Tag>}
          {f.visible_to_requester && f.active && <Tag color="indigo">Shown to requesters</Tag>}
          {!f.active && <OffBadge />}
        </Group>
      }
    />
  );
}

function FieldList({ all }: { all: CustomField[] }) {
  if (all.length === 0) {
    return (
      <Alert m="md" variant="light" color="gray" icon={<IconInfoCircle size={16} />}>
        No custom fields yet. Add one for anything your team asks on every ticket, such as an asset tag.
      </Alert>
    );
  }
  const inactive = all.filter((f) => !f.active);
  return (
    <>
      <ul className={classes.rows} aria-label="Active fields">
        {all
          .filter((f) => f.active)
          .map((f) => (
            <FieldRow key={f.id} f={f} />
          ))}
      </ul>
      {inactive.length > 0 && (
        <>
          <Text className={classes.groupHeading} component="h2">
            Inactive
          </Text>
          <ul className={classes.rows} aria-label="Inactive fields">
            {inactive.map((f) => (
              <FieldRow key={f.id} f={f} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export function CustomFieldsPage() {
  const collection = useAdminCollection({
    query: useAdminCustomFields(),
    queryKey: adminKeys.customFields,
    path: "/admin/custom-fields",
    noun: "field",
    what: "custom fields",
    backLabel: "All fields",
  });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Extra details a ticket can carry. Fields visible to requesters appear on the portal's request form."
      list={(all) => <FieldList all={all} />}
      editor={(f) => <FieldEditor key={f.id} field={f} collection={collection} />}
      creator={() => <NewFieldEditor collection={collection} />}
      pick="Change its label, options, whether it is required or shown to requesters, or retire it."
    />
  );
}
