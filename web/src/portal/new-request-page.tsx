import { Anchor, Box, Checkbox, Collapse, Container, Divider, Grid, Group, NumberInput, Paper, Radio, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconChevronDown, IconPaperclip } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Category, CustomField, Level } from "@tessera/contracts";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, idempotencyKeys } from "../api/client.ts";
import { createTicket, type NewTicket } from "../api/endpoints.ts";
import { keys, useCategories, useCustomFields } from "../api/queries.ts";
import { ErrorAlert, LoadError } from "../ui/query-state.tsx";
import { AttachmentsField, useUploads } from "./attachments.tsx";
import classes from "./new-request-page.module.css";
import { GrowingTextarea } from "../ui/growing-textarea.tsx";
import { NameAndHint } from "../ui/list-option.tsx";
import { FormButtons } from "../ui/form-buttons.tsx";

type FieldValue = string | number | boolean | null;

const URGENCY: Array<{ value: Level; label: string; hint: string }> = [
  { value: "low", label: "Not urgent", hint: "It can wait a few days" },
  { value: "medium", label: "It slows me down", hint: "I can work around it for now" },
  { value: "high", label: "I can't work", hint: "I am blocked" },
];

const SUBJECT_MAX = 300;

/** A field's value as the API wants it: empty text is "not given". */
function cleanValue(field: CustomField, value: FieldValue | undefined): FieldValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && value.trim() === "") return undefined;
  if (field.type === "number" && typeof value === "string") return Number(value);
  return value;
}

function displayValue(field: CustomField, value: FieldValue | undefined): string | null {
  const v = cleanValue(field, value);
  if (v === undefined || v === null) return null;
  if (field.type === "boolean") return v ? "Yes" : "No";
  return String(v);
}

function FieldInput({ field, value, error, onChange }: { field: CustomField; value: FieldValue | undefined; error?: string; onChange: (v: FieldValue) => void }) {
  const common = { label: field.label, required: field.required, error };
  switch (field.type) {
    case "number":
      return <NumberInput {...common} value={typeof value === "number" || typeof value === "string" ? value : ""} onChange={(v) => onChange(v === "" ? null : v)} />;
    case "boolean":
      return <Checkbox label={field.label} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} error={error} />;
    case "date":
      return <TextInput {...common} type="date" value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value)} className={classes.date} />;
    case "select":
      return (
        <Select
          {...common}
          data={field.options}
          value={typeof value === "string" ? value : null}
          onChange={(v) => onChange(v)}
          placeholder="Choose one"
          clearable={!field.required}
          allowDeselect={!field.required}
          comboboxProps={{ withinPortal: true }}
        />
      );
    default:
      return <TextInput {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value)} maxLength={10_000} />;
  }
}

function PreviewRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <div className={classes.previewValue}>{children}</div>
    </div>
  );
}

interface PreviewProps {
  category: Category | undefined;
  subject: string;
  description: string;
  urgency: Level;
  fields: CustomField[];
  values: Record<string, FieldValue>;
  files: string[];
}

function Preview({ category, subject, description, urgency, fields, values, files }: PreviewProps) {
  return (
    <Paper p="md" component="section" aria-labelledby="preview-title" className={classes.preview}>
      <Title order={2} fz="sm" id="preview-title" mb={2}>
        Preview
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        This is what the support team will receive.
      </Text>
      <PreviewRows category={category} subject={subject} description={description} urgency={urgency} fields={fields} values={values} files={files} />
    </Paper>
  );
}

/** On a phone the preview sits just above the send button, folded until asked for. */
function FoldedPreview(props: PreviewProps) {
  const [open, setOpen] = useState(false);
  return (
    <Paper p="sm" className={classes.preview} component="section" aria-label="Preview">
      <UnstyledButton onClick={() => setOpen((o) => !o)} aria-expanded={open} className={classes.fold}>
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={600}>
            Preview what will be sent
          </Text>
          <IconChevronDown size={16} className={classes.foldIcon} data-open={open || undefined} aria-hidden="true" />
        </Group>
      </UnstyledButton>
      <Collapse in={open}>
        <div className={classes.foldBody}>
          <PreviewRows {...props} />
        </div>
      </Collapse>
    </Paper>
  );
}

