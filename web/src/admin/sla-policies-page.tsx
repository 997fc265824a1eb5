/**
 * SLA policies: the ordered list (the first active policy whose conditions all hold times a
 * ticket; move one up or down to change the order), and an editor per policy: conditions on
 * type, priority, category, organization and channel; targets per priority for the first
 * response, the next response and the resolution, in business time; the statuses that pause
 * the clock; the warning share; what happens at a warning and at a breach. A live preview says
 * when a ticket created now would be due. "SLA settings" holds auto-close.
 */
import { Button, Skeleton, Stack } from "@mantine/core";
import { IconClockExclamation, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { fetchPolicies, slaKeys } from "../api/sla.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { AdminPage, EmptyEditor, Split } from "./layout.tsx";
import { NewPolicyEditor, PolicyEditor, SettingsEditor } from "./sla-policy-editors.tsx";
import { PolicyList } from "./sla-policy-list.tsx";

export function SlaPoliciesPage() {
  const { policyId } = useParams();
  const policies = useQuery({ queryKey: slaKeys.policies, queryFn: fetchPolicies });
  const selected = policyId && policyId !== "new" && policyId !== "settings" ? (policies.data ?? []).find((p) => String(p.id) === policyId) : undefined;
  let editor;
  if (policyId === "new") editor = <NewPolicyEditor />;
  else if (policyId === "settings") editor = <SettingsEditor />;
  else if (policyId && policies.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={200} /></Stack>;
  else if (selected) editor = <PolicyEditor key={`${selected.id}-${selected.updated_at}`} policy={selected} />;
  else if (policyId && policies.data)
    editor = (
      <EmptyEditor icon={<IconClockExclamation size={32} stroke={1.5} />} title="This policy does not exist">
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={<IconClockExclamation size={32} stroke={1.5} />} title="Pick a policy">
        Each policy sets response and resolution targets for the tickets it applies to. The first active policy whose conditions match a ticket times it.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="SLA policies"
      description="Response and resolution targets, tried in order: the first active policy that matches a ticket times it."
      actions={
        <Button component={Link} to="/admin/sla-policies/new" leftSection={<IconPlus size={16} />}>
          Add policy
        </Button>
      }
    >
      <Split
        listLabel="Policy list"
        selected={!!policyId}
        list={
          policies.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label="Loading policies" /></div>
          ) : policies.isError ? (
            <div style={{ padding: 12 }}><LoadError title="Policies could not be loaded" error={policies.error} onRetry={() => void policies.refetch()} /></div>
          ) : (
            <PolicyList policies={policies.data} />
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}
