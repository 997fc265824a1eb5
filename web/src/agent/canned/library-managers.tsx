/**
 * The workspace's managers: of canned replies (the agent's own, their teams' and everyone's) and
 * of macros (personal ones for everyone, shared ones for supervisors and admins).
 */
import { useCannedLibrary, useMacroLibrary } from "../../ui/replies/libraries.tsx";
import { LibraryManager } from "./canned-library.tsx";

/** What each says while nothing is picked. */
const INTROS = {
  canned: {
    heading: "Answers you give often",
    about: "Type / in the reply box and a few letters of a title to insert one. Placeholders such as {{requester.first_name}} are filled in for the ticket at hand.",
  },
  macros: {
    heading: "Several changes in one step",
    about: "A macro sets the status, priority, assignee, team and tags of a ticket, and can add a reply and a note. Press m on a ticket to apply one; you see what it changes first, and can undo it.",
  },
};

export function CannedManager({ onClose }: { onClose: () => void }) {
  return <LibraryManager library={useCannedLibrary()} onClose={onClose} {...INTROS.canned} />;
}

export function MacroManager({ onClose }: { onClose: () => void }) {
  return <LibraryManager library={useMacroLibrary()} onClose={onClose} {...INTROS.macros} />;
}
