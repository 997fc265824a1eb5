/**
 * What a requester is promised, under the status timeline: "We aim to reply by …" and "We aim to
 * resolve this by …", from the requester's view of the ticket's SLA (expected and done times,
 * nothing internal). A time that has passed is owned up to kindly; while the ticket waits for
 * the requester there is no time to give; a ticket without an SLA shows nothing.
 */
import { Group, Text } from "@mantine/core";
import { IconCircleCheck, IconClock, IconHourglass } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { RequesterSla, Ticket, TicketSlaView } from "@tessera/contracts";
import type { ReactNode } from "react";
import { fetchTicketSla, slaKeys } from "../api/sla.ts";
import { formatDue, useMinuteClock } from "../ui/sla.ts";

type Expectation = RequesterSla["first_response"];

/** Staff looking at the portal get the agent's view; only the same two times are used from it. */
function requesterView(v: TicketSlaView): Pick<RequesterSla, "first_response" | "resolution"> {
  if (v.audience === "requester") return v;
  const pick = (kind: "first_response" | "resolution"): Expectation => {
    const t = v.targets.find((x) => x.kind === kind && x.cycle === 1);
    return t ? { expected_at: t.met_at ? null : t.due_at, done_at: t.met_at } : null;
  };
  return { first_response: pick("first_response"), resolution: pick("resolution") };
}

function Line({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <Group gap={8} wrap="nowrap" align="flex-start">
      <Text c="gray.6" style={{ display: "inline-flex", paddingTop: 2 }} aria-hidden="true">
        {icon}
      </Text>
      <Text size="sm">{children}</Text>
    </Group>
  );
}

function Expected({ e, aim, done, late, nowMs }: { e: Expectation; aim: string; done: string; late: string; nowMs: number }) {
  if (!e) return null;
  if (e.done_at)
    return (
      <Line icon={<IconCircleCheck size={16} color="var(--mantine-color-teal-6)" />}>
        {done} {formatDue(e.done_at)}.
      </Line>
    );
  if (e.expected_at && Date.parse(e.expected_at) <= nowMs) return <Line icon={<IconHourglass size={16} />}>{late}</Line>;
  if (e.expected_at)
    return (
      <Line icon={<IconClock size={16} />}>
        {aim} {formatDue(e.expected_at)}.
      </Line>
    );
  return null;
}

export function SlaExpectations({ ticket }: { ticket: Ticket }) {
  useMinuteClock();
  const sla = useQuery({ queryKey: [...slaKeys.ticket(ticket.reference), ticket.version], queryFn: () => fetchTicketSla(ticket.reference), staleTime: 60_000 });
  if (!sla.data) return null;
  const v = requesterView(sla.data);
  const category = ticket.status.category;
  const finished = category === "resolved" || category === "closed" || category === "cancelled";
  const waiting = category === "awaiting_requester";
  const nowMs = Date.now();
  const reply = finished ? null : v.first_response;
  const resolve = category === "cancelled" ? null : v.resolution;
  const lines = [
    reply ? (
      <Expected
        key="reply"
        e={reply}
        nowMs={nowMs}
        aim="We aim to reply by"
        done="We first replied on"
        late="Our first reply is taking longer than we aimed for. Sorry for the wait: it is on its way."
      />
    ) : null,
    resolve ? (
      <Expected
        key="resolve"
        e={resolve}
        nowMs={nowMs}
        aim="We aim to resolve this by"
        done="Resolved on"
        late="This is taking longer to resolve than we aimed for. We are still on it, and will keep you posted."
      />
    ) : null,
  ];
  const hasAny = [reply, resolve].some((e) => e && (e.done_at || e.expected_at));
  if (!hasAny) return null;
  return (
    <section aria-label="When to expect an answer" style={{ marginTop: 12, display: "flex", flexDirection: "column", gap: 6 }}>
      {lines}
      {waiting && (
        <Text size="xs" c="dimmed">
          While we wait for your answer, our target times are on hold; they start again once you reply.
        </Text>
      )}
    </section>
  );
}
