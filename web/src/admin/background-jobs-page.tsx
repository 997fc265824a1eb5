/**
 * Background jobs: the dead-letter list. A job (mail, a webhook, a report ...) whose last try
 * failed waits here with its error; an admin retries it (queued again, due now) or discards it.
 * Self-contained: its own queries, so it moves with the admin pages as they are restructured.
 */
import { Badge, Button, Code, Group, Paper, Stack, Text } from "@mantine/core";
import { IconRefresh, IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DeadJob, Page } from "@tessera/contracts";
import { z } from "zod";
import { api } from "../api/client.ts";
import { formatDateTime } from "../ui/format.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { ActionError, AdminPage, announce, ConfirmDialog } from "./layout.tsx";
import { useConfirmedAction } from "./scaffold/index.ts";

const deadJobsKey = ["admin", "jobs", "dead"] as const;
const fetchDeadJobs = () => api("/api/jobs/dead?limit=200", Page(DeadJob));
const retryJob = (id: number) => api(`/api/jobs/${id}/retry`, z.object({ id: z.number() }), { method: "POST" });
const discardJob = (id: number) => api(`/api/jobs/${id}`, DeadJob, { method: "DELETE" });

function DeadJobRow({ job }: { job: DeadJob }) {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: deadJobsKey });
  const retry = useMutation({
    mutationFn: () => retryJob(job.id),
    onSuccess: () => {
      announce(`Job ${job.id} (${job.kind}) is queued again.`);
      refresh();
    },
  });
  const discard = useConfirmedAction(
    () => discardJob(job.id),
    () => {
      announce(`Job ${job.id} (${job.kind}) was discarded.`);
      refresh();
    },
  );
  return (
    <Paper component="li" withBorder p="md" radius="md" aria-label={`Job ${job.id}: ${job.kind}`} style={{ listStyle: "none", minWidth: 0 }}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <div style={{ minWidth: 0, flex: "1 1 16rem" }}>
          <Group gap={8} wrap="wrap">
            <Text fw={600}>{job.kind}</Text>
            <Badge variant="light" color="red">
              {job.attempts} of {job.max_attempts} {job.max_attempts === 1 ? "try" : "tries"} failed
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" mt={2}>
            Job {job.id} · queued {formatDateTime(job.created_at)} · gave up <TimeAgo iso={job.dead_at} />
          </Text>
        </div>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconRefresh size={14} />} onClick={() => retry.mutate()} loading={retry.isPending}>
            Retry
          </Button>
          <Button size="xs" color="red" variant="light" leftSection={<IconTrash size={14} />} onClick={() => discard.ask()}>
            Discard
          </Button>
        </Group>
      </Group>
      <Code block mt="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} aria-label="Last error">
        {job.last_error ?? "No error was recorded."}
      </Code>
      <ActionError title="It was not retried" error={retry.error} mt="sm" />
      <ConfirmDialog {...discard.dialog} title={`Discard job ${job.id}?`} confirmLabel="Discard">
        <Text size="sm">It is deleted for good and never runs. What it was meant to do ({job.kind}) does not happen.</Text>
      </ConfirmDialog>
    </Paper>
  );
}

export function BackgroundJobsPage() {
  const dead = useQuery({ queryKey: deadJobsKey, queryFn: fetchDeadJobs });
  return (
    <AdminPage
      title="Background jobs"
      description="Work Tessera does after the fact is retried with growing pauses when it fails. A job whose last try failed stops here: retry it once the cause is fixed, or discard it."
    >
      <div style={{ padding: "16px 20px 24px" }}>
        {dead.isPending ? (
          <ListSkeleton label="Loading failed jobs" />
        ) : dead.isError ? (
          <LoadError title="Failed jobs could not be loaded" error={dead.error} onRetry={() => void dead.refetch()} />
        ) : dead.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No failed jobs. Every background job finished or is still being tried.
          </Text>
        ) : (
          <Stack component="ul" gap="sm" p={0} m={0} aria-label="Failed jobs">
            {dead.data.items.map((j) => (
              <DeadJobRow key={j.id} job={j} />
            ))}
          </Stack>
        )}
      </div>
    </AdminPage>
  );
}
