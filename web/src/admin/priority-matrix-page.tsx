/**
 * The priority matrix: impact (rows) × urgency (columns) → P1–P4, with a live sentence for
 * the cell in focus ("high impact + medium urgency → P2"), the unsaved changes listed, and a
 * warning when more impact or urgency would lower a priority.
 */
import { Alert, Group, Select, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconInfoCircle } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { LEVELS, PRIORITIES, type Level, type Priority, type PriorityMatrix } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { savePriorityMatrix } from "../api/admin.ts";
import { adminKeys, usePriorityMatrix } from "../api/admin-queries.ts";
import { PRIORITY_LABELS, PriorityIcon } from "../ui/priority-icon.tsx";
import { announce, Editor, SaveError } from "./layout.tsx";
import { AdminFormPage, useAdminForm } from "./scaffold/index.ts";
import classes from "./admin.module.css";

type Matrix = PriorityMatrix["matrix"];

const LEVEL_NAMES: Record<Level, string> = { high: "High", medium: "Medium", low: "Low" };
const IMPACT_HELP: Record<Level, string> = { high: "many people or a whole site", medium: "a team or a group", low: "one person" };
const URGENCY_HELP: Record<Level, string> = { high: "work has stopped", medium: "work is slowed", low: "it can wait" };

const rank = (p: Priority) => PRIORITIES.indexOf(p);
const levelRank = (l: Level) => LEVELS.indexOf(l); // high = 0

const OPTIONS = PRIORITIES.map((p) => ({ value: p, label: `${p} · ${PRIORITY_LABELS[p]}` }));

/** Where more impact or more urgency gives a lower priority, said in words. */
function inversions(m: Matrix): string[] {
  const out: string[] = [];
  for (const i of LEVELS) {
    for (const u of LEVELS) {
      for (const i2 of LEVELS) {
        for (const u2 of LEVELS) {
          const moreSevere = levelRank(i2) <= levelRank(i) && levelRank(u2) <= levelRank(u) && (i2 !== i || u2 !== u);
          if (moreSevere && rank(m[i2][u2]) > rank(m[i][u])) {
            out.push(`${LEVEL_NAMES[i]} impact + ${u} urgency is ${m[i][u]}, but the more serious ${i2} impact + ${u2} urgency is only ${m[i2][u2]}.`);
          }
        }
      }
    }
  }
  return out;
}

