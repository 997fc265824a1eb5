/** The workspace's macro manager: personal macros for everyone, shared ones for supervisors and admins. */
import { useMacroLibrary } from "../../ui/replies/libraries.tsx";
import { LibraryManager } from "../canned/canned-library.tsx";

export function MacroManager({ onClose }: { onClose: () => void }) {
  return (
    <LibraryManager
      library={useMacroLibrary()}
      onClose={onClose}
      heading="Several changes in one step"
      about="A macro sets the status, priority, assignee, team and tags of a ticket, and can add a reply and a note. Press m on a ticket to apply one; you see what it changes first, and can undo it."
    />
  );
}
