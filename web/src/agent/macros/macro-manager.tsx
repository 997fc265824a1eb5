/** The workspace's macro manager: personal macros for everyone, shared ones for supervisors and admins. */
import { Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import type { Macro } from "@tessera/contracts";
import { useStaff, useStatuses, useTeams } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { createMacro, deleteMacro, replyKeys, updateMacro, useMacros } from "../../api/replies.ts";
import { LibraryManager } from "../canned/canned-library.tsx";
import { checkMacro, emptyMacro, MacroFields, macroDraftOf, macroInputOf, type MacroDraft } from "../../ui/replies/macro-fields.tsx";

export function MacroManager({ onClose }: { onClose: () => void }) {
  const me = useSignedInUser();
  const client = useQueryClient();
  const macros = useMacros();
  const teams = useTeams();
  const statuses = useStatuses();
  const staff = useStaff();
  const refresh = () => void client.invalidateQueries({ queryKey: replyKeys.allMacros });
  return (
    <LibraryManager<Macro, MacroDraft>
      title="Macros"
      noun="macro"
      items={macros.data}
      loadError={macros.error}
      onRetry={() => void macros.refetch()}
      nameOf={(m) => m.name}
      emptyDraft={emptyMacro}
      draftOf={macroDraftOf}
      check={checkMacro}
      save={async (d, item) => {
        const saved = item ? await updateMacro(item.id, macroInputOf(d)) : await createMacro(macroInputOf(d));
        refresh();
        return saved;
      }}
      remove={async (item) => {
        await deleteMacro(item.id);
        refresh();
      }}
      fields={(draft, setDraft, errors) => (
        <MacroFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} statuses={statuses.data ?? []} staff={staff.data ?? []} />
      )}
      onClose={onClose}
      intro={
        <>
          <Text fw={600}>Several changes in one step</Text>
          <Text size="sm" c="dimmed">
            A macro sets the status, priority, assignee, team and tags of a ticket, and can add a reply and a note. Press m on a ticket to apply one; you see what it changes first, and can undo it.
          </Text>
        </>
      }
    />
  );
}
