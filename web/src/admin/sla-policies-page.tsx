/**
 * SLA policies: the ordered list (the first active policy whose conditions all hold times a
 * ticket; move one up or down to change the order), and an editor per policy: conditions on
 * type, priority, category, organization and channel; targets per priority for the first
 * response, the next response and the resolution, in business time; the statuses that pause
 * the clock; the warning share; what happens at a warning and at a breach. A live preview says
 * when a ticket created now would be due. "SLA settings" holds auto-close.
 */
import { slaKeys, useSlaPolicies } from "../api/sla.ts";
import { NewPolicyEditor, PolicyEditor, SettingsEditor } from "./sla-policy-editors.tsx";
import { PolicyList } from "./sla-policy-list.tsx";
import { AdminCollectionPage, useAdminCollection } from "./scaffold/index.ts";

export function SlaPoliciesPage() {
  const collection = useAdminCollection({ query: useSlaPolicies(), queryKey: slaKeys.policies, alsoRefresh: [slaKeys.calendars], path: "/admin/sla-policies", noun: "policy", what: "policies" });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Response and resolution targets, tried in order: the first active policy that matches a ticket times it."
      list={(all) => <PolicyList policies={all} />}
      editor={(p) => <PolicyEditor key={`${p.id}-${p.updated_at}`} policy={p} collection={collection} />}
      creator={() => <NewPolicyEditor collection={collection} />}
      extraEditors={{ settings: () => <SettingsEditor /> }}
      pick="Each policy sets response and resolution targets for the tickets it applies to. The first active policy whose conditions match a ticket times it."
      skeleton={200}
    />
  );
}
