// SLA policy editor: the live preview of when a ticket created now would be due.
import { Group, SegmentedControl, Select, Skeleton, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { PRIORITIES, TICKET_TYPES, type Priority, type TicketType } from "@tessera/contracts";
import { useState } from "react";
import { previewSla } from "../api/sla.ts";
import { errorMessage } from "../ui/query-state.tsx";
import { KIND_LABELS } from "../ui/sla.ts";
import { targetsOf, TYPE_LABELS, type PolicyDraft } from "./sla-policy-draft.ts";
import sla from "./sla-admin.module.css";

export function Preview({ draft }: { draft: PolicyDraft }) {
  const [priority, setPriority] = useState<Priority>("P2");
  const [type, setType] = useState<TicketType>("incident");
  const [at, setAt] = useState("");
  const targets = targetsOf(draft.targets[priority]);
  const input = draft.calendar_id && targets ? { calendar_id: Number(draft.calendar_id), targets, priority, type, ...(at ? { created_at: new Date(at).toISOString() } : {}) } : null;
  const [debounced] = useDebouncedValue(input, 300);
  const preview = useQuery({
    queryKey: ["sla-preview", debounced],
    queryFn: ({ signal }) => previewSla(debounced!, signal),
    enabled: !!debounced,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  return (
    <section className={sla.preview} aria-label="Preview" aria-live="polite">
      <Group gap="xs" mb={8} wrap="wrap">
        <Text size="sm" fw={600}>
          Preview:
        </Text>
        <SegmentedControl size="xs" data={[...PRIORITIES]} value={priority} onChange={(v) => setPriority(v as Priority)} aria-label="Priority to preview" />
        <Select
          size="xs"
          w={150}
          data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
          value={type}
          onChange={(v) => v && setType(v as TicketType)}
          allowDeselect={false}
          aria-label="Type to preview"
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput size="xs" type="datetime-local" value={at} onChange={(e) => setAt(e.currentTarget.value)} aria-label="Created at (empty: now)" w={190} />
      </Group>
      {!targets ? (
        <Text size="sm">A {priority} ticket has no SLA under this policy.</Text>
      ) : preview.isError ? (
        <Text size="sm" c="red.8">
          {errorMessage(preview.error)}
        </Text>
      ) : !preview.data ? (
        <Skeleton height={40} />
      ) : (
        <>
          <Text size="sm">
            A {priority} {TYPE_LABELS[type].toLowerCase()} created {at ? "at that time" : "now"} is due:
          </Text>
          <Stack gap={2} component="ul" mt={4} style={{ margin: 0, paddingLeft: 18 }}>
            {preview.data.targets.map((t) => (
              <Text component="li" size="sm" key={t.kind}>
                <b>{KIND_LABELS[t.kind]}</b> by {t.due_local}
                {t.kind === "next_response" ? ", and again after each later requester message" : ""}
              </Text>
            ))}
          </Stack>
          <Text size="xs" mt={4} opacity={0.8}>
            Counted in “{preview.data.calendar.name}” ({preview.data.calendar.time_zone}).
          </Text>
        </>
      )}
    </section>
  );
}
