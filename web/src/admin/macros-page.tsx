/** Macros shared with a team or with everyone, in the admin settings (personal ones live in the workspace). */
import type { Macro } from "@tessera/contracts";
import type { MacroDraft } from "../ui/replies/macro-fields.tsx";
import { useMacroLibrary } from "../ui/replies/libraries.tsx";
import { LibraryPage, type LibraryConfig } from "./canned-replies-page.tsx";

const FIELD_WORDS: Record<string, string> = { status: "status", priority: "priority", assignee: "assignee", team_id: "team", add_tags: "tags", remove_tags: "tags", reply: "reply", note: "note" };

/** "status, priority, reply" */
const summary = (m: Macro) => [...new Set(Object.keys(m.actions).map((k) => FIELD_WORDS[k] ?? k))].join(", ");

export function MacrosPage() {
  const cfg: LibraryConfig<Macro, MacroDraft> = {
    ...useMacroLibrary("shared"),
    path: "macros",
    description: "Several ticket changes, and optionally a reply and a note, applied in one step with m. Agents see what a macro will change before applying it, and can undo it.",
    emptyText: "Change what it does or who can use it. It always acts as the agent who applies it, with the same checks as by hand.",
    subOf: (m) => m.description || summary(m),
  };
  return <LibraryPage cfg={cfg} />;
}
