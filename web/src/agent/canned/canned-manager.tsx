/** The workspace's canned-reply manager: the agent's own, their teams' and everyone's. */
import { useCannedLibrary } from "../../ui/replies/libraries.tsx";
import { LibraryManager } from "./canned-library.tsx";

export function CannedManager({ onClose }: { onClose: () => void }) {
  return (
    <LibraryManager
      library={useCannedLibrary()}
      onClose={onClose}
      heading="Answers you give often"
      about="Type / in the reply box and a few letters of a title to insert one. Placeholders such as {{requester.first_name}} are filled in for the ticket at hand."
    />
  );
}
