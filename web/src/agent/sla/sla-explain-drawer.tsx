/**
 * "Explain this SLA": how each deadline was computed and the clock's life (counting, outside
 * business hours, holidays, paused and why), as sentences an agent can read out to the
 * requester, from GET /api/tickets/:id/sla/explain. Loaded only when an agent asks for it.
 */
import { Alert, Button, CopyButton, Drawer, Group, Skeleton, Stack, Text, Timeline, Title } from "@mantine/core";
import { IconBeach, IconCheck, IconCopy, IconHistory, IconMoon, IconPlayerPauseFilled, IconPlayerPlayFilled, IconPlayerStopFilled, IconClockPause } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { SlaExplain } from "@tessera/contracts";
import type { ReactNode } from "react";
import { fetchSlaExplain, slaKeys } from "../../api/sla.ts";
import { formatDateTime } from "../../ui/format.ts";
import { LoadError } from "../../ui/query-state.tsx";

type Stretch = SlaExplain["timeline"][number];

const STRETCH: Record<Stretch["kind"], { icon: ReactNode; color: string; title: string }> = {
  counting: { icon: <IconPlayerPlayFilled size={11} />, color: "indigo", title: "Counting" },
  outside_hours: { icon: <IconMoon size={12} />, color: "gray", title: "Outside business hours" },
  holiday: { icon: <IconBeach size={12} />, color: "gray", title: "Holiday" },
  paused: { icon: <IconPlayerPauseFilled size={11} />, color: "yellow", title: "Paused" },
  stopped: { icon: <IconPlayerStopFilled size={11} />, color: "teal", title: "Stopped" },
  not_started: { icon: <IconClockPause size={12} />, color: "gray", title: "Not started" },
};

/** The explanation as plain text, to paste into a reply. */
function asText(x: SlaExplain): string {
  return [x.summary, "", ...x.deadlines.map((d) => d.sentence)].join("\n");
}

/** A part of the explanation under its heading, which names it for screen readers. */
function ExplainSection({ id, title, gap, children }: { id: string; title: ReactNode; gap: number; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <Title order={3} fz="sm" id={id} mb={gap}>
        {title}
      </Title>
      {children}
    </section>
  );
}

function Explanation({ x }: { x: SlaExplain }) {
  // Newest last, as the clock ran; long histories show their latest stretches.
  return (
    <Stack gap="lg">
      <div>
        <Text size="sm">{x.summary}</Text>
        {x.deadlines.length > 0 && (
          <CopyButton value={asText(x)}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" mt={6} leftSection={copied ? <IconCheck size={13} /> : <IconCopy size={13} />} onClick={copy}>
                {copied ? "Copied" : "Copy to paste in a reply"}
              </Button>
            )}
          </CopyButton>
        )}
      </div>
      {x.deadlines.length > 0 && (
        <ExplainSection id="explain-deadlines" gap={6} title="How each deadline was set">
          <Stack gap={8} component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {x.deadlines.map((d) => (
              <Text component="li" size="sm" key={`${d.kind}-${d.cycle}`} style={{ borderLeft: "3px solid var(--mantine-color-indigo-2)", paddingLeft: 8 }}>
                {d.sentence}
              </Text>
            ))}
          </Stack>
        </ExplainSection>
      )}
      {x.timeline.length > 0 && (
        <ExplainSection id="explain-timeline" gap={8} title="The clock, step by step">
          {x.truncated && (
            <Text size="xs" c="dimmed" mb={6}>
              A long history: only the most recent stretches are shown.
            </Text>
          )}
          <Timeline bulletSize={20} lineWidth={2} aria-label="SLA clock timeline">
            {x.timeline.map((e, i) => {
              const look = STRETCH[e.kind];
              return (
                <Timeline.Item
                  key={i}
                  bullet={look.icon}
                  color={look.color}
                  title={
                    <Text size="xs" fw={600}>
                      {e.kind === "holiday" && e.reason ? `Holiday: ${e.reason}` : look.title}
                    </Text>
                  }
                >
                  <Text size="sm">{e.sentence}</Text>
                </Timeline.Item>
              );
            })}
          </Timeline>
        </ExplainSection>
      )}
      {x.changes.length > 0 && (
        <ExplainSection
          id="explain-changes"
          gap={6}
          title={
            <>
              <IconHistory size={14} style={{ verticalAlign: -2, marginRight: 4 }} aria-hidden="true" />
              Policy changes, warnings and breaches
            </>
          }
        >
          <Stack gap={4} component="ul" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {x.changes.map((c, i) => (
              <Text component="li" size="sm" key={i}>
                <Text span size="xs" c="dimmed" className="tabular">
                  {formatDateTime(c.at)}
                </Text>{" "}
                {c.sentence}
              </Text>
            ))}
          </Stack>
        </ExplainSection>
      )}
    </Stack>
  );
}

export default function ExplainDrawer({ ticketKey, opened, onClose }: { ticketKey: string; opened: boolean; onClose: () => void }) {
  const explain = useQuery({ queryKey: slaKeys.explain(ticketKey), queryFn: () => fetchSlaExplain(ticketKey), staleTime: 30_000 });
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size={520} title={<Text fw={600}>How the SLA of {ticketKey} is counted</Text>}>
      {explain.isPending ? (
        <Stack gap="sm" aria-label="Loading the explanation">
          <Skeleton height={14} />
          <Skeleton height={14} width="80%" />
          <Skeleton height={120} />
        </Stack>
      ) : explain.isError ? (
        <LoadError error={explain.error} onRetry={() => void explain.refetch()} title="The explanation could not be loaded" />
      ) : !explain.data.policy && !explain.data.timeline.length ? (
        <Alert color="gray" variant="light">
          {explain.data.summary}
        </Alert>
      ) : (
        <Explanation x={explain.data} />
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
      </Group>
    </Drawer>
  );
}
