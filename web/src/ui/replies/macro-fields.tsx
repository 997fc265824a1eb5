/**
 * The fields of a macro, used by the workspace's manager and the admin page: a name, what it
 * changes (each "Leave as it is" unless set), the reply and note it adds, and who can use it.
 */
import { SimpleGrid, Stack, Select, TagsInput, Text, TextInput } from "@mantine/core";
import { PRIORITIES, type Macro, type MacroActions, type MacroInput, type Priority, type ReplyScope, type Status, type User } from "@tessera/contracts";
import { PRIORITY_LABELS } from "../priority-icon.tsx";
import { PlaceholderText, ShareFields } from "./canned-fields.tsx";
import type { LibraryFieldsProps } from "./scope.ts";

export interface MacroDraft {
  name: string;
  description: string;
  status: string;
  priority: string;
  /** "" leave, "me", "none" (unassign) or a user id. */
  assignee: string;
  /** "" leave, "none" (no team) or a team id. */
  team: string;
  add_tags: string[];
  remove_tags: string[];
  reply: string;
  note: string;
  scope: ReplyScope;
  team_id: string | null;
}

export const emptyMacro = (): MacroDraft => ({
  name: "",
  description: "",
  status: "",
  priority: "",
  assignee: "",
  team: "",
  add_tags: [],
  remove_tags: [],
  reply: "",
  note: "",
  scope: "personal",
  team_id: null,
});

export function macroDraftOf(m: Macro): MacroDraft {
  const a = m.actions;
  return {
    name: m.name,
    description: m.description,
    status: a.status ?? "",
    priority: a.priority ?? "",
    assignee: a.assignee === undefined ? "" : a.assignee === null ? "none" : String(a.assignee),
    team: a.team_id === undefined ? "" : a.team_id === null ? "none" : String(a.team_id),
    add_tags: a.add_tags ?? [],
    remove_tags: a.remove_tags ?? [],
    reply: a.reply ?? "",
    note: a.note ?? "",
    scope: m.scope,
    team_id: m.team ? String(m.team.id) : null,
  };
}

export function macroInputOf(d: MacroDraft): MacroInput & { actions: MacroActions } {
  const actions: MacroActions = {};
  if (d.status) actions.status = d.status;
  if (d.priority) actions.priority = d.priority as Priority;
  if (d.assignee) actions.assignee = d.assignee === "me" ? "me" : d.assignee === "none" ? null : Number(d.assignee);
  if (d.team) actions.team_id = d.team === "none" ? null : Number(d.team);
  if (d.add_tags.length) actions.add_tags = d.add_tags;
  if (d.remove_tags.length) actions.remove_tags = d.remove_tags;
  if (d.reply.trim()) actions.reply = d.reply.trim();
  if (d.note.trim()) actions.note = d.note.trim();
  return { name: d.name.trim(), description: d.description.trim(), actions, scope: d.scope, team_id: d.scope === "team" && d.team_id ? Number(d.team_id) : null };
}

export function checkMacro(d: MacroDraft): Record<string, string> {
  const e: Record<string, string> = {};
  if (!d.name.trim()) e.name = "Give the macro a name";
  if (!Object.keys(macroInputOf(d).actions).length) e.actions = "Set at least one change, a reply or a note";
  if (d.scope === "team" && !d.team_id) e.team_id = "Pick the team to share it with";
  const both = d.add_tags.filter((t) => d.remove_tags.includes(t));
  if (both.length) e.remove_tags = `${both.join(", ")} cannot be both added and removed`;
  return e;
}

const LEAVE = { value: "", label: "Leave as it is" };
/** Statuses a macro may set: open and waiting ones, and cancelled (resolving needs a note per ticket). */
const MACRO_CATEGORIES = ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "cancelled"];

export function MacroFields({ draft, setDraft, errors, me, teams, statuses, staff }: LibraryFieldsProps<MacroDraft> & { statuses: Status[]; staff: Array<Pick<User, "id" | "name">> }) {
  const set = (patch: Partial<MacroDraft>) => setDraft({ ...draft, ...patch });
  const field = (k: string) => errors[k] ?? errors[`actions.${k}`];
  return (
    <Stack gap="md">
      <TextInput
        label="Name"
        description="What agents search for when they press m"
        value={draft.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={errors.name}
        maxLength={120}
        required
        data-autofocus
      />
      <TextInput label="Description" placeholder="When to use it (optional)" value={draft.description} onChange={(e) => set({ description: e.currentTarget.value })} maxLength={500} />
      <div>
        <Text size="sm" fw={500}>
          Changes
        </Text>
        <Text size="xs" c="dimmed" mb={6}>
          Applied as the agent who runs the macro, with the same checks as by hand. Before applying, the agent sees each change on the ticket at hand.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Status"
            data={[LEAVE, ...statuses.filter((s) => s.active && MACRO_CATEGORIES.includes(s.category)).map((s) => ({ value: s.key, label: s.label }))]}
            value={draft.status}
            onChange={(v) => set({ status: v ?? "" })}
            error={field("status")}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Priority"
            data={[LEAVE, ...PRIORITIES.map((p) => ({ value: p, label: `${p} · ${PRIORITY_LABELS[p]}` }))]}
            value={draft.priority}
            onChange={(v) => set({ priority: v ?? "" })}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Assignee"
            data={[LEAVE, { value: "me", label: "Whoever applies it" }, { value: "none", label: "Nobody (unassign)" }, ...staff.map((u) => ({ value: String(u.id), label: u.name }))]}
            value={draft.assignee}
            onChange={(v) => set({ assignee: v ?? "" })}
            error={field("assignee")}
            searchable
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Team"
            data={[LEAVE, { value: "none", label: "No team" }, ...teams.map((t) => ({ value: String(t.id), label: t.name }))]}
            value={draft.team}
            onChange={(v) => set({ team: v ?? "" })}
            error={field("team_id")}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <TagsInput label="Add tags" value={draft.add_tags} onChange={(v) => set({ add_tags: v.map((t) => t.trim().toLowerCase()).filter(Boolean) })} error={field("add_tags")} clearable />
          <TagsInput
            label="Remove tags"
            value={draft.remove_tags}
            onChange={(v) => set({ remove_tags: v.map((t) => t.trim().toLowerCase()).filter(Boolean) })}
            error={field("remove_tags")}
            clearable
          />
        </SimpleGrid>
      </div>
      <PlaceholderText
        label="Reply to the requester"
        description="Optional. Sent at once when the macro is applied; Undo cannot unsend it."
        value={draft.reply}
        onChange={(reply) => set({ reply })}
        error={field("reply")}
        minRows={3}
      />
      <PlaceholderText label="Internal note" description="Optional. Only agents see it." value={draft.note} onChange={(note) => set({ note })} error={field("note")} minRows={2} note />
      {errors.actions && (
        <Text size="sm" c="red.7" role="alert">
          {errors.actions}
        </Text>
      )}
      <ShareFields scope={draft.scope} teamId={draft.team_id} onChange={(scope, team_id) => set({ scope, team_id })} me={me} teams={teams} errors={errors} teamsOnlyForLeads />
    </Stack>
  );
}
