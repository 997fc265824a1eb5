/**
 * Outgoing mail: whether a mail server is configured and how delivery goes (counts per state,
 * the oldest waiting, the last delivery and error), the outbox (queued, sending, sent, failed
 * with its last error, suppressed with its reason), a retry for a failed message, and the cap
 * on automatic answers.
 */
import { Alert, Anchor, Badge, Button, Group, NumberInput, SegmentedControl, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconCircleCheck, IconRefresh, IconSend } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { OUTBOX_STATES, type MailKind, type MailSettingsInput, type MailStatus, type OutboxItem, type OutboxState } from "@tessera/contracts";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { fetchOutbox, mailKeys, retryOutboxItem, saveMailSettings, useMailStatus } from "../api/mail.ts";
import { formatDateTime } from "../ui/format.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { ActionError, announce, Editor, SaveError } from "./layout.tsx";
import { AdminCollectionPage, FormHeading, useAdminCollection, useAdminForm } from "./scaffold/index.ts";
import { PagedRows } from "./paged-rows.tsx";
import classes from "./admin.module.css";
import mail from "./mail.module.css";
import { ListRow } from "./list-row.tsx";
import { DetailPane, Facts } from "./detail-pane.tsx";

export const KIND_WORDS: Record<MailKind, string> = {
  acknowledgement: "Acknowledgement",
  reply: "Agent reply",
  resolved: "Resolved",
  auto_closed: "Closed automatically",
  mention: "Mention",
  assigned: "Assigned",
};

const STATE_WORDS: Record<OutboxState, string> = { queued: "Queued", sending: "Sending", sent: "Sent", failed: "Failed", suppressed: "Not sent" };
const STATE_COLOR: Record<OutboxState, string> = { queued: "gray", sending: "indigo", sent: "teal", failed: "red", suppressed: "gray" };

function StateBadge({ state }: { state: OutboxState }) {
  return (
    <Badge variant={state === "failed" ? "filled" : "light"} color={STATE_COLOR[state]} size="sm" style={{ flexShrink: 0 }}>
      {STATE_WORDS[state]}
    </Badge>
  );
}

function StatusSummary({ status }: { status: MailStatus }) {
  return (
    <Stack gap="sm" p="sm">
      {!status.smtp_configured ? (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="No mail server is configured">
          Mail waits in the outbox until one is: set TESSERA_SMTP_URL (or TESSERA_SMTP_HOST and its companions) and restart Tessera.
        </Alert>
      ) : status.last_error ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`Delivery through ${status.smtp_server} has trouble`}>
          <Text size="sm">{status.last_error.message}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            <TimeAgo iso={status.last_error.at} />
            {" · "}
            <Anchor component={Link} to={`/admin/outgoing-mail/${status.last_error.outbox_id}`} size="xs">
              the message
            </Anchor>
          </Text>
        </Alert>
      ) : (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title={`Sending through ${status.smtp_server}`}>
          {status.last_delivery_at ? (
            <>
              Last delivery <TimeAgo iso={status.last_delivery_at} />.
            </>
          ) : (
            "Nothing delivered yet."
          )}
        </Alert>
      )}
      <Group gap="xs" wrap="wrap">
        {OUTBOX_STATES.map((s) => (
          <div key={s} className={mail.stat} data-bad={(s === "failed" && status.counts[s] > 0) || undefined}>
            <div className={mail.statValue}>{status.counts[s] ?? 0}</div>
            <div className={mail.statLabel}>{STATE_WORDS[s]}</div>
          </div>
        ))}
      </Group>
      <Text size="xs" c="dimmed">
        From {status.from}
        {status.oldest_queued_at ? <> · oldest waiting since {formatDateTime(status.oldest_queued_at)}</> : null}
      </Text>
    </Stack>
  );
}

function OutboxDetail({ item }: { item: OutboxItem }) {
  const client = useQueryClient();
  const retry = useMutation({
    mutationFn: () => retryOutboxItem(item.id),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: mailKeys.allOutbox });
      void client.invalidateQueries({ queryKey: mailKeys.status });
      announce(`The message to ${item.to.address} is queued again.`);
    },
  });
  return (
    <DetailPane
      label="Outgoing message"
      back={{ to: "/admin/outgoing-mail", label: "The outbox" }}
      title={item.subject ?? `${KIND_WORDS[item.kind]} for ${item.reference}`}
      sub={`To ${item.to.name ? `${item.to.name} <${item.to.address}>` : item.to.address}`}
      badge={<StateBadge state={item.state} />}
      gap="md"
    >
      {item.state === "failed" && item.last_error && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Delivery failed" mb="md">
          {item.last_error}
        </Alert>
      )}
      {item.state === "suppressed" && item.skip_reason && (
        <Alert color="gray" variant="light" title="Not sent, on purpose" mb="md">
          {item.skip_reason}
        </Alert>
      )}
      <Facts
        facts={[
          ["What", KIND_WORDS[item.kind]],
          [
            "Ticket",
            <Anchor key="ticket" component={Link} to={`/agent/tickets/${item.reference}`} size="sm">
              {item.reference}
            </Anchor>,
          ],
          ["Queued", formatDateTime(item.created_at)],
          ["Attempts", item.attempts],
          ["Next attempt", item.next_attempt_at ? formatDateTime(item.next_attempt_at) : null],
          ["Last error", item.state !== "failed" && item.last_error ? item.last_error : null],
          ["Sent", item.sent_at ? formatDateTime(item.sent_at) : null],
          ["Message-ID", item.message_id || null, "mono"],
        ]}
      />
      {item.state === "failed" && (
        <Stack gap="xs" mt="lg" align="flex-start">
          <Button leftSection={<IconRefresh size={16} />} onClick={() => retry.mutate()} loading={retry.isPending}>
            Retry
          </Button>
          <Text size="xs" c="dimmed">
            Sends it again with a fresh count of attempts. Fix the cause first if the error names one (a wrong address, a full mailbox).
          </Text>
          <ActionError title="Not retried" error={retry.error} />
        </Stack>
      )}
    </DetailPane>
  );
}

