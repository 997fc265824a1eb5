/**
 * The left nav: built-in views with live counts, then saved views (personal or shared with a
 * team), and the state of the live connection.
 */
import { ActionIcon, Group, Menu, Stack, Text, Tooltip } from "@mantine/core";
import { IconDots, IconInbox, IconList, IconPencil, IconPlus, IconTrash, IconUserQuestion, IconUsers, IconClockHour4, IconStack2, IconFlame } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { SavedView } from "@tessera/contracts";
import { lazy, Suspense, useState, type ReactNode } from "react";
import { NavLink } from "react-router";
import { deleteView, type TicketFilters } from "../../api/agent.ts";
import { agentKeys, useTicketCount } from "../../api/agent-queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { useLive } from "../live.tsx";
import type { ViewDef } from "./views.ts";
import classes from "../workspace.module.css";
import { toast } from "../toast.ts";
import focus from "../../ui/focus-ring.module.css";

// The save / rename dialog loads when first opened.
export const loadSaveViewModal = () => import("./save-view-modal.tsx");
export const SaveViewModal = lazy(() => loadSaveViewModal().then((m) => ({ default: m.SaveViewModal })));

const ICONS: Record<string, ReactNode> = {
  mine: <IconInbox size={16} aria-hidden="true" />,
  unassigned: <IconUserQuestion size={16} aria-hidden="true" />,
  breaching: <IconFlame size={16} aria-hidden="true" />,
  open: <IconStack2 size={16} aria-hidden="true" />,
  recent: <IconClockHour4 size={16} aria-hidden="true" />,
};

function ViewCount({ filters, sla }: { filters: TicketFilters; sla?: boolean }) {
  // Past 999 the badge shows "999+": the server stops counting at 1000.
  const count = useTicketCount({ ...filters, at_most: "1000" });
  if (count.data === undefined) return null;
  const n = count.data.count;
  const words = sla ? `${n} at risk of or past their SLA deadline` : `${n} need an agent`;
  return (
    <Tooltip label={sla ? `${words}, open tickets only` : `${words} (new or open); tickets waiting on someone else are not counted`} openDelay={500} multiline w={220}>
      <span className={`${classes.count} tabular`} aria-label={words} data-zero={n === 0 || undefined} data-alert={(sla && n > 0) || undefined}>
        {n > 999 ? "999+" : n}
      </span>
    </Tooltip>
  );
}

function ViewLink({ view, icon, menu }: { view: ViewDef; icon: ReactNode; menu?: ReactNode }) {
  return (
    <div className={classes.viewItem}>
      <NavLink to={`/agent/views/${view.id}`} className={`${classes.viewLink} ${focus.ring}`}>
        {icon}
        <span className={classes.viewName}>{view.name}</span>
        {view.countFilters && <ViewCount filters={view.countFilters} sla={view.id === "breaching"} />}
      </NavLink>
      {menu}
    </div>
  );
}

export function ViewNav({ builtin, saved, onNewView }: { builtin: ViewDef[]; saved: ViewDef[]; onNewView: () => void }) {
  const { status } = useLive();
  const [editing, setEditing] = useState<SavedView | null>(null);
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (v: SavedView) => deleteView(v.id),
    onSuccess: (_, v) => {
      void client.invalidateQueries({ queryKey: agentKeys.views });
      toast({ color: "teal", message: `The view “${v.name}” was deleted.` });
    },
    onError: (err) => toast({ color: "red", title: "The view was not deleted", message: errorMessage(err) }),
  });
  return (
    <nav aria-label="Views" className={classes.nav}>
      <Stack gap={2} p="xs">
        <Text component="h2" className={classes.navHeading}>
          Views
        </Text>
        {builtin.map((v) => (
          <ViewLink key={v.id} view={v} icon={ICONS[v.id]} />
        ))}
        <Group justify="space-between" mt="md" pr={4} wrap="nowrap">
          <Text component="h2" className={classes.navHeading}>
            Saved views
          </Text>
          <Tooltip label="Save the current filters as a view">
            <ActionIcon variant="subtle" color="gray" size="sm" onClick={onNewView} aria-label="New view">
              <IconPlus size={14} />
            </ActionIcon>
          </Tooltip>
        </Group>
        {saved.length === 0 && (
          <Text size="xs" c="dimmed" px={10} py={4}>
            Filter a list, then save it here. You can share a view with your team.
          </Text>
        )}
        {saved.map((v) => (
          <ViewLink
            key={v.id}
            view={v}
            icon={v.saved?.team_id ? <IconUsers size={16} aria-label="Shared with a team" /> : <IconList size={16} aria-hidden="true" />}
            menu={
              v.saved?.mine ? (
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" size="sm" className={classes.viewMenu} aria-label={`Options for ${v.name}`}>
                      <IconDots size={14} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing(v.saved!)}>
                      Rename or share
                    </Menu.Item>
                    <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => remove.mutate(v.saved!)}>
                      Delete
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              ) : undefined
            }
          />
        ))}
      </Stack>
      <div className={classes.liveState} role="status">
        <span className={classes.liveDot} data-status={status} aria-hidden="true" />
        {status === "open" ? "Live updates on" : status === "connecting" ? "Connecting…" : "Reconnecting… (lists may be out of date)"}
      </div>
      {editing && (
        <Suspense fallback={null}>
          <SaveViewModal opened onClose={() => setEditing(null)} filters={{}} sort="" existing={editing} />
        </Suspense>
      )}
    </nav>
  );
}
