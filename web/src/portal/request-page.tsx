import { Anchor, Avatar, Badge, Blockquote, Button, Center, Collapse, Container, Grid, Group, Paper, Skeleton, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconCircleCheck, IconFileSearch, IconLock, IconMessageCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Comment, Ticket } from "@tessera/contracts";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { idempotencyKeys, isNotFound } from "../api/client.ts";
import { addComment, confirmResolution, reopenTicket } from "../api/endpoints.ts";
import { keys, storeTicket, useCategories, useComments, useCustomFields, useSignedInUser, useTicket } from "../api/queries.ts";
import { formatDateTime, initials } from "../ui/format.ts";
import { ErrorAlert, LoadError } from "../ui/query-state.tsx";
import { RichText } from "../ui/rich-text.tsx";
import { StatusPill } from "../ui/status-pill.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { AttachmentLinks, AttachmentsField, useUploads } from "./attachments.tsx";
import { requesterStatus } from "./request-list.tsx";
import { SlaExpectations } from "./sla-expectations.tsx";
import { StatusTimeline } from "./status-timeline.tsx";
import { MailActionNotice, useAskedChoice, useMailAction, type MailAction } from "./mail-action.tsx";
import classes from "./request-page.module.css";
import { GrowingTextarea } from "../ui/growing-textarea.tsx";

/** The words of a message without its markup (DOMParser never runs what it parses). */
function textOf(html: string): string {
  return (new DOMParser().parseFromString(html, "text/html").body.textContent ?? "").replace(/\s+/g, " ").trim();
}

function RequestNotFound({ reference }: { reference: string }) {
  useEffect(() => {
    document.title = "Request not found · Tessera";
  }, []);
  return (
    <Container size="sm" py={64}>
      <Paper p="xl">
        <Stack align="center" gap="sm" ta="center">
          <IconFileSearch size={40} stroke={1.5} color="var(--mantine-color-gray-5)" aria-hidden="true" />
          <Title order={1} fz={20}>
            Request not found
          </Title>
          <Text size="sm" c="dimmed" maw={420}>
            We could not find a request{" "}
            <Text span fw={500} c="dark.6">
              {reference}
            </Text>{" "}
            that you can see. Check the link, or find it among your requests.
          </Text>
          <Group gap="sm" mt="xs" justify="center">
            <Button component={Link} to="/requests?status=all">
              My requests
            </Button>
            <Button component={Link} to="/requests/new" variant="default">
              New request
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Container>
  );
}

interface Message {
  key: string;
  author: { id: number; name: string } | null;
  html: string;
  at: string;
  attachments: Comment["attachments"];
}