function PreviewRows({ category, subject, description, urgency, fields, values, files }: PreviewProps) {
  const none = (
    <Text span size="sm" c="dimmed" fs="italic">
      Not given
    </Text>
  );
  return (
    <Stack gap="sm">
      <PreviewRow label="Topic">{category ? <Text size="sm">{category.path}</Text> : none}</PreviewRow>
      <PreviewRow label="Subject">
        {subject.trim() ? (
          <Text size="sm" fw={500}>
            {subject.trim()}
          </Text>
        ) : (
          none
        )}
      </PreviewRow>
      <PreviewRow label="Urgency">
        <Text size="sm">{URGENCY.find((u) => u.value === urgency)?.label}</Text>
      </PreviewRow>
      <PreviewRow label="Description">
        {description.trim() ? (
          <Text size="sm" className={classes.plain} lineClamp={12}>
            {description.trim()}
          </Text>
        ) : (
          none
        )}
      </PreviewRow>
      {fields.map((f) => (
        <PreviewRow key={f.key} label={f.label}>
          {displayValue(f, values[f.key]) !== null ? <Text size="sm">{displayValue(f, values[f.key])}</Text> : none}
        </PreviewRow>
      ))}
      {files.length > 0 && (
        <PreviewRow label="Attachments">
          <Stack gap={2}>
            {files.map((name, i) => (
              <Group key={i} gap={4} wrap="nowrap">
                <IconPaperclip size={12} aria-hidden="true" />
                <Text size="sm" truncate>
                  {name}
                </Text>
              </Group>
            ))}
          </Stack>
        </PreviewRow>
      )}
    </Stack>
  );
}

