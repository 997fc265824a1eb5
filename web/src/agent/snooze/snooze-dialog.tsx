/**
 * `z`: snooze a ticket until later today, tomorrow, next week or a chosen time; or wake it.
 * Presets are buttons (the first has focus, so `z` then Enter snoozes until later today); a
 * custom time uses the browser's own date and time field.
 */
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconAlarm, IconMoon } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { OPEN_CATEGORIES } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { useAgentTicket } from "../../api/agent-queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { snoozeTicket, storeChangedTicket, unsnoozeTicket } from "../../api/replies.ts";
import { formatSnooze, snoozePresets, toLocalInput } from "./snooze-time.ts";
import { toast } from "../toast.ts";
import { useBusy } from "../../ui/use-busy.ts";

export function SnoozeDialog({ ticketKey, onClose }: { ticketKey: string; onClose: () => void }) {
  const client = useQueryClient();
  const ticket = useAgentTicket(ticketKey);
  const t = ticket.data;
  const presets = useMemo(() => snoozePresets(), []);
  const [custom, setCustom] = useState(() => toLocalInput(presets.find((p) => p.id === "tomorrow")!.until));
  const { busy, run } = useBusy();
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(errorMessage(err));
  const active = t?.status.category && (OPEN_CATEGORIES as readonly string[]).includes(t.status.category);

  const snooze = async (until: Date) => {
    if (!t) return;
    if (Number.isNaN(until.getTime())) {
      setError("Pick a date and a time.");
      return;
    }
    setError(null);
    await run(async () => {
      const saved = await snoozeTicket(t.id, until.toISOString());
      storeChangedTicket(client, saved, { refetchLists: true });
      onClose();
      toast({
        color: "gray",
        icon: <IconMoon size={16} />,
        message: `${t.reference} is snoozed until ${formatSnooze(until)}. It is back sooner if ${t.requester.name} replies.`,
      });
    }, fail);
  };

  const wake = async () => {
    if (!t) return;
    await run(async () => {
      storeChangedTicket(client, await unsnoozeTicket(t.id), { refetchLists: true });
      onClose();
      toast({ color: "teal", message: `${t.reference} is awake and back in the queues.` });
    }, fail);
  };

  return (
    <Modal opened onClose={onClose} title={t ? `Snooze ${t.reference}` : "Snooze"} centered size="sm">
      {ticket.isError ? (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(ticket.error)}
        </Alert>
      ) : !t ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : !active ? (
        <Text size="sm">
          {t.reference} is {t.status.label.toLowerCase()}; only open tickets can be snoozed.
        </Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            It leaves My open tickets and the unassigned queue until then, and comes back at once if {t.requester.name} replies.
          </Text>
          {t.snoozed_until && (
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm">
                <IconMoon size={14} style={{ verticalAlign: -2 }} aria-hidden="true" /> Snoozed until {formatSnooze(t.snoozed_until)}
              </Text>
              <Button size="xs" variant="light" leftSection={<IconAlarm size={14} />} onClick={() => void wake()} loading={busy}>
                Wake it now
              </Button>
            </Group>
          )}
          <Stack gap={6} role="group" aria-label="Snooze until">
            {presets.map((p, i) => (
              <Button
                key={p.id}
                variant="default"
                justify="space-between"
                fullWidth
                rightSection={
                  <Text span size="sm" c="dimmed">
                    {formatSnooze(p.until)}
                  </Text>
                }
                onClick={() => void snooze(p.until)}
                disabled={busy}
                data-autofocus={i === 0 || undefined}
              >
                {p.label}
              </Button>
            ))}
          </Stack>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void snooze(new Date(custom));
            }}
          >
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput type="datetime-local" label="Or until" value={custom} min={toLocalInput(new Date())} onChange={(e) => setCustom(e.currentTarget.value)} style={{ flex: 1 }} required />
              <Button type="submit" loading={busy}>
                Snooze
              </Button>
            </Group>
          </form>
          {error && (
            <Alert color="red" variant="light" role="alert" title="Not snoozed">
              {error}
            </Alert>
          )}
        </Stack>
      )}
    </Modal>
  );
}
