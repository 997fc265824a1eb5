/**
 * The SLA card of the ticket's details panel: the policy and calendar, each target with its
 * deadline and where it stands (running, paused, met or breached, and by how much), and the
 * time the clock spent paused. "Explain" opens a drawer with the clock's timeline in words;
 * admins can recompute the deadlines after a policy or calendar changed, confirming first and
 * seeing what moved. Loaded after the ticket itself (it is not needed for the first paint).
 */
import { Button, Group, Skeleton, Stack, Text, Tooltip } from "@mantine/core";
import { IconAlarm, IconCheck, IconFlame, IconInfoCircle, IconPlayerPauseFilled, IconPlayerStopFilled, IconRefresh } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { SlaTarget, Ticket, TicketSla } from "@tessera/contracts";
import { lazy, Suspense, useState } from "react";
import { useSignedInUser } from "../../api/queries.ts";
import { fetchTicketSla, slaKeys } from "../../api/sla.ts";
import { useOpenedOnce } from "../../ui/opened-once.ts";
import { LoadError } from "../../ui/query-state.tsx";
import { formatCountdown, formatDue, formatMinutes, targetName, useMinuteClock } from "../../ui/sla.ts";
import { CATEGORY_LABELS } from "../list/filter-bar.tsx";
import classes from "../ticket/ticket-pane.module.css";

const ExplainDrawer = lazy(() => import("./sla-explain-drawer.tsx"));
/** An admin's Recompute confirmation, loaded when it is first opened. */
const RecomputeDialog = lazy(() => import("./sla-recompute-dialog.tsx"));

/** Where a target stands, in words and with an icon that carries the same meaning. */
function TargetState({ target, nowMs }: { target: SlaTarget; nowMs: number }) {
  const o = target.outcome;
  if (o) {
    const met = o.result === "met";
    return (
      <Text size="xs" c={met ? "teal.8" : "red.8"} className={classes.slaState}>
        {met ? <IconCheck size={12} aria-hidden="true" /> : <IconFlame size={12} aria-hidden="true" />}
        {met ? `Met, ${formatCountdown(o.by_business_seconds)} to spare` : `Met late, by ${formatCountdown(o.by_business_seconds)}`}
      </Text>
    );
  }
  if (target.state === "paused") {
    return (
      <Text size="xs" c="gray.7" className={classes.slaState}>
        <IconPlayerPauseFilled size={10} aria-hidden="true" /> Paused, {formatCountdown(target.remaining_business_seconds)} left
      </Text>
    );
  }
  if (target.state === "stopped") {
    return (
      <Text size="xs" c="gray.7" className={classes.slaState}>
        <IconPlayerStopFilled size={10} aria-hidden="true" /> Stopped
      </Text>
    );
  }
  const left = target.due_at ? Math.round((Date.parse(target.due_at) - nowMs) / 1000) : target.remaining_business_seconds;
  if (target.state === "breached" || left <= 0) {
    return (
      <Text size="xs" c="red.8" fw={600} className={classes.slaState}>
        <IconFlame size={12} aria-hidden="true" /> Breached, {formatCountdown(Math.min(left, -1))} overdue
      </Text>
    );
  }
  const risky = (target.warn_at !== null && Date.parse(target.warn_at) <= nowMs) || left <= 15 * 60;
  return (
    <Text size="xs" c={risky ? "yellow.9" : "gray.7"} fw={risky ? 600 : 400} className={classes.slaState}>
      <IconAlarm size={12} aria-hidden="true" /> {risky ? "At risk" : "Running"}, due in {formatCountdown(left)}
    </Text>
  );
}

const clockTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** The clock's pause history in words; a pause going on now counts, even one that began this minute. */
function pauseHistory(clock: TicketSla["clock"]): string {
  if (clock.pauses === 0) return "Never paused.";
  if (clock.state === "paused" && clock.pauses === 1 && clock.since) return `Paused now since ${clockTime.format(new Date(clock.since))}; it does not count.`;
  const times = `${clock.pauses} time${clock.pauses === 1 ? "" : "s"}`;
  const spent = clock.paused_seconds > 0 ? `, ${formatCountdown(clock.paused_seconds)}` : "";
  return clock.state === "paused" ? `Paused ${times}${spent} so far; it does not count.` : `Paused ${times}${spent} in all; it does not count.`;
}

/** First response, the newest next response, resolution; earlier next responses as a tally. */
function shownTargets(targets: SlaTarget[]) {
  const next = targets.filter((t) => t.kind === "next_response");
  const latest = next[next.length - 1];
  const earlier = next.slice(0, -1);
  return {
    shown: targets.filter((t) => t.kind !== "next_response" || t === latest),
    earlierMet: earlier.filter((t) => t.outcome?.result === "met").length,
    earlierLate: earlier.filter((t) => t.outcome?.result === "breached").length,
  };
}

