/**
 * An admin's confirmation before a ticket's SLA is recomputed: each deadline before and after
 * (asked of the server as a dry run) and a change of policy, then the result.
 */
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { SlaTarget, Ticket, TicketSla } from "@tessera/contracts";
import { useEffect, useState } from "react";
import { agentKeys } from "../../api/agent-queries.ts";
import { recomputeTicketSla, slaKeys } from "../../api/sla.ts";
import { BeforeAfterTable } from "../../ui/before-after-table.tsx";
import { errorMessage } from "../../ui/query-state.tsx";
import { formatDue } from "../../ui/sla.ts";
import { targetName } from "../../ui/sla.ts";
import { toast } from "../toast.ts";

export default function RecomputeDialog({ ticket, sla, opened, onClose }: { ticket: Ticket; sla: TicketSla; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  // What recomputing would give, asked of the server without changing anything.
  const preview = useQuery({
    queryKey: ["ticket-sla-recompute-preview", ticket.reference, ticket.version, opened],
    queryFn: () => recomputeTicketSla(ticket.reference, true),
    enabled: opened,
    staleTime: 0,
    gcTime: 0,
  });
  const recompute = useMutation({
    mutationFn: () => recomputeTicketSla(ticket.reference),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: slaKeys.ticket(ticket.reference) });
      void client.invalidateQueries({ queryKey: slaKeys.explain(ticket.reference) });
      void client.invalidateQueries({ queryKey: agentKeys.events(ticket.reference) });
      void client.invalidateQueries({ queryKey: agentKeys.lists });
    },
  });
  // The deadlines as they were when the dialog opened (the card refreshes once it is done).
  const [before, setBefore] = useState(sla.targets);
  const [policyBefore, setPolicyBefore] = useState(sla.policy);
  useEffect(() => {
    if (!opened) return;
    setBefore(sla.targets);
    setPolicyBefore(sla.policy);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when it opens
  }, [opened]);
  const after = recompute.data?.targets ?? preview.data?.targets;
  const close = () => {
    if (recompute.isSuccess) toast({ color: "teal", message: `The SLA of ${ticket.reference} was recomputed; the ticket's history records the deadlines before and after.` });
    recompute.reset();
    onClose();
  };
  const when = (t: SlaTarget | undefined) => (!t ? "—" : t.outcome ? (t.outcome.result === "met" ? "met" : "met late") : t.due_at ? formatDue(t.due_at) : t.state === "paused" ? "paused" : "—");
  const keysOf = (list: SlaTarget[]) => list.map((t) => `${t.kind}-${t.cycle}`);
  const rowKeys = [...new Set([...keysOf(before), ...keysOf(after ?? [])])];
  const rows = rowKeys.map((k) => {
    const old = before.find((b) => `${b.kind}-${b.cycle}` === k);
    const now = after?.find((b) => `${b.kind}-${b.cycle}` === k);
    return { key: k, name: targetName((old ?? now)!), before: when(old), after: after ? when(now) : "…", moved: after ? when(old) !== when(now) : false };
  });
  const policyAfter = (recompute.data ?? preview.data)?.policy;
  const policyChanges = after && (policyAfter?.name ?? null) !== (policyBefore?.name ?? null);
  return (
    <Modal opened={opened} onClose={close} title={recompute.isSuccess ? "SLA recomputed" : `Recompute the SLA of ${ticket.reference}?`} centered size="md">
      <Stack gap="sm">
        {recompute.isSuccess ? (
          <Text size="sm">
            {recompute.data.policy ? `Timed by “${recompute.data.policy.name}”. ` : "No policy matches this ticket any more. "}
            {rows.some((r) => r.moved) ? "The deadlines moved as shown." : "No deadline moved."}
          </Text>
        ) : (
          <Text size="sm">
            The policy is matched again and the clock replayed with today's policies and calendars, from the ticket's first minute; paused time is kept. The ticket's history records the deadlines
            before and after.
          </Text>
        )}
        {policyChanges && (
          <Text size="sm" fw={500}>
            Policy: {policyBefore ? `“${policyBefore.name}”` : "none"} → {policyAfter ? `“${policyAfter.name}”` : "none"}
          </Text>
        )}
        {rows.length > 0 && (
          <BeforeAfterTable
            label="Deadlines"
            heading="Target"
            fz="sm"
            rows={rows}
            cells={(r) => ({ before: { c: r.moved ? "dimmed" : undefined, td: r.moved ? "line-through" : undefined }, after: { fw: r.moved ? 600 : undefined } })}
          />
        )}
        {!recompute.isSuccess && after && !rows.some((r) => r.moved) && !policyChanges && (
          <Text size="xs" c="dimmed">
            Nothing would change: the deadlines already follow today's policies and calendars.
          </Text>
        )}
        {preview.isError && !recompute.isSuccess && (
          <Text size="xs" c="dimmed">
            What would change could not be worked out ({errorMessage(preview.error)}); you can still recompute.
          </Text>
        )}
        {recompute.isError && (
          <Text size="sm" c="red.8" role="alert">
            {errorMessage(recompute.error)}
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          {recompute.isSuccess ? (
            <Button onClick={close}>Done</Button>
          ) : (
            <>
              <Button variant="default" onClick={close} data-autofocus>
                Cancel
              </Button>
              <Button leftSection={<IconRefresh size={14} />} loading={recompute.isPending} onClick={() => recompute.mutate()}>
                Recompute
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
