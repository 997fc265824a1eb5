/** The dialog that saves filters as a view, or renames and re-shares a saved view. */
import { Button, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { SavedView } from "@tessera/contracts";
import { useEffect, useState, type FormEvent } from "react";
import { createView, updateView, type TicketFilters } from "../../api/agent.ts";
import { agentKeys, useTeams } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { ErrorAlert } from "../../ui/query-state.tsx";
import { describeFilters } from "./filter-bar.tsx";
import { toast } from "../toast.ts";

/** Creates a view from filters, or renames and re-shares an existing one. */
export function SaveViewModal({
  opened,
  onClose,
  filters,
  sort,
  existing,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  filters: TicketFilters;
  sort: string;
  existing?: SavedView;
  onSaved?: (view: SavedView) => void;
}) {
  const me = useSignedInUser();
  const teams = useTeams();
  const client = useQueryClient();
  const [name, setName] = useState(existing?.name ?? "");
  const [team, setTeam] = useState<string>(existing?.team_id ? String(existing.team_id) : "");
  useEffect(() => {
    if (opened) {
      setName(existing?.name ?? "");
      setTeam(existing?.team_id ? String(existing.team_id) : "");
    }
  }, [opened, existing]);
  const myTeams = (teams.data ?? []).filter((t) => me.team_ids.includes(t.id));
  const save = useMutation({
    mutationFn: () => {
      const team_id = team ? Number(team) : null;
      if (existing) return updateView(existing.id, { name: name.trim(), team_id });
      return createView({ name: name.trim(), filters: { ...filters, ...(sort ? { sort } : {}) }, team_id });
    },
    onSuccess: (view) => {
      // Known at once, so that the list can open it before the views are fetched again.
      client.setQueryData<SavedView[]>(agentKeys.views, (old) => (old ? [...old.filter((v) => v.id !== view.id), view] : [view]));
      void client.invalidateQueries({ queryKey: agentKeys.views });
      toast({ color: "teal", message: view.team_id ? `“${view.name}” is saved and shared with your team.` : `“${view.name}” is saved.` });
      onSaved?.(view);
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) save.mutate();
  };
  const described = existing ? [] : describeFilters(filters);
  return (
    <Modal opened={opened} onClose={onClose} title={existing ? "Rename or share view" : "Save view"} centered>
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} data-autofocus placeholder="e.g. P1 and P2 in Network" />
          {!existing && (
            <div>
              <Text size="sm" fw={500} mb={4}>
                Filters
              </Text>
              <Text size="sm" c={described.length ? undefined : "dimmed"}>
                {described.length ? described.join(" · ") : "No filters: every ticket you can see."}
              </Text>
            </div>
          )}
          <Select
            label="Who sees it"
            data={[{ value: "", label: "Only me" }, ...myTeams.map((t) => ({ value: String(t.id), label: `Everyone in ${t.name}` }))]}
            value={team}
            onChange={(v) => setTeam(v ?? "")}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <ErrorAlert error={save.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
              {existing ? "Save changes" : "Save view"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