function SlaBody({ ticket, sla }: { ticket: Ticket; sla: TicketSla }) {
  useMinuteClock();
  const nowMs = Date.now();
  const me = useSignedInUser();
  const [explaining, setExplaining] = useState(false);
  const [recomputing, setRecomputing] = useState(false);
  const recomputeMounted = useOpenedOnce(recomputing);
  const isAdmin = me.role === "admin";
  const { shown, earlierMet, earlierLate } = shownTargets(sla.targets);
  const clock = sla.clock;
  return (
    <>
      {sla.policy ? (
        <Text size="sm" fw={500} lh={1.3}>
          {sla.policy.name}
          <Text span size="xs" c="dimmed" fw={400}>
            {" "}
            · {sla.priority}
            {sla.calendar ? ` · ${sla.calendar.name} (${sla.calendar.time_zone})` : ""}
          </Text>
        </Text>
      ) : (
        <Text size="xs" c="dimmed">
          No SLA policy applies to this ticket, so it has no deadlines.
        </Text>
      )}
      {shown.length > 0 && (
        <Stack gap={8} mt={8} component="ul" className={classes.plainList} aria-label="SLA targets">
          {shown.map((t) => (
            <li key={`${t.kind}-${t.cycle}`} className={classes.slaTarget}>
              <Group justify="space-between" gap={6} wrap="nowrap">
                <Text size="xs" fw={600}>
                  {targetName(t)}
                </Text>
                <Text size="xs" c="dimmed" className="tabular">
                  {formatMinutes(t.target_minutes)}
                </Text>
              </Group>
              <TargetState target={t} nowMs={nowMs} />
              <Text size="xs" c="dimmed" className="tabular">
                {t.met_at ? `Done ${formatDue(t.met_at)}` : t.due_at ? `Due ${formatDue(t.due_at)}` : "No due time while the clock is paused"}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      {earlierMet + earlierLate > 0 && (
        <Text size="xs" c="dimmed" mt={6}>
          Earlier next responses: {earlierMet} met{earlierLate ? `, ${earlierLate} late` : ""}
        </Text>
      )}
      {sla.policy && (
        <Text size="xs" c="dimmed" mt={8}>
          {clock.state === "paused" ? `Clock paused${clock.pause_reason ? ` (${CATEGORY_LABELS[clock.pause_reason].toLowerCase()})` : ""}. ` : clock.state === "stopped" ? "Clock stopped. " : ""}
          {pauseHistory(clock)}
        </Text>
      )}
      <Group gap={6} mt={10}>
        <Button size="compact-xs" variant="light" leftSection={<IconInfoCircle size={13} />} onClick={() => setExplaining(true)}>
          Explain
        </Button>
        {isAdmin && (
          <Tooltip label="Match the policy again and recompute the deadlines with today's policies and calendars" multiline w={240}>
            <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconRefresh size={13} />} onClick={() => setRecomputing(true)}>
              Recompute
            </Button>
          </Tooltip>
        )}
      </Group>
      {explaining && (
        <Suspense fallback={null}>
          <ExplainDrawer ticketKey={ticket.reference} opened onClose={() => setExplaining(false)} />
        </Suspense>
      )}
      {isAdmin && recomputeMounted && (
        <Suspense fallback={null}>
          <RecomputeDialog ticket={ticket} sla={sla} opened={recomputing} onClose={() => setRecomputing(false)} />
        </Suspense>
      )}
    </>
  );
}

export default function SlaPanel({ ticket }: { ticket: Ticket }) {
  // Keyed by version: any change to the ticket (a reply, a status) may move the clock.
  const sla = useQuery({ queryKey: [...slaKeys.ticket(ticket.reference), ticket.version], queryFn: () => fetchTicketSla(ticket.reference), staleTime: 60_000 });
  return (
    <section className={classes.card} aria-labelledby="sla-title">
      <Text component="h3" id="sla-title" className={classes.cardTitle}>
        SLA
      </Text>
      {sla.isPending ? (
        <Stack gap={6} aria-label="Loading the SLA">
          <Skeleton height={12} width="70%" />
          <Skeleton height={10} width="50%" />
        </Stack>
      ) : sla.isError ? (
        <LoadError error={sla.error} onRetry={() => void sla.refetch()} title="The SLA could not be loaded" />
      ) : sla.data.audience === "agent" ? (
        <SlaBody ticket={ticket} sla={sla.data} />
      ) : null}
    </section>
  );
}
