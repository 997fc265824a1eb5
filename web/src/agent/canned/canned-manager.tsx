/** The workspace's canned-reply manager: the agent's own, their teams' and everyone's. */
import { Text } from "@mantine/core";
import { useCannedLibrary } from "../../ui/replies/libraries.tsx";
import { LibraryManager } from "./canned-library.tsx";

export function CannedManager({ onClose }: { onClose: () => void }) {
  return (
    <LibraryManager
      library={useCannedLibrary()}
      onClose={onClose}
      intro={
        <>
          <Text fw={600}>Answers you give often</Text>
          <Text size="sm" c="dimmed">
            Type / in the reply box and a few letters of a title to insert one. Placeholders such as {"{{requester.first_name}}"} are filled in for the ticket at hand.
          </Text>
        </>
      }
    />
  );
}
