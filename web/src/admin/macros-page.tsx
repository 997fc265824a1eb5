/** Macros shared with a team or with everyone, in the admin settings (personal ones live in the workspace). */
import { IconBolt } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Macro } from "@tessera/contracts";
import { useStaff, useStatuses, useTeams } from "../api/agent-queries.ts";
import { useSignedInUser } from "../api/queries.ts";
import { createMacro, deleteMacro, replyKeys, updateMacro, useMacros } from "../api/replies.ts";
import { checkMacro, emptyMacro, MacroFields, macroDraftOf, macroInputOf, type MacroDraft } from "../ui/replies/macro-fields.tsx";
import { LibraryPage, type LibraryConfig } from "./canned-replies-page.tsx";

const FIELD_WORDS: Record<string, string> = { status: "status", priority: "priority", assignee: "assignee", team_id: "team", add_tags: "tags", remove_tags: "tags", reply: "reply", note: "note" };

/** "status, priority, reply" */
const summary = (m: Macro) => [...new Set(Object.keys(m.actions).map((k) => FIELD_WORDS[k] ?? k))].join(", ");

export function MacrosPage() {
  const me = useSignedInUser();
  const client = useQueryClient();
  const macros = useMacros("shared");
  const teams = useTeams();
  const statuses = useStatuses();
  const staff = useStaff();
  const refresh = () => void client.invalidateQueries({ queryKey: replyKeys.allMacros });
  const cfg: LibraryConfig<Macro, MacroDraft> = {
    path: "macros",
    title: "Macros",
    noun: "macro",
    description: "Several ticket changes, and optionally a reply and a note, applied in one step with m. Agents see what a macro will change before applying it, and can undo it.",
    icon: <IconBolt size={32} stroke={1.5} />,
    emptyText: "Change what it does or who can use it. It always acts as the agent who applies it, with the same checks as by hand.",
    fieldNames: ["name", "description", "actions", "scope", "team_id"],
    query: macros,
    queryKey: replyKeys.macros("shared"),
    nameOf: (m) => m.name,
    subOf: (m) => m.description || summary(m),
    emptyDraft: () => ({ ...emptyMacro(), scope: "everyone" }),
    draftOf: macroDraftOf,
    check: checkMacro,
    save: async (d, item) => {
      const saved = item ? await updateMacro(item.id, macroInputOf(d)) : await createMacro(macroInputOf(d));
      refresh();
      return saved;
    },
    remove: async (item) => {
      await deleteMacro(item.id);
      refresh();
    },
    fields: (draft, setDraft, errors) => <MacroFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} statuses={statuses.data ?? []} staff={staff.data ?? []} />,
  };
  return <LibraryPage cfg={cfg} />;
}