function SettingsEditor({ status }: { status: MailStatus }) {
  const client = useQueryClient();
  const form = useAdminForm<number | "", MailSettingsInput>({
    base: status.auto_reply_per_hour,
    fields: ["auto_reply_per_hour"],
    save: (value) => saveMailSettings({ auto_reply_per_hour: Number(value) }),
    draftOf: (s) => s.auto_reply_per_hour,
    onSaved: (s) => client.setQueryData<MailStatus>(mailKeys.status, (old) => (old ? { ...old, auto_reply_per_hour: s.auto_reply_per_hour } : old)),
  });
  const value = form.draft;
  return (
    <Editor label="Mail settings" {...form.editorProps}>
      <FormHeading title="Settings">The mail server and sender are set in Tessera’s configuration (see the README); this is what can change while it runs.</FormHeading>
      <NumberInput
        label="Automatic answers per address and hour"
        description="At most this many acknowledgements go to one address in an hour; more would be a mail loop with another robot. Replies written by agents are never held back."
        min={1}
        max={1000}
        value={value}
        onChange={(v) => form.setDraft(typeof v === "number" ? v : "")}
        error={form.errors.auto_reply_per_hour ?? (value === "" ? "Give a number from 1 to 1000" : undefined)}
        maw={360}
      />
      <SaveError message={form.general} />
      <Text size="sm" c="dimmed" mt="xl">
        Pick a message in the outbox to see its attempts and errors; a failed one can be sent again.
      </Text>
    </Editor>
  );
}

export function OutgoingMailPage() {
  const [params, setParams] = useSearchParams();
  const state = OUTBOX_STATES.find((s) => s === params.get("state"));
  const status = useMailStatus();
  const outbox = useInfiniteQuery({
    queryKey: mailKeys.outbox(state),
    queryFn: ({ pageParam }) => fetchOutbox(state, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 15_000,
  });
  const items = useMemo(() => outbox.data?.pages.flatMap((p) => p.items), [outbox.data]);
  const collection = useAdminCollection({ query: { ...outbox, data: items }, queryKey: mailKeys.outbox(state), path: "/admin/outgoing-mail", keepSearch: true });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Every message Tessera sends goes through this outbox: replies, acknowledgements, resolution mail and notices to agents."
      what="the outbox"
      listLabel="Outbox"
      wide
      listHeader={
        <>
          {status.data ? (
            <StatusSummary status={status.data} />
          ) : status.isPending ? (
            <div style={{ padding: 12 }}>
              <ListSkeleton rows={1} label="Loading mail status" />
            </div>
          ) : null}
          <div style={{ padding: "4px 12px 0" }}>
            <SegmentedControl
              size="xs"
              fullWidth
              aria-label="Show"
              data={[{ value: "all", label: "All" }, ...OUTBOX_STATES.map((s) => ({ value: s, label: STATE_WORDS[s] }))]}
              value={state ?? "all"}
              onChange={(v) => setParams(v === "all" ? {} : { state: v })}
            />
          </div>
        </>
      }
      list={(all) => (
        <PagedRows query={outbox} items={all} empty={state ? `No ${STATE_WORDS[state].toLowerCase()} messages.` : "Nothing has been sent yet."} moreLabel="Show older messages">
          {(i) => (
            <ListRow
              key={i.id}
              to={collection.hrefOf(i)}
              lead={<IconSend size={16} color="var(--mantine-color-gray-5)" aria-hidden="true" style={{ flexShrink: 0 }} />}
              title={i.subject ?? `${KIND_WORDS[i.kind]} · ${i.reference}`}
              aside={<StateBadge state={i.state} />}
              sub={
                <>
                  {i.to.address} · {KIND_WORDS[i.kind]} · <TimeAgo iso={i.sent_at ?? i.created_at} />
                  {i.state === "queued" && i.attempts > 0 && i.next_attempt_at ? (
                    <>
                      {" "}
                      · attempt {i.attempts + 1} at {formatDateTime(i.next_attempt_at)}
                    </>
                  ) : null}
                </>
              }
            >
              {i.state === "failed" && i.last_error && <div className={mail.rowError}>{i.last_error}</div>}
              {i.state === "suppressed" && i.skip_reason && <div className={classes.rowSub}>{i.skip_reason}</div>}
            </ListRow>
          )}
        </PagedRows>
      )}
      editor={(i) => <OutboxDetail key={i.id} item={i} />}
      pick={
        status.data ? (
          <SettingsEditor status={status.data} />
        ) : status.isError ? (
          <Stack p="lg">
            <LoadError error={status.error} onRetry={() => void status.refetch()} title="Mail status could not be loaded" />
          </Stack>
        ) : null
      }
      missing={
        <Stack p="lg" gap="xs">
          <Text size="sm">This message is not among those listed{state ? ` as ${STATE_WORDS[state].toLowerCase()}` : ""}.</Text>
          <Anchor component={Link} to={`/admin/outgoing-mail/${collection.picked}`} onClick={() => setParams({})} size="sm">
            Show all states
          </Anchor>
        </Stack>
      }
    />
  );
}
