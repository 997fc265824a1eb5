/** The workspace's canned-reply manager: the agent's own, their teams' and everyone's. */
import { Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import type { CannedReply } from "@tessera/contracts";
import { useTeams } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { createCannedReply, deleteCannedReply, replyKeys, updateCannedReply, useCannedReplies } from "../../api/replies.ts";
import { CannedFields, cannedDraftOf, cannedInputOf, checkCanned, emptyCanned, type CannedDraft } from "../../ui/replies/canned-fields.tsx";
import { LibraryManager } from "./canned-library.tsx";

export function CannedManager({ onClose }: { onClose: () => void }) {
  const me = useSignedInUser();
  const client = useQueryClient();
  const replies = useCannedReplies();
  const teams = useTeams();
  const refresh = () => void client.invalidateQueries({ queryKey: replyKeys.allCanned });
  return (
    <LibraryManager<CannedReply, CannedDraft>
      title="Canned replies"
      noun="canned reply"
      items={replies.data}
      loadError={replies.error}
      onRetry={() => void replies.refetch()}
      nameOf={(r) => r.title}
      emptyDraft={emptyCanned}
      draftOf={cannedDraftOf}
      check={checkCanned}
      save={async (d, item) => {
        const saved = item ? await updateCannedReply(item.id, cannedInputOf(d)) : await createCannedReply(cannedInputOf(d));
        refresh();
        return saved;
      }}
      remove={async (item) => {
        await deleteCannedReply(item.id);
        refresh();
      }}
      fields={(draft, setDraft, errors) => <CannedFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} />}
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
