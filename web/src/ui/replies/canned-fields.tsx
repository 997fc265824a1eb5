/**
 * The fields of a canned reply (title, text with placeholders, who it is for), used by the
 * workspace's manager and by the admin page, with the draft they edit.
 */
import { Group, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Tooltip, UnstyledButton } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { PLACEHOLDERS, unknownPlaceholders, type CannedReply, type CannedReplyInput, type Me, type ReplyScope, type Team } from "@tessera/contracts";
import { useRef } from "react";
import own from "./reply-fields.module.css";
import type { LibraryFieldsProps } from "./scope.ts";

export interface CannedDraft {
  title: string;
  body: string;
  scope: ReplyScope;
  team_id: string | null;
}

export const emptyCanned = (): CannedDraft => ({ title: "", body: "", scope: "personal", team_id: null });
export const cannedDraftOf = (r: CannedReply): CannedDraft => ({ title: r.title, body: r.body, scope: r.scope, team_id: r.team ? String(r.team.id) : null });
export const cannedInputOf = (d: CannedDraft): CannedReplyInput => ({
  title: d.title.trim(),
  body: d.body.trim(),
  scope: d.scope,
  team_id: d.scope === "team" && d.team_id ? Number(d.team_id) : null,
});

export function checkCanned(d: CannedDraft): Record<string, string> {
  const e: Record<string, string> = {};
  if (!d.title.trim()) e.title = "Give it a title to find it by";
  if (!d.body.trim()) e.body = "Write the text to insert";
  if (d.scope === "team" && !d.team_id) e.team_id = "Pick the team to share it with";
  return e;
}

/** Who may share with whom: agents with their own teams; supervisors and admins with everyone. */
export function ShareFields({
  scope,
  teamId,
  onChange,
  me,
  teams,
  teamsOnlyForLeads,
  errors,
}: {
  scope: ReplyScope;
  teamId: string | null;
  onChange: (scope: ReplyScope, teamId: string | null) => void;
  me: Pick<Me, "role" | "team_ids">;
  teams: Team[];
  /** Macros: only supervisors and admins share them at all. */
  teamsOnlyForLeads?: boolean;
  errors: Record<string, string>;
}) {
  const lead = me.role === "admin" || me.role === "supervisor";
  const shareable = teams.filter((t) => me.role === "admin" || me.team_ids.includes(t.id));
  const data = [
    { value: "personal", label: "Only me" },
    { value: "team", label: "A team", disabled: (teamsOnlyForLeads && !lead) || !shareable.length },
    { value: "everyone", label: "Everyone", disabled: !lead },
  ];
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500} id="share-label">
        Who can use it
      </Text>
      <SegmentedControl
        aria-labelledby="share-label"
        data={data}
        value={scope}
        onChange={(v) => onChange(v as ReplyScope, v === "team" ? (teamId ?? (shareable.length === 1 ? String(shareable[0].id) : null)) : null)}
      />
      {scope === "team" && (
        <Select
          label="Team"
          placeholder="Pick a team"
          data={shareable.map((t) => ({ value: String(t.id), label: t.name }))}
          value={teamId}
          onChange={(v) => onChange("team", v)}
          error={errors.team_id}
          comboboxProps={{ withinPortal: true }}
          required
        />
      )}
      {!lead && (
        <Text size="xs" c="dimmed">
          {teamsOnlyForLeads ? "Your supervisor or an admin can share macros with your team." : "Supervisors and admins can share with everyone."}
        </Text>
      )}
    </Stack>
  );
}

/** A text box with the placeholders below it, each a button that inserts it where the caret is. */
export function PlaceholderText({
  label,
  description,
  value,
  onChange,
  error,
  minRows = 5,
  required,
  note,
}: {
  label: string;
  description?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  minRows?: number;
  required?: boolean;
  note?: boolean;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const unknown = unknownPlaceholders(value);
  const insert = (key: string) => {
    const el = ref.current;
    const token = `{{${key}}}`;
    const at = el ? el.selectionStart : value.length;
    const end = el ? el.selectionEnd : value.length;
    onChange(value.slice(0, at) + token + value.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  return (
    <Stack gap={4}>
      <Textarea
        ref={ref}
        label={label}
        description={description}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={minRows}
        maxRows={14}
        error={error}
        required={required}
        styles={note ? { input: { background: "#fff8d6" } } : undefined}
      />
      <Group gap={4} wrap="wrap" aria-label={`Placeholders for ${label.toLowerCase()}`}>
        <Text size="xs" c="dimmed">
          Insert:
        </Text>
        {PLACEHOLDERS.map((p) => (
          <Tooltip key={p.key} label={p.label}>
            <UnstyledButton className={own.placeholder} onClick={() => insert(p.key)} aria-label={`Insert ${p.label}`}>
              {`{{${p.key}}}`}
            </UnstyledButton>
          </Tooltip>
        ))}
      </Group>
      {unknown.length > 0 && (
        <Text size="xs" c="orange.8" role="status">
          <IconAlertTriangle size={12} style={{ verticalAlign: -2 }} aria-hidden="true" /> {unknown.join(", ")}{" "}
          {unknown.length === 1 ? "is not a placeholder Tessera knows: it" : "are not placeholders Tessera knows: they"} will be inserted as written.
        </Text>
      )}
    </Stack>
  );
}

export function CannedFields({ draft, setDraft, errors, me, teams }: LibraryFieldsProps<CannedDraft>) {
  return (
    <Stack gap="md">
      <TextInput
        label="Title"
        description="What you type after / to find it"
        value={draft.title}
        onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
        error={errors.title}
        maxLength={120}
        required
        data-autofocus
      />
      <PlaceholderText label="Text" description="Placeholders are filled in when you insert it." value={draft.body} onChange={(body) => setDraft({ ...draft, body })} error={errors.body} required />
      <ShareFields scope={draft.scope} teamId={draft.team_id} onChange={(scope, team_id) => setDraft({ ...draft, scope, team_id })} me={me} teams={teams} errors={errors} />
    </Stack>
  );
}
