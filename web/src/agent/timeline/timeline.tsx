/**
 * The conversation and the audit trail as one timeline, oldest first and newest next to the
 * composer. Public replies are white; internal notes are yellow with a lock and say so in words;
 * the events between two messages are one grey line per burst (timeline-events.tsx). Long
 * histories fold their middle into "N earlier items".
 */
import { ActionIcon, Avatar, Button, Group, Menu, Text, Tooltip } from "@mantine/core";
import { IconArrowsSplit, IconDots, IconLock, IconMail, IconPhone } from "@tabler/icons-react";
import type { Attachment, Category, Comment, ReceivedMail, Ticket, TicketEvent } from "@tessera/contracts";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { Directory } from "../../api/agent-queries.ts";
import { initials } from "../../ui/format.ts";
import { hasRemoteImages } from "../../ui/rich-text.tsx";
import { TimeAgo } from "../../ui/time-ago.tsx";
import { AttachmentList } from "./attachment-list.tsx";
import { ViaEmail, WithBlockedImages } from "./mail-marker.tsx";
import { EventBurst, TimelineFilterControl, useTimelineFilter } from "./timeline-events.tsx";
import { countMessages, timelineItems } from "./timeline-grouping.ts";
import { TrimmedText } from "./trimmed-text.tsx";
import classes from "../ticket/ticket-pane.module.css";
import own from "./timeline.module.css";

const SHOW_LAST = 8;
const FOLD_OVER = 12;

