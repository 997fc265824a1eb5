/**
 * Mail templates: one per kind of message Tessera sends. The editor holds the subject and the
 * HTML and text parts (mustache), lists the placeholders (a click inserts one where the cursor
 * is), and renders a live preview of the unsaved draft, with sample data or a real ticket.
 * Save, Revert, and back to the built-in default.
 */
import { Alert, Badge, Button, Group, SegmentedControl, Skeleton, Stack, Text, Textarea, TextInput, Title, Tooltip } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconArrowBackUp } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { MailKind, MailTemplate, MailTemplateParts } from "@tessera/contracts";
import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { mailKeys, previewMailTemplate, resetMailTemplate, saveMailTemplate, useMailTemplates } from "../api/mail.ts";
import { errorMessage } from "../ui/query-state.tsx";
import { RichText } from "../ui/rich-text.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { announce, ConfirmDialog, Editor, SaveError, Tag } from "./layout.tsx";
import { type AdminCollection, AdminCollectionPage, useAdminCollection, useConfirmedAction, useEditForm } from "./scaffold/index.ts";
import { KIND_WORDS } from "./outgoing-mail-page.tsx";
import mail from "./mail.module.css";

type Part = keyof MailTemplateParts;
const partsOf = (t: Pick<MailTemplate, "subject" | "text" | "html">): MailTemplateParts => ({ subject: t.subject, text: t.text, html: t.html });

type Shown = "html" | "text";

/** Which part of a mail to show: its HTML or its text, in `words`. */
function PartPicker({ label, words, value, onChange }: { label: string; words: [html: string, text: string]; value: Shown; onChange: (v: Shown) => void }) {
  const data = [
    { value: "html", label: words[0] },
    { value: "text", label: words[1] },
  ];
  return <SegmentedControl size="xs" aria-label={label} data={data} value={value} onChange={(v) => onChange(v as Shown)} />;
}

function Preview({ kind, draft }: { kind: MailKind; draft: MailTemplateParts }) {
  const [ticket, setTicket] = useState("");
  const [debounced] = useDebouncedValue({ draft, ticket: ticket.trim() }, 350);
  const [show, setShow] = useState<"html" | "text">("html");
  const preview = useQuery({
    queryKey: ["mail-preview", kind, debounced],
    queryFn: ({ signal }) => previewMailTemplate(kind, { ...debounced.draft, ...(debounced.ticket ? { ticket: debounced.ticket } : {}) }, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <section aria-label="Preview">
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
        <div>
          <Title order={3} fz="sm">
            Preview
          </Title>
          <Text size="xs" c="dimmed">
            {preview.data?.rendered_with === "sample" || !preview.data ? "With sample data" : `With ${preview.data.rendered_with}`} · updates as you type
          </Text>
        </div>
        <Group gap="xs" align="flex-end">
          <TextInput size="xs" label="Render with ticket" placeholder="INC-1042" value={ticket} onChange={(e) => setTicket(e.currentTarget.value)} w={150} />
          <PartPicker label="Part to preview" words={["HTML", "Text"]} value={show} onChange={setShow} />
        </Group>
      </Group>
      {preview.isError && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} mb="sm" role="alert" title="This draft cannot be rendered">
          {errorMessage(preview.error)}
        </Alert>
      )}
      {preview.data ? (
        <div className={mail.previewFrame} data-stale={preview.isError || undefined} style={preview.isError ? { opacity: 0.5 } : undefined}>
          <div className={mail.previewHead}>
            <Text size="xs" c="dimmed" span>
              Subject:{" "}
            </Text>
            <Text size="sm" fw={500} span data-testid="preview-subject">
              {preview.data.subject}
            </Text>
          </div>
          {show === "html" ? (
            <div style={{ padding: "8px 14px" }} data-testid="preview-body">
              <RichText html={preview.data.html} />
            </div>
          ) : (
            <pre className={mail.previewText} data-testid="preview-body">
              {preview.data.text}
            </pre>
          )}
        </div>
      ) : preview.isPending ? (
        <Skeleton height={160} aria-label="Rendering the preview" />
      ) : null}
    </section>
  );
}