export function NewRequestPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const categories = useCategories();
  const customFields = useCustomFields();
  const [categoryId, setCategoryId] = useState<string | null>(params.get("category"));
  const [subject, setSubject] = useState((params.get("subject") ?? "").slice(0, SUBJECT_MAX));
  const [description, setDescription] = useState("");
  const [urgency, setUrgency] = useState<Level>("medium");
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const uploads = useUploads();
  const keyFor = useRef(idempotencyKeys()).current;
  const subjectRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = "New request · Tessera";
  }, []);

  const activeCategories = useMemo(() => (categories.data ?? []).filter((c) => c.active), [categories.data]);
  const category = activeCategories.find((c) => String(c.id) === categoryId);
  const fields = useMemo(() => (customFields.data ?? []).filter((f) => f.active && f.visible_to_requester), [customFields.data]);

  const submit = useMutation({
    mutationFn: (input: NewTicket) => createTicket(input, keyFor(input)),
    onSuccess: (ticket) => {
      void client.invalidateQueries({ queryKey: keys.allTickets });
      client.setQueryData(keys.ticket(ticket.reference), ticket);
      notifications.show({ color: "teal", title: `Request ${ticket.reference} sent`, message: "The support team has it. You can follow it and reply on this page." });
      navigate(`/requests/${ticket.reference}`);
    },
    onError: (err) => {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
    },
  });

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!subject.trim()) found.subject = "Give your request a short subject";
    for (const f of fields) {
      if (f.required && cleanValue(f, values[f.key]) === undefined) found[`custom_fields.${f.key}`] = `${f.label} is required`;
    }
    return found;
  };

  const send = (e: FormEvent) => {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) {
      if (found.subject) subjectRef.current?.focus();
      return;
    }
    const custom: Record<string, string | number | boolean> = {};
    for (const f of fields) {
      const v = cleanValue(f, values[f.key]);
      if (v !== undefined && v !== null) custom[f.key] = v;
    }
    submit.mutate({
      subject: subject.trim(),
      description: description.trim(),
      format: "text",
      urgency,
      ...(category ? { category_id: category.id } : {}),
      ...(Object.keys(custom).length ? { custom_fields: custom } : {}),
      ...(uploads.ids.length ? { attachment_ids: uploads.ids } : {}),
    });
  };

  const loadError = categories.error ?? customFields.error;
  const fieldErrorsShown = Object.keys(errors).length > 0;
  const files = uploads.items.filter((u) => u.status === "done").map((u) => u.file.name);

  return (
    <Container size="lg" py="xl">
      <Anchor component={Link} to="/" size="sm" className={classes.back}>
        <IconArrowLeft size={14} aria-hidden="true" /> All topics
      </Anchor>
      <Title order={1} mt="xs" mb={4}>
        New request
      </Title>
      <Text c="dimmed" size="sm" mb="lg">
        Tell us what is going on. The more we know, the faster we can help.
      </Text>
      {loadError && <LoadError title="Topics and fields could not be loaded" error={loadError} onRetry={() => void Promise.all([categories.refetch(), customFields.refetch()])} />}
      <Grid gutter="xl">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper p={{ base: "md", sm: "lg" }} component="form" onSubmit={send} noValidate aria-label="New request">
            <Stack gap="lg">
              <Select
                label="Topic"
                description="Helps us send it to the right team."
                placeholder={categories.isPending ? "Loading topics…" : "Choose a topic"}
                data={activeCategories.map((c) => ({ value: String(c.id), label: c.path }))}
                value={category ? categoryId : null}
                onChange={setCategoryId}
                searchable
                clearable
                nothingFoundMessage="No topic matches"
                error={errors.category_id}
              />
              <TextInput
                ref={subjectRef}
                label="Subject"
                description="A short summary, e.g. “Laptop does not start after the update”."
                required
                value={subject}
                onChange={(e) => setSubject(e.currentTarget.value)}
                maxLength={SUBJECT_MAX}
                error={errors.subject}
              />
              <GrowingTextarea
                label="Description"
                description="What happened, what you expected, and anything you have already tried."
                lines={[5, 16]}
                value={description}
                onChange={setDescription}
                error={errors.description}
              />
              <Radio.Group label="How much is this holding you up?" value={urgency} onChange={(v) => setUrgency(v as Level)} error={errors.urgency}>
                <SimpleGrid cols={{ base: 1, xs: 3 }} spacing={8} mt={6}>
                  {URGENCY.map((u) => (
                    // One stop in the Tab order for the group, as in a native radio group; arrows move within it.
                    <Radio.Card key={u.value} value={u.value} className={classes.urgencyCard} radius="md" tabIndex={urgency === u.value ? 0 : -1}>
                      <Group gap="sm" wrap="nowrap" align="flex-start">
                        <Radio.Indicator size="sm" mt={2} />
                        <div>
                          <NameAndHint name={u.label} hint={u.hint} />
                        </div>
                      </Group>
                    </Radio.Card>
                  ))}
                </SimpleGrid>
              </Radio.Group>
              {fields.length > 0 && (
                <>
                  <Divider label="Details" labelPosition="left" />
                  {fields.map((f) => (
                    <FieldInput key={f.key} field={f} value={values[f.key]} error={errors[`custom_fields.${f.key}`]} onChange={(v) => setValues((all) => ({ ...all, [f.key]: v }))} />
                  ))}
                </>
              )}
              <div>
                <Text size="sm" fw={500} mb={4} id="attachments-label">
                  Attachments
                </Text>
                <AttachmentsField uploads={uploads} />
              </div>
              <ErrorAlert error={submit.error} title={fieldErrorsShown ? undefined : "Your request was not sent"}>
                {fieldErrorsShown ? "Check the fields marked in red, then send again." : undefined}
              </ErrorAlert>
              {uploads.failed && (
                <Text size="sm" c="red.7">
                  Some files could not be uploaded. Try them again or remove them before sending.
                </Text>
              )}
              <Box hiddenFrom="md">
                <FoldedPreview category={category} subject={subject} description={description} urgency={urgency} fields={fields} values={values} files={files} />
              </Box>
              <FormButtons cancelTo="/" submit={uploads.busy ? "Waiting for uploads…" : "Submit request"} loading={submit.isPending} disabled={uploads.busy || uploads.failed} />
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }} visibleFrom="md">
          <div className={classes.previewColumn}>
            <Preview category={category} subject={subject} description={description} urgency={urgency} fields={fields} values={values} files={files} />
          </div>
        </Grid.Col>
      </Grid>
    </Container>
  );
}