// Memoised, like the timeline: a ticket's view redraws on every answer that reaches it (presence,
// lookups, mail), and a long conversation is the dearest part to redraw.
const Message = memo(function Message({
  ticket,
  comment,
  descriptionFiles = [],
  onSplit,
  mail,
}: {
  ticket: Ticket;
  comment: Comment | null;
  descriptionFiles?: Attachment[];
  onSplit?: (c: Comment) => void;
  mail?: ReceivedMail;
}) {
  const author = comment ? comment.author : ticket.requester;
  const internal = comment?.internal ?? false;
  const fromRequester = author?.id === ticket.requester.id;
  const html = comment ? comment.body : ticket.description;
  const attachments = comment ? comment.attachments : descriptionFiles;
  const at = comment ? comment.created_at : ticket.created_at;
  const label = internal ? null : fromRequester ? (comment ? "Reply from the requester" : ticket.channel === "phone" ? "Phoned in" : "Submitted") : `Public reply · sent to ${ticket.requester.email}`;
  return (
    <li className={classes.message} data-kind={internal ? "note" : fromRequester ? "requester" : "agent"} aria-label={internal ? "Internal note" : "Message"}>
      <Avatar size={30} radius="xl" color={internal ? "yellow" : fromRequester ? "gray" : "indigo"} variant={fromRequester ? "light" : "filled"} aria-hidden="true">
        {author ? initials(author.name) : "T"}
      </Avatar>
      <div className={classes.messageBody}>
        <Group gap={8} wrap="nowrap" mb={4} justify="space-between" align="flex-start">
          <Group gap={8} wrap="wrap" style={{ minWidth: 0, flex: 1, rowGap: 0 }}>
            <Text size="sm" fw={600}>
              {author?.name ?? "Tessera"}
            </Text>
            {internal ? (
              <span className={classes.noteLabel}>
                <IconLock size={13} aria-hidden="true" />
                Internal note — not visible to requester
              </span>
            ) : (
              <Text size="xs" c="dimmed">
                {!comment && ticket.channel === "phone" ? (
                  <IconPhone size={12} aria-hidden="true" style={{ verticalAlign: -1, marginRight: 3 }} />
                ) : !fromRequester ? (
                  <IconMail size={12} aria-hidden="true" style={{ verticalAlign: -1, marginRight: 3 }} />
                ) : null}
                {label}
              </Text>
            )}
            {mail && <ViaEmail mail={mail} />}
          </Group>
          <Group gap={4} wrap="nowrap">
            <Text size="xs" c="dimmed">
              <TimeAgo iso={at} />
            </Text>
            {comment && onSplit && (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="subtle" color="gray" size="sm" aria-label="Message options">
                    <IconDots size={14} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconArrowsSplit size={14} />} onClick={() => onSplit(comment)}>
                    Split into a new ticket
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
        </Group>
        {html.trim() ? (
          <WithBlockedImages key={html} html={html} blocked={!!mail?.remote_images || hasRemoteImages(html)} />
        ) : (
          <Text size="sm" c="dimmed" fs="italic">
            No description given.
          </Text>
        )}
        {mail?.trimmed && <TrimmedText mail={mail} />}
        <AttachmentList attachments={attachments} />
      </div>
    </li>
  );
});

export const Timeline = memo(function Timeline({
  ticket,
  comments,
  events,
  directory,
  categories,
  onSplit,
  mail = [],
}: {
  ticket: Ticket;
  /** Messages received by email on this ticket (GET /api/tickets/:id/mail), matched to their comments. */
  mail?: ReceivedMail[];
  comments: Comment[];
  events: TicketEvent[];
  directory: Directory;
  categories: Category[] | undefined;
  onSplit: (c: Comment) => void;
}) {
  const [filter, setFilter] = useTimelineFilter();
  const [unfolded, setUnfolded] = useState(false);
  // Events after this moment happened while the agent was looking: their burst starts open.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new ticket is a new moment of opening
  const openedAt = useMemo(() => Date.now(), [ticket.id]);
  // Files sent with the request itself: the ticket's, less those that came with a comment.
  const descriptionFiles = useMemo(() => {
    const withComments = new Set(comments.flatMap((c) => c.attachments.map((a) => a.id)));
    return ticket.attachments.filter((a) => !withComments.has(a.id));
  }, [ticket.attachments, comments]);

  // The message that opened the ticket has no comment; replies name theirs.
  const mailOf = useMemo(() => {
    const byComment = new Map(mail.filter((m) => m.comment_id != null).map((m) => [m.comment_id!, m]));
    const opening = ticket.channel === "email" ? mail.find((m) => m.outcome === "ticket" && m.comment_id == null) : undefined;
    return (c: Comment | null) => (c ? byComment.get(c.id) : opening);
  }, [mail, ticket.channel]);

  const items = useMemo(() => timelineItems(ticket.created_at, comments, events, filter), [ticket.created_at, comments, events, filter]);

  const folded = !unfolded && items.length > FOLD_OVER;
  const hidden = folded ? items.length - 1 - SHOW_LAST : 0;
  const shown = folded ? [items[0], ...items.slice(items.length - SHOW_LAST)] : items;

  // Keep the newest in view as messages arrive.
  const end = useRef<HTMLDivElement>(null);
  const count = items.reduce((n, item) => n + (item.kind === "burst" ? item.events.length : 1), 0);
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [count, ticket.id]);

  const counts = countMessages(comments);
  return (
    <section aria-label="Conversation" className={classes.timeline}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Tooltip label="Public replies after the opening request, and internal notes">
          <Text size="xs" c="dimmed" fw={500} className={own.counts}>
            {counts.replies}
            {counts.notes && (
              <>
                {" · "}
                <IconLock size={12} aria-hidden="true" />
                {counts.notes}
              </>
            )}
          </Text>
        </Tooltip>
        <TimelineFilterControl value={filter} onChange={setFilter} />
      </Group>
      <ol className={classes.items}>
        {shown.map((item, i) => (
          <FragmentWithFold key={item.key} showFold={folded && i === 1} hidden={hidden} onUnfold={() => setUnfolded(true)}>
            {item.kind === "description" ? (
              <Message ticket={ticket} comment={null} descriptionFiles={descriptionFiles} mail={mailOf(null)} />
            ) : item.kind === "comment" ? (
              <Message ticket={ticket} comment={item.comment} onSplit={onSplit} mail={mailOf(item.comment)} />
            ) : (
              <EventBurst events={item.events} openedAt={openedAt} directory={directory} categories={categories} />
            )}
          </FragmentWithFold>
        ))}
      </ol>
      <div ref={end} />
    </section>
  );
});

function FragmentWithFold({ showFold, hidden, onUnfold, children }: { showFold: boolean; hidden: number; onUnfold: () => void; children: React.ReactNode }) {
  return (
    <>
      {showFold && (
        <li className={classes.fold}>
          <Button variant="subtle" size="xs" color="gray" onClick={onUnfold}>
            {hidden} earlier {hidden === 1 ? "item" : "items"}
          </Button>
        </li>
      )}
      {children}
    </>
  );
}