function MessageItem({ message, ticket, meId }: { message: Message; ticket: Ticket; meId: number }) {
  const author = message.author;
  const fromDesk = author !== null && author.id !== ticket.requester.id;
  const name = author === null ? "Tessera" : author.id === meId ? `${author.name} (you)` : author.name;
  return (
    <li className={classes.message} data-from={fromDesk ? "desk" : "requester"}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Avatar size={32} radius="xl" color={fromDesk ? "indigo" : "gray"} variant={fromDesk ? "filled" : "light"} aria-hidden="true">
          {author ? initials(author.name) : "T"}
        </Avatar>
        <div className={classes.messageBody}>
          <Group gap={8} wrap="wrap" mb={4}>
            <Text size="sm" fw={600}>
              {name}
            </Text>
            {fromDesk && (
              <Badge size="xs" variant="light" color="indigo" radius="sm">
                Support team
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              <TimeAgo iso={message.at} />
            </Text>
          </Group>
          {message.html.trim() ? (
            <RichText html={message.html} />
          ) : (
            <Text size="sm" c="dimmed" fs="italic">
              No description given.
            </Text>
          )}
          <AttachmentLinks attachments={message.attachments} />
        </div>
      </Group>
    </li>
  );
}

function Conversation({ ticket, comments, meId }: { ticket: Ticket; comments: Comment[]; meId: number }) {
  const messages: Message[] = [
    { key: "description", author: ticket.requester, html: ticket.description, at: ticket.created_at, attachments: ticket.attachments },
    // The server never sends internal notes to requesters; the filter is a second lock on that door.
    ...comments.filter((c) => !c.internal).map((c) => ({ key: `c${c.id}`, author: c.author, html: c.body, at: c.created_at, attachments: c.attachments })),
  ];
  return (
    <Paper component="section" aria-labelledby="conversation-title" className={classes.conversation}>
      <Group justify="space-between" px="md" py="sm" className={classes.conversationHead}>
        <Title order={2} fz="sm" id="conversation-title">
          Conversation
        </Title>
        <Text size="xs" c="dimmed">
          {messages.length === 1 ? "No replies yet" : `${messages.length - 1} ${messages.length === 2 ? "reply" : "replies"}`}
        </Text>
      </Group>
      <ol className={classes.messages}>
        {messages.map((m) => (
          <MessageItem key={m.key} message={m} ticket={ticket} meId={meId} />
        ))}
      </ol>
    </Paper>
  );
}

function ReplyBox({ ticket, textRef }: { ticket: Ticket; textRef: React.RefObject<HTMLTextAreaElement | null> }) {
  const client = useQueryClient();
  const [body, setBody] = useState("");
  const uploads = useUploads();
  const keyFor = useRef(idempotencyKeys()).current;
  const send = useMutation({
    mutationFn: () => {
      const input = { body: body.trim(), format: "text" as const, ...(uploads.ids.length ? { attachment_ids: uploads.ids } : {}) };
      return addComment(ticket.reference, input, keyFor(input));
    },
    onSuccess: () => {
      setBody("");
      uploads.reset();
      void client.invalidateQueries({ queryKey: keys.comments(ticket.reference) });
      void client.invalidateQueries({ queryKey: keys.ticket(ticket.reference) });
      void client.invalidateQueries({ queryKey: keys.allTickets });
      notifications.show({ color: "teal", message: "Reply sent to the support team." });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body.trim()) send.mutate();
  };
  return (
    <Paper p="md" component="form" onSubmit={submit} aria-label="Reply">
      <Stack gap="sm">
        <GrowingTextarea
          ref={textRef}
          label="Your reply"
          placeholder="Write to the support team"
          lines={[3, 12]}
          value={body}
          onChange={setBody}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit(e);
          }}
        />
        <AttachmentsField uploads={uploads} compact />
        <ErrorAlert error={send.error} title="Your reply was not sent" />
        <Group justify="flex-end" gap="sm">
          <Text size="xs" c="dimmed" visibleFrom="sm" mr="auto">
            Ctrl + Enter sends
          </Text>
          <Button type="submit" loading={send.isPending} disabled={!body.trim() || uploads.busy || uploads.failed} leftSection={<IconMessageCircle size={16} />}>
            Send reply
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function ResolutionBox({ ticket, asked }: { ticket: Ticket; asked?: MailAction }) {
  const client = useQueryClient();
  const [reopening, setReopening] = useState(asked === "reopen");
  const choice = useAskedChoice(asked);
  const [why, setWhy] = useState("");
  const confirm = useMutation({
    mutationFn: () => confirmResolution(ticket.reference),
    onSuccess: (t) => {
      storeTicket(client, ticket.reference, t);
      notifications.show({ color: "teal", message: `Thanks! ${t.reference} is closed.` });
    },
  });
  const reopen = useMutation({
    mutationFn: () => reopenTicket(ticket.reference, why.trim()),
    onSuccess: (t) => {
      storeTicket(client, ticket.reference, t);
      setWhy("");
      setReopening(false);
      notifications.show({ color: "indigo", message: `${t.reference} is open again; the support team has your message.` });
    },
  });
  const error = confirm.error ?? reopen.error;
  return (
    <Paper p="md" className={`${classes.resolved} ${choice.className ?? ""}`} component="section" aria-labelledby="resolved-title" ref={choice.box}>
      <Stack gap="sm">
        <Group gap="xs">
          <IconCircleCheck size={20} color="var(--mantine-color-teal-7)" aria-hidden="true" />
          <Title order={2} fz="md" id="resolved-title">
            Did this fix it?
          </Title>
        </Group>
        <Text size="sm">The support team marked this request as resolved. Let them know whether the problem is gone.</Text>
        {asked && (
          <Text size="sm" fw={500}>
            {asked === "confirm"
              ? "You answered “Yes, it is fixed” in our email: click “Yes, mark as solved” to close the request."
              : "You answered “No, it is not fixed” in our email: say what is still wrong and reopen the request."}
          </Text>
        )}
        {ticket.resolution_note && (
          <Blockquote color="teal" p="sm" className={classes.quote}>
            <Text size="sm" className={classes.plain}>
              {ticket.resolution_note}
            </Text>
          </Blockquote>
        )}
        <ErrorAlert error={error} />
        <Group gap="sm">
          <Button ref={choice.yes} onClick={() => confirm.mutate()} loading={confirm.isPending} disabled={reopen.isPending}>
            Yes, mark as solved
          </Button>
          <Button variant="default" onClick={() => setReopening((o) => !o)} aria-expanded={reopening} disabled={confirm.isPending}>
            No, it is not fixed
          </Button>
        </Group>
        <Collapse in={reopening}>
          <Stack gap="sm" mt="xs">
            <GrowingTextarea ref={choice.why} label="What is still wrong?" lines={[3]} value={why} onChange={setWhy} />
            <Group gap="sm">
              <Button onClick={() => reopen.mutate()} loading={reopen.isPending} disabled={!why.trim()}>
                Reopen request
              </Button>
              <Button variant="subtle" color="gray" onClick={() => setReopening(false)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </Collapse>
      </Stack>
    </Paper>
  );
}

function WaitingBox({ ticket, comments, onReply }: { ticket: Ticket; comments: Comment[]; onReply: () => void }) {
  const question = [...comments].reverse().find((c) => !c.internal && c.author && c.author.id !== ticket.requester.id);
  const text = question ? textOf(question.body) : "";
  return (
    <Paper p="md" className={classes.waiting} component="section" aria-labelledby="waiting-title">
      <Stack gap="sm">
        <Title order={2} fz="md" id="waiting-title">
          The support team is waiting for your reply
        </Title>
        {text && (
          <Blockquote color="orange" p="sm" className={classes.quote}>
            <Text size="sm" lineClamp={4}>
              {text}
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              {question?.author?.name}
            </Text>
          </Blockquote>
        )}
        <div>
          <Button variant="default" onClick={onReply}>
            Reply now
          </Button>
        </div>
      </Stack>
    </Paper>
  );
}

function FinishedBox({ ticket }: { ticket: Ticket }) {
  const cancelled = ticket.status.category === "cancelled";
  return (
    <Paper p="md" className={classes.finished} component="section" aria-label="This request is finished">
      <Group justify="space-between" gap="sm">
        <Group gap="xs" wrap="nowrap">
          <IconLock size={18} color="var(--mantine-color-gray-6)" aria-hidden="true" />
          <Text size="sm">{cancelled ? "This request was cancelled." : "This request is closed."} If you need more help, send a new request.</Text>
        </Group>
        <Button component={Link} to="/requests/new" variant="default" size="xs">
          New request
        </Button>
      </Group>
    </Paper>
  );
}

function Details({ ticket }: { ticket: Ticket }) {
  const fields = useCustomFields();
  const categories = useCategories();
  const topic = ticket.category ? (categories.data?.find((c) => c.id === ticket.category!.id)?.path ?? ticket.category.name) : "Not chosen";
  const values = Object.entries(ticket.custom_fields)
    .map(([key, value]) => ({ field: fields.data?.find((f) => f.key === key), value }))
    .filter((x) => x.field && x.value !== null && x.value !== "");
  const rows: Array<[string, React.ReactNode]> = [
    ["Status", <StatusPill key="s" status={requesterStatus(ticket)} size="sm" />],
    [
      "Reference",
      <span key="r" className="tabular">
        {ticket.reference}
      </span>,
    ],
    ["Topic", topic],
    ["Handled by", ticket.team?.name ?? "Not assigned yet"],
    ["Submitted", formatDateTime(ticket.created_at)],
    ["Last update", <TimeAgo key="u" iso={ticket.updated_at} />],
    ...values.map((v): [string, React.ReactNode] => [v.field!.label, typeof v.value === "boolean" ? (v.value ? "Yes" : "No") : String(v.value)]),
  ];
  return (
    <Paper p="md" component="section" aria-labelledby="details-title">
      <Title order={2} fz="sm" id="details-title" mb="sm">
        Details
      </Title>
      <dl className={classes.details}>
        {rows.map(([label, value]) => (
          <div key={label} className={classes.detailRow}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Paper>
  );
}

function RequestSkeleton() {
  return (
    <Container size="lg" py="xl" aria-busy="true" aria-label="Loading the request">
      <Skeleton height={14} width={120} mb="md" />
      <Skeleton height={28} width="60%" mb="lg" />
      <Skeleton height={64} mb="lg" />
      <Skeleton height={180} />
    </Container>
  );
}

export function RequestPage() {
  const { key = "" } = useParams();
  const asked = useMailAction();
  const me = useSignedInUser();
  const ticket = useTicket(key);
  const comments = useComments(key);
  const replyRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (ticket.data) document.title = `${ticket.data.reference} · ${ticket.data.subject} · Tessera`;
  }, [ticket.data]);

  if (ticket.isPending) return <RequestSkeleton />;
  if (ticket.isError) {
    if (isNotFound(ticket.error)) return <RequestNotFound reference={key} />;
    return (
      <Container size="lg" py="xl">
        <LoadError error={ticket.error} onRetry={() => void ticket.refetch()} title="This request could not be loaded" />
      </Container>
    );
  }
  const t = ticket.data;
  const category = t.status.category;
  const finished = category === "closed" || category === "cancelled";
  const thread = comments.data ?? [];
  const replyAllowed = !finished && category !== "resolved";

  return (
    <Container size="lg" py="xl">
      <Anchor component={Link} to="/requests" size="sm" className={classes.back}>
        <IconArrowLeft size={14} aria-hidden="true" /> My requests
      </Anchor>
      <Group gap="sm" mt="sm" mb={4} wrap="wrap">
        <Text size="sm" c="dimmed" className="tabular">
          {t.reference}
        </Text>
        <StatusPill status={requesterStatus(t)} />
      </Group>
      <Title order={1} className={classes.subject}>
        {t.subject}
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        Submitted by {t.requester.id === me.id ? "you" : t.requester.name} on {formatDateTime(t.created_at)}
      </Text>

      <Paper p="md" mt="lg" mb="lg">
        <StatusTimeline ticket={t} />
        <SlaExpectations ticket={t} />
      </Paper>

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <MailActionNotice ticket={t} asked={asked} isRequester={t.requester.id === me.id} />
            {category === "resolved" && t.requester.id === me.id && <ResolutionBox ticket={t} asked={asked} />}
            {category === "awaiting_requester" && <WaitingBox ticket={t} comments={thread} onReply={() => replyRef.current?.focus()} />}
            {finished && <FinishedBox ticket={t} />}
            {comments.isError ? (
              <LoadError error={comments.error} onRetry={() => void comments.refetch()} title="The conversation could not be loaded" />
            ) : comments.isPending ? (
              <Skeleton height={160} radius="md" aria-label="Loading the conversation" />
            ) : (
              <Conversation ticket={t} comments={thread} meId={me.id} />
            )}
            {replyAllowed && <ReplyBox ticket={t} textRef={replyRef} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Details ticket={t} />
        </Grid.Col>
      </Grid>
      {ticket.isRefetchError && (
        <Center mt="md">
          <Text size="xs" c="dimmed">
            Could not check for updates just now; showing what was loaded before.
          </Text>
        </Center>
      )}
    </Container>
  );
}
