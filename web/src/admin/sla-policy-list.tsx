// SLA policies: the list of policies in the order they are tried, with moving up and down.
import { ActionIcon, Alert, Badge, Stack, Text, Tooltip } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconSettings } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Policy } from "@tessera/contracts";
import { NavLink } from "react-router";
import { reorderPolicies, slaKeys } from "../api/sla.ts";
import { errorMessage } from "../ui/query-state.tsx";
import { announce } from "./layout.tsx";
import { CHANNEL_LABELS, TYPE_LABELS } from "./sla-policy-draft.ts";
import classes from "./admin.module.css";
import sla from "./sla-admin.module.css";

function conditionsText(p: Policy): string {
  const c = p.conditions;
  const parts = [
    c.types.length ? c.types.map((t) => TYPE_LABELS[t]).join("/") : null,
    c.priorities.length ? c.priorities.join("/") : null,
    c.channels.length ? c.channels.map((x) => CHANNEL_LABELS[x]).join("/") : null,
    c.category_ids.length ? `${c.category_ids.length} categor${c.category_ids.length === 1 ? "y" : "ies"}` : null,
    c.organization_ids.length ? `${c.organization_ids.length} organization${c.organization_ids.length === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "Every ticket";
}

export function PolicyList({ policies }: { policies: Policy[] }) {
  const client = useQueryClient();
  const reorder = useMutation({
    mutationFn: (ids: number[]) => reorderPolicies(ids),
    onMutate: (ids) => {
      const before = client.getQueryData<Policy[]>(slaKeys.policies);
      client.setQueryData<Policy[]>(slaKeys.policies, (all) => all && ids.map((id, i) => ({ ...all.find((p) => p.id === id)!, position: i + 1 })));
      return { before };
    },
    onError: (_err, _ids, ctx) => client.setQueryData(slaKeys.policies, ctx?.before),
    onSuccess: (fresh) => {
      client.setQueryData(slaKeys.policies, fresh);
      announce("The new order is saved.");
    },
  });
  const move = (i: number, delta: number) => {
    const ids = policies.map((p) => p.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + delta, 0, id);
    reorder.mutate(ids);
  };
  return (
    <>
      <ul className={classes.rows}>
        <li>
          <NavLink to="/admin/sla-policies/settings" className={classes.row}>
            <IconSettings size={20} stroke={1.5} color="var(--mantine-color-gray-6)" aria-hidden="true" />
            <div className={classes.rowMain}>
              <div className={classes.rowTitle}>SLA settings</div>
              <div className={classes.rowSub}>Auto-close of resolved tickets</div>
            </div>
          </NavLink>
        </li>
      </ul>
      <Text className={classes.groupHeading} component="h2">
        Policies, in the order they are tried
      </Text>
      {policies.length === 0 ? (
        <Text size="sm" c="dimmed" p="md">
          No policies yet: tickets have no deadlines. Add one with targets for each priority.
        </Text>
      ) : (
        <ol className={classes.rows} aria-label="Policies in order">
          {policies.map((p, i) => (
            <li key={p.id} style={{ display: "flex", alignItems: "center", gap: 2 }}>
              <NavLink to={`/admin/sla-policies/${p.id}`} className={`${classes.row} ${sla.row}`} data-inactive={!p.active || undefined} style={{ flex: 1, minWidth: 0 }}>
                <span className={sla.position} aria-hidden="true">
                  {i + 1}
                </span>
                <div className={classes.rowMain}>
                  <div className={classes.rowTitle}>{p.name}</div>
                  <div className={classes.rowSub}>
                    {conditionsText(p)} · {p.calendar.name}
                  </div>
                </div>
                {!p.active && (
                  <Badge variant="light" color="gray" size="sm">
                    Inactive
                  </Badge>
                )}
              </NavLink>
              <Stack gap={0}>
                <Tooltip label="Try sooner">
                  <ActionIcon size="xs" variant="subtle" color="gray" disabled={i === 0 || reorder.isPending} onClick={() => move(i, -1)} aria-label={`Move ${p.name} up`}>
                    <IconArrowUp size={12} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Try later">
                  <ActionIcon size="xs" variant="subtle" color="gray" disabled={i === policies.length - 1 || reorder.isPending} onClick={() => move(i, 1)} aria-label={`Move ${p.name} down`}>
                    <IconArrowDown size={12} />
                  </ActionIcon>
                </Tooltip>
              </Stack>
            </li>
          ))}
        </ol>
      )}
      {reorder.isError && (
        <Alert color="red" variant="light" m="xs" role="alert">
          The order was not saved: {errorMessage(reorder.error)}
        </Alert>
      )}
    </>
  );
}