function TemplateEditor({ template, collection }: { template: MailTemplate; collection: AdminCollection<MailTemplate> }) {
  const [editing, setEditing] = useState<"html" | "text">("html");
  const fields = useRef<Partial<Record<Part, HTMLInputElement | HTMLTextAreaElement | null>>>({});
  const lastFocused = useRef<Part>("html");
  const form = useEditForm(collection, template, { fields: ["subject", "text", "html"], draftOf: partsOf, save: (d) => saveMailTemplate(template.kind, d) });
  const { draft, setDraft } = form;
  const reset = useConfirmedAction(
    () => resetMailTemplate(template.kind),
    (saved) => {
      collection.saved(saved);
      setDraft(partsOf(saved));
      announce(`The ${KIND_WORDS[template.kind].toLowerCase()} template is back to the built-in default.`);
    },
  );

  /** Puts `{{name}}` where the cursor was in the field last used. */
  const insert = (name: string) => {
    const part = lastFocused.current;
    const el = fields.current[part];
    const token = part === "html" && name.endsWith(".html") ? `{{{${name}}}}` : `{{${name}}}`;
    const value = draft[part];
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    setDraft({ ...draft, [part]: value.slice(0, start) + token + value.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };
  const bind = (part: Part) => ({
    ref: (el: HTMLInputElement | HTMLTextAreaElement | null) => {
      fields.current[part] = el;
    },
    value: draft[part],
    onFocus: () => (lastFocused.current = part),
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [part]: e.currentTarget.value }),
    error: form.errors[part],
  });

  return (
    <Editor label={`Edit the ${KIND_WORDS[template.kind].toLowerCase()} template`} {...form.editorProps}>
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Title order={2} fz={17}>
              {KIND_WORDS[template.kind]}
            </Title>
            <Badge variant="light" color={template.customized ? "indigo" : "gray"} size="sm">
              {template.customized ? "Customized" : "Default"}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {template.description}
            {template.customized && template.updated_at ? (
              <>
                {" "}
                · changed <TimeAgo iso={template.updated_at} />
              </>
            ) : null}
          </Text>
        </div>
        <Tooltip label="Throw away the customized template and use Tessera’s own">
          <Button variant="subtle" size="xs" color="gray" leftSection={<IconArrowBackUp size={14} />} onClick={() => reset.ask()} disabled={!template.customized}>
            Reset to default
          </Button>
        </Tooltip>
      </Group>
      <Stack gap="md">
        <TextInput label="Subject" description="The [#REF] tag is always added, so replies find their ticket." {...bind("subject")} maxLength={500} />
        <div>
          <Group justify="space-between" align="flex-end" mb={4}>
            <Text size="sm" fw={500}>
              Body
            </Text>
            <PartPicker label="Part to edit" words={["HTML part", "Text part"]} value={editing} onChange={setEditing} />
          </Group>
          {editing === "html" ? (
            <Textarea aria-label="HTML part" className={mail.templateArea} autosize minRows={6} maxRows={18} {...bind("html")} />
          ) : (
            <Textarea aria-label="Text part" className={mail.templateArea} autosize minRows={6} maxRows={18} {...bind("text")} />
          )}
          <Text size="xs" c="dimmed" mt={4}>
            {"{{name}}"} is replaced (and escaped in HTML); {"{{{comment.html}}}"} inserts the stored, sanitised reply; {"{{#name}}…{{/name}}"} shows a part only when it has a value.
          </Text>
        </div>
        <Preview kind={template.kind} draft={draft} />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Placeholders
          </Text>
          <div className={mail.placeholders} role="group" aria-label="Placeholders: click to insert">
            {template.placeholders.map((p) => (
              <button key={p} type="button" className={mail.placeholder} onClick={() => insert(p)} title={`Insert {{${p}}}`}>
                {p}
              </button>
            ))}
          </div>
        </div>
        <SaveError message={form.general} />
      </Stack>
      <ConfirmDialog {...reset.dialog} title="Go back to the default template?" confirmLabel="Reset to default">
        <Text size="sm">Your wording for the {KIND_WORDS[template.kind].toLowerCase()} mail is deleted, and mail sent from now on uses Tessera’s own.</Text>
      </ConfirmDialog>
    </Editor>
  );
}

export function MailTemplatesPage() {
  const navigate = useNavigate();
  const collection = useAdminCollection({ query: useMailTemplates(), queryKey: mailKeys.templates, path: "/admin/mail-templates", noun: "template", idOf: (t) => t.kind });
  return (
    <AdminCollectionPage
      collection={collection}
      description="The wording of every mail Tessera sends, in mustache: a template can fill in values but never run code."
      row={(t) => ({
        title: KIND_WORDS[t.kind],
        aside: t.customized && (
          <Tag color="indigo" size="xs">
            Customized
          </Tag>
        ),
        sub: t.description,
      })}
      editor={(t) => <TemplateEditor key={t.kind} template={t} collection={collection} />}
      pick="Change the wording of a mail Tessera sends, and see it rendered as you type."
      missing={{
        title: "There is no such template",
        text: (
          <Button variant="subtle" size="xs" onClick={() => navigate(collection.path)}>
            See all templates
          </Button>
        ),
      }}
      skeleton={200}
    />
  );
}
