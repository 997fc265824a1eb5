/**
 * Held mail: a message from someone who is not a party to its ticket (or reusing another
 * message's Message-ID) waits for an agent. Accept it as a reply on the ticket (the sender
 * becomes a watcher), accept it as a ticket of its own, or reject it (it reaches nobody).
 * Used on the ticket (a banner) and in the admin list.
 */
import { Alert, Anchor, Button, Collapse, Group, Modal, Stack, Text } from "@mantine/core";
import { IconDownload, IconHandStop } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { HeldCopies, HeldMail } from "@tessera/contracts";
import { useState } from "react";
import { acceptHeldMail, decideHeldCopies, mailKeys, rejectHeldMail } from "../api/mail.ts";
import { agentKeys } from "../api/agent-queries.ts";
import { keys } from "../api/queries.ts";
import { errorMessage } from "./query-state.tsx";
import { RichText } from "./rich-text.tsx";
import { TimeAgo } from "./time-ago.tsx";

export const HELD_REASONS: Record<HeldMail["reason"], string> = {
  not_a_party: "The sender is not the requester, someone copied in, or an agent of this desk.",
  unverified_agent: "It comes from an agent’s address, but not as a reply to mail Tessera sent that agent, so it could be forged.",
  message_id_reused: "Another message already came with the same Message-ID; this one may be a copy altered on the way.",
  auto_reply_loop: "It answers Tessera’s acknowledgement within minutes, like an autoresponder; another acknowledgement would keep a mail loop going.",
};

export const HELD_STATUS: Record<HeldMail["status"], string> = { held: "Waiting", accepted_reply: "Accepted as a reply", accepted_ticket: "Accepted as a new ticket", rejected: "Rejected" };

/** Accept as reply, accept as a new ticket, reject (asked first), and the original. */
export function HeldDecision({ held, onDecided }: { held: HeldMail; onDecided?: (h: HeldMail) => void }) {
  const client = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const done = (h: HeldMail) => {
    void client.invalidateQueries({ queryKey: mailKeys.allHeld });
    void client.invalidateQueries({ queryKey: mailKeys.ticketMail(h.ticket.reference) });
    void client.invalidateQueries({ queryKey: keys.comments(h.ticket.reference) });
    void client.invalidateQueries({ queryKey: agentKeys.events(h.ticket.reference) });
    void client.invalidateQueries({ queryKey: keys.ticket(h.ticket.reference) });
    setRejecting(false);
    onDecided?.(h);
  };
  const accept = useMutation({ mutationFn: (as: "reply" | "ticket") => acceptHeldMail(held.id, as), onSuccess: done });
  const reject = useMutation({ mutationFn: () => rejectHeldMail(held.id), onSuccess: done });
  const busy = accept.isPending || reject.isPending;
  const error = accept.error ?? reject.error;
  if (held.status !== "held") {
    return (
      <Text size="sm" c="dimmed">
        {HELD_STATUS[held.status]}
        {held.decided_at ? (
          <>
            {" "}
            <TimeAgo iso={held.decided_at} />
          </>
        ) : null}
        .
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Button size="xs" onClick={() => accept.mutate("reply")} loading={accept.isPending && accept.variables === "reply"} disabled={busy}>
          Accept as reply
        </Button>
        <Button size="xs" variant="default" onClick={() => accept.mutate("ticket")} loading={accept.isPending && accept.variables === "ticket"} disabled={busy}>
          Accept as new ticket
        </Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => setRejecting(true)} disabled={busy}>
          Reject
        </Button>
        <Anchor href={held.raw_url} download={`held-${held.id}.eml`} size="xs" ml="auto">
          <IconDownload size={12} aria-hidden="true" style={{ verticalAlign: -1, marginRight: 3 }} />
          Original (.eml)
        </Anchor>
      </Group>
      {error ? (
        <Text size="xs" c="red.8" role="alert">
          {errorMessage(error)}
        </Text>
      ) : null}
      <Modal opened={rejecting} onClose={() => setRejecting(false)} title="Reject this message?" centered size="sm">
        <Stack gap="md">
          <Text size="sm">It stays on record here, but reaches nobody: it is not added to the ticket, and {held.from_address} is not answered.</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRejecting(false)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" onClick={() => reject.mutate()} loading={reject.isPending}>
              Reject
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** On a ticket: one banner per held message, its body on request. */
export function HeldBanner({ held }: { held: HeldMail }) {
  const [reading, setReading] = useState(false);
  return (
    <section aria-label="Held message">
      <Alert color="orange" variant="light" icon={<IconHandStop size={18} />} title={`A message from ${held.from_address} is waiting for you`} mt="sm" role="note">
        <Stack gap="xs">
          <Text size="sm">
            {HELD_REASONS[held.reason]} It is not on the ticket until someone accepts it.{" "}
            <Anchor component="button" size="sm" onClick={() => setReading((r) => !r)} aria-expanded={reading}>
              {reading ? "Hide the message" : "Read the message"}
            </Anchor>
          </Text>
          <Collapse in={reading}>
            <Stack gap={4}>
              <Text size="xs" c="dimmed">
                “{held.subject}” · received <TimeAgo iso={held.received_at} />
              </Text>
              <div style={{ background: "var(--mantine-color-white)", border: "1px solid var(--app-border)", borderRadius: 6, padding: "8px 12px", maxHeight: 320, overflow: "auto" }}>
                <RichText html={held.body} />
              </div>
            </Stack>
          </Collapse>
          <HeldDecision held={held} />
        </Stack>
      </Alert>
    </section>
  );
}

const COPIES_WHY: Record<HeldCopies["reason"], string> = {
  tag_only: "The message was recognised only by the ticket’s tag in its subject, which anyone can type, and its sender is not authenticated.",
  unsigned_thread: "The message does not answer mail Tessera sent, and its sender is not authenticated.",
  tagged_new_ticket: "The message carries another ticket’s tag and its sender is not authenticated.",
};

/**
 * On a ticket: people copied on mail whose sender is not proven. Added as watchers they get the
 * ticket's public replies by mail, so an agent decides.
 */
export function HeldCopiesBanner({ held, ticketKey }: { held: HeldCopies; ticketKey: string }) {
  const client = useQueryClient();
  const decide = useMutation({
    mutationFn: (accept: boolean) => decideHeldCopies(held.id, accept),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: mailKeys.ticketHeldCopies(ticketKey) });
      void client.invalidateQueries({ queryKey: agentKeys.events(ticketKey) });
      void client.invalidateQueries({ queryKey: keys.ticket(ticketKey) });
    },
  });
  const people = held.addresses.map((a) => (a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address)).join(", ");
  return (
    <section aria-label="Held copies">
      <Alert color="orange" variant="light" icon={<IconHandStop size={18} />} title={`${held.from_address} copied in ${people}`} mt="sm" role="note">
        <Stack gap="xs">
          <Text size="sm">{COPIES_WHY[held.reason]} Added as watchers, they would get this ticket’s public replies by mail.</Text>
          <Group gap="xs">
            <Button size="xs" onClick={() => decide.mutate(true)} loading={decide.isPending && decide.variables === true} disabled={decide.isPending}>
              Add as watchers
            </Button>
            <Button size="xs" variant="default" onClick={() => decide.mutate(false)} loading={decide.isPending && decide.variables === false} disabled={decide.isPending}>
              Decline
            </Button>
          </Group>
          {decide.error && (
            <Text size="sm" c="red" role="alert">
              {errorMessage(decide.error)}
            </Text>
          )}
        </Stack>
      </Alert>
    </section>
  );
}