function MatrixEditor({ saved }: { saved: Matrix }) {
  const client = useQueryClient();
  const [focus, setFocus] = useState<{ impact: Level; urgency: Level }>({ impact: "high", urgency: "medium" });
  const form = useAdminForm({
    base: saved,
    fields: ["matrix"],
    save: savePriorityMatrix,
    draftOf: (result) => result.matrix,
    onSaved: (result) => {
      client.setQueryData(adminKeys.priorityMatrix, result);
      announce("The priority matrix is saved. New and re-rated tickets use it from now on.");
    },
  });
  const { draft, setDraft, errors } = form;
  const changes = useMemo(() => LEVELS.flatMap((i) => LEVELS.filter((u) => draft[i][u] !== saved[i][u]).map((u) => ({ impact: i, urgency: u, from: saved[i][u], to: draft[i][u] }))), [draft, saved]);
  const warnings = useMemo(() => inversions(draft), [draft]);
  const focused = draft[focus.impact][focus.urgency];

  return (
    <Editor label="Priority matrix" {...form.editorProps}>
      <Stack gap="lg">
        <div className={classes.explain} role="status" aria-live="polite" aria-label="Explanation">
          <strong>
            {LEVEL_NAMES[focus.impact]} impact + {focus.urgency} urgency → {focused}
          </strong>{" "}
          · {PRIORITY_LABELS[focused]}
          <Text size="sm" c="indigo.8" mt={2}>
            A ticket that affects {IMPACT_HELP[focus.impact]} where {URGENCY_HELP[focus.urgency]} gets priority {focused} ({PRIORITY_LABELS[focused].toLowerCase()}).
          </Text>
        </div>

        <div style={{ overflowX: "auto" }}>
          <table className={classes.matrix} aria-label="Priority by impact and urgency">
            <thead>
              <tr>
                <td />
                <th colSpan={3} scope="colgroup">
                  <span className={classes.axisLabel}>Urgency: how soon it hurts</span>
                </th>
              </tr>
              <tr>
                <th scope="col">
                  <span className={classes.axisLabel}>Impact</span>
                </th>
                {LEVELS.map((u) => (
                  <th key={u} scope="col">
                    {LEVEL_NAMES[u]} urgency
                    <Text size="xs" c="dimmed" fw={400}>
                      {URGENCY_HELP[u]}
                    </Text>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {LEVELS.map((i) => (
                <tr key={i}>
                  <th scope="row">
                    {LEVEL_NAMES[i]} impact
                    <Text size="xs" c="dimmed" fw={400}>
                      {IMPACT_HELP[i]}
                    </Text>
                  </th>
                  {LEVELS.map((u) => {
                    const value = draft[i][u];
                    return (
                      <td key={u}>
                        <div
                          className={classes.cell}
                          data-changed={value !== saved[i][u] || undefined}
                          data-focused={(focus.impact === i && focus.urgency === u) || undefined}
                          onMouseEnter={() => setFocus({ impact: i, urgency: u })}
                        >
                          <Select
                            aria-label={`Priority for ${i} impact and ${u} urgency`}
                            data={OPTIONS}
                            value={value}
                            onChange={(v) => {
                              if (!v) return;
                              setDraft({ ...draft, [i]: { ...draft[i], [u]: v as Priority } });
                              setFocus({ impact: i, urgency: u });
                            }}
                            onFocus={() => setFocus({ impact: i, urgency: u })}
                            allowDeselect={false}
                            leftSection={
                              <span aria-hidden="true" style={{ display: "inline-flex" }}>
                                <PriorityIcon priority={value} withTooltip={false} size={14} />
                              </span>
                            }
                            renderOption={({ option }) => (
                              <Group gap={8} wrap="nowrap">
                                <span aria-hidden="true" style={{ display: "inline-flex" }}>
                                  <PriorityIcon priority={option.value as Priority} withTooltip={false} size={14} />
                                </span>
                                {option.label}
                              </Group>
                            )}
                            comboboxProps={{ withinPortal: true }}
                            error={errors[`matrix.${i}.${u}`] ? true : undefined}
                          />
                        </div>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        {changes.length > 0 && (
          <div>
            <Title order={2} fz="sm" mb={4}>
              Not saved yet
            </Title>
            <Stack gap={2} component="ul" style={{ margin: 0, paddingLeft: 18 }}>
              {changes.map((c) => (
                <Text component="li" size="sm" key={`${c.impact}-${c.urgency}`}>
                  {LEVEL_NAMES[c.impact]} impact + {c.urgency} urgency: {c.from} → <strong>{c.to}</strong>
                </Text>
              ))}
            </Stack>
          </div>
        )}

        {warnings.length > 0 && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={16} />} title="More serious, yet a lower priority">
            <Stack gap={2}>
              {warnings.slice(0, 3).map((w) => (
                <Text size="sm" key={w}>
                  {w}
                </Text>
              ))}
              {warnings.length > 3 && <Text size="sm">…and {warnings.length - 3} more.</Text>}
              <Text size="sm" c="dimmed" mt={4}>
                You can save it like this, but usually more impact or urgency never lowers a priority.
              </Text>
            </Stack>
          </Alert>
        )}

        <Alert color="gray" variant="light" icon={<IconInfoCircle size={16} />}>
          Changes apply to tickets created, or whose impact or urgency changes, after you save. Tickets already rated keep their priority, and an agent can still override the priority of any ticket.
        </Alert>
        <SaveError message={form.general ?? (Object.keys(errors).length ? "Every impact × urgency cell needs a priority." : null)} />
      </Stack>
    </Editor>
  );
}

export function PriorityMatrixPage() {
  return (
    <AdminFormPage
      title="Priority matrix"
      description="A ticket's priority comes from its impact (how many people are affected) and its urgency (how soon it hurts)."
      query={usePriorityMatrix()}
      failed="The priority matrix could not be loaded"
      loading={
        <Stack p="lg" gap="sm" aria-busy="true" aria-label="Loading the matrix">
          <Skeleton height={60} />
          <Skeleton height={160} />
        </Stack>
      }
    >
      {(m) => <MatrixEditor saved={m.matrix} />}
    </AdminFormPage>
  );
}
