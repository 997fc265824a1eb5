// SLA policy editor: the table of targets per priority and kind.
import { TextInput } from "@mantine/core";
import { PRIORITIES, SLA_TARGET_KINDS, type Priority, type SlaTargetKind } from "@tessera/contracts";
import { KIND_LABELS } from "../ui/sla.ts";
import { parseDuration, type PolicyDraft } from "./sla-policy-draft.ts";
import sla from "./sla-admin.module.css";
import { FieldGroup } from "./field-group.tsx";

export function TargetsGrid({ draft, setDraft, error }: { draft: PolicyDraft; setDraft: (d: PolicyDraft) => void; error?: string }) {
  const set = (pr: Priority, k: SlaTargetKind, v: string) => setDraft({ ...draft, targets: { ...draft.targets, [pr]: { ...draft.targets[pr], [k]: v } } });
  return (
    <FieldGroup
      legend="Targets"
      hint="In business time of the calendar: 30m, 4h or 2h 30m. Leave a box empty for no target of that kind; a priority with none has no SLA under this policy."
      error={error}
    >
      <table className={sla.targets} aria-label="Targets per priority">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            {SLA_TARGET_KINDS.map((k) => (
              <th scope="col" key={k}>
                {KIND_LABELS[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((pr) => (
            <tr key={pr}>
              <th scope="row">{pr}</th>
              {SLA_TARGET_KINDS.map((k) => {
                const text = draft.targets[pr][k];
                const bad = text.trim() !== "" && parseDuration(text) === null;
                return (
                  <td key={k}>
                    <TextInput
                      size="xs"
                      value={text}
                      onChange={(e) => set(pr, k, e.currentTarget.value)}
                      placeholder="none"
                      aria-label={`${pr} ${KIND_LABELS[k].toLowerCase()}`}
                      error={bad || undefined}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </FieldGroup>
  );
}
