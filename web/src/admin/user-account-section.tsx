// The Account section of the user editor: disabling (with its consequences dialog) and enabling.
import { Button, Stack, Text } from "@mantine/core";
import { IconKey, IconLockOpen, IconPlugConnectedX, IconUserOff, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { User } from "@tessera/contracts";
import { updateUser } from "../api/admin.ts";
import { adminKeys, refreshPeople, UNFINISHED, useTicketCount, useUserTokens } from "../api/admin-queries.ts";
import { ActionError, announce, ConfirmDialog, Consequence, EditorSection, TicketsConsequence } from "./layout.tsx";
import { plural } from "./people.ts";
import { type ConfirmedDialog, useConfirmedAction } from "./scaffold/index.ts";

/** Disabling: says at once what ends and what stays, counted, before anything happens. */
function DisableDialog({ user, dialog }: { user: User; dialog: ConfirmedDialog }) {
  const tickets = useTicketCount({ assignee: String(user.id), status_category: UNFINISHED }, dialog.opened);
  const tokens = useUserTokens(user.id, dialog.opened);
  const liveTokens = (tokens.data ?? []).filter((t) => !t.revoked_at);
  return (
    <ConfirmDialog {...dialog} title={`Disable ${user.name}?`} confirmLabel="Disable account">
      <Stack gap="sm">
        <Consequence icon={<IconPlugConnectedX size={16} />}>
          <strong>Their sessions and API tokens end at once.</strong> They are signed out on every device, and integrations using their tokens stop working
          {tokens.data ? ` (${plural(liveTokens.length, "active token")}${liveTokens.length ? `: ${liveTokens.map((t) => t.name).join(", ")}` : ""})` : ""}. Tokens stay revoked if you enable the
          account again.
        </Consequence>
        <Consequence icon={<IconKey size={16} />}>They cannot sign in until an admin enables the account again.</Consequence>
        {user.role !== "requester" && (
          <TicketsConsequence
            count={tickets}
            counting="Counting the tickets assigned to them…"
            failed="The tickets assigned to them could not be counted."
            none="No unfinished tickets are assigned to them."
          >
            {(n) => (
              <>
                <strong>{plural(n, "unfinished ticket")}</strong> {n === 1 ? "is assigned to them and stays assigned: reassign it" : "are assigned to them and stay assigned: reassign them"} in the
                agent workspace.
              </>
            )}
          </TicketsConsequence>
        )}
        {user.teams.length > 0 && (
          <Consequence icon={<IconUsersGroup size={16} />}>They stay a member of {user.teams.map((t) => t.name).join(", ")} until you remove them on the Teams page.</Consequence>
        )}
      </Stack>
    </ConfirmDialog>
  );
}
export function AccountSection({ user, self }: { user: User; self: boolean }) {
  const client = useQueryClient();
  const changed = (saved: User) => {
    client.setQueryData(adminKeys.user(saved.id), saved);
    refreshPeople(client);
  };
  const disable = useConfirmedAction(
    () => updateUser(user.id, { active: false }),
    (saved) => {
      changed(saved);
      announce("They were signed out everywhere and can no longer sign in.", `${saved.name} is disabled`);
    },
  );
  const enable = useMutation({
    mutationFn: () => updateUser(user.id, { active: true }),
    onSuccess: (saved) => {
      changed(saved);
      announce("They can sign in again.", `${saved.name} is enabled`);
    },
  });
  return (
    <EditorSection title="Account">
      {user.active ? (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            A disabled person cannot sign in; their sessions and API tokens end at once. Their tickets and history stay.
          </Text>
          <Button variant="light" color="red" leftSection={<IconUserOff size={16} />} onClick={() => disable.ask()} disabled={self}>
            Disable account…
          </Button>
          {self && (
            <Text size="xs" c="dimmed" mt={6}>
              You cannot disable your own account.
            </Text>
          )}
          <DisableDialog user={user} dialog={disable.dialog} />
        </>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            This account is disabled: {user.name} cannot sign in. Enabling lets them sign in again with their password; API tokens that ended stay revoked.
          </Text>
          <Button variant="default" leftSection={<IconLockOpen size={16} />} onClick={() => enable.mutate()} loading={enable.isPending}>
            Enable account
          </Button>
          <ActionError title="Not enabled" error={enable.error} />
        </>
      )}
    </EditorSection>
  );
}
