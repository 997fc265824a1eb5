/**
 * The conversation and the audit trail as one timeline, oldest first and newest next to the
 * composer. Public replies are white; internal notes are yellow with a lock and say so in words;
 * changes are grey one-liners. Long histories fold their middle into "N earlier items".
 */
import { ActionIcon, Avatar, Badge, Button, Group, Menu, Switch, Text, Tooltip } from "@mantine/core";
import { IconArrowsSplit, IconDots, IconLock, IconMail, IconPhone } from "@tabler/icons-react";
import type { Attachment, Category, Comment, ReceivedMail, Ticket, TicketEvent } from "@tessera/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Directory } from "../api/agent-queries.ts";
import { initials } from "../ui/format.ts";
import { hasRemoteImages } from "../ui/rich-text.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { AttachmentList } from "./attachment-list.tsx";
import { describeEvent, eventActor, isShownAsLine } from "./event-text.ts";
import { ViaEmail, WithBlockedImages } from "./mail-marker.tsx";
import { TrimmedText } from "./trimmed-text.tsx";
import classes from "./ticket-pane.module.css";

type Item =
  | { kind: "description"; at: string; key: string }
  | { kind: "comment"; at: string; key: string; comment: Comment }
  | { kind: "event"; at: string; key: string; event: TicketEvent };

const SHOW_LAST = 8;
const FOLD_OVER = 12;

function Message({ ticket, comment, descriptionFiles = [], onSplit, mail }: { ticket: Ticket; comment: Comment | null; descriptionFiles?: Attachment[]; onSplit?: (c: Comment) => void; mail?: ReceivedMail }) {
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
                {!comment && ticket.channel === "phone" ? <IconPhone size={12} aria-hidden="true" style={{ verticalAlign: -1, marginRight: 3 }} /> : !fromRequester ? <IconMail size={12} aria-hidden="true" style={{ verticalAlign: -1, marginRight: 3 }} /> : null}
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
}

function EventLine({ event, text }: { event: TicketEvent; text: string }) {
  return (
    <li className={classes.eventLine}>
      <span className={classes.eventDot} aria-hidden="true" />
      <Text span size="xs" c="dimmed" className={classes.eventText}>
        <Text span size="xs" fw={500} c="gray.7">
          {eventActor(event)}
        </Text>{" "}
        {text}
      </Text>
      <Text span size="xs" c="dimmed" className={classes.eventTime}>
        <TimeAgo iso={event.created_at} />
      </Text>
    </li>
  );
}

export function Timeline({ ticket, comments, events, directory, categories, onSplit, mail = [] }: {
  ticket: Ticket;
  /** Messages received by email on this ticket (GET /api/tickets/:id/mail), matched to their comments. */
  mail?: ReceivedMail[];
  comments: Comment[];
  events: TicketEvent[];
  directory: Directory;
  categories: Category[] | undefined;
  onSplit: (c: Comment) => void;
}) {
  const [showEvents, setShowEvents] = useState(true);
  const [unfolded, setUnfolded] = useState(false);
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

  const items = useMemo<Item[]>(() => {
    const all: Item[] = [
      { kind: "description", at: ticket.created_at, key: "d" },
      ...comments.map((c): Item => ({ kind: "comment", at: c.created_at, key: `c${c.id}`, comment: c })),
      ...(showEvents ? events.filter(isShownAsLine).map((e): Item => ({ kind: "event", at: e.created_at, key: `e${e.id}`, event: e })) : []),
    ];
    // Same instant: the message first, then what it changed.
    return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : (a.kind === "event" ? 1 : 0) - (b.kind === "event" ? 1 : 0)));
  }, [ticket.created_at, comments, events, showEvents]);

  const folded = !unfolded && items.length > FOLD_OVER;
  const hidden = folded ? items.length - 1 - SHOW_LAST : 0;
  const shown = folded ? [items[0], ...items.slice(items.length - SHOW_LAST)] : items;

  // Keep the newest in view as messages arrive.
  const end = useRef<HTMLDivElement>(null);
  const count = items.length;
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [count, ticket.id]);

  const notes = comments.filter((c) => c.internal).length;
  const replies = comments.length - notes;
  return (
    <section aria-label="Conversation" className={classes.timeline}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Group gap={6}>
          <Badge variant="light" color="gray" radius="sm">
            {replies} {replies === 1 ? "reply" : "replies"}
          </Badge>
          {notes > 0 && (
            <Badge variant="light" color="yellow" radius="sm" leftSection={<IconLock size={11} />}>
              {notes} internal {notes === 1 ? "note" : "notes"}
            </Badge>
          )}
        </Group>
        <Tooltip label="Status, assignment and other changes as grey lines">
          <Switch size="xs" label="Show changes" checked={showEvents} onChange={(e) => setShowEvents(e.currentTarget.checked)} />
        </Tooltip>
      </Group>
      <ol className={classes.items}>
        {shown.map((item, i) => (
          <FragmentWithFold key={item.key} showFold={folded && i === 1} hidden={hidden} onUnfold={() => setUnfolded(true)}>
            {item.kind === "description" ? (
              <Message ticket={ticket} comment={null} descriptionFiles={descriptionFiles} mail={mailOf(null)} />
            ) : item.kind === "comment" ? (
              <Message ticket={ticket} comment={item.comment} onSplit={onSplit} mail={mailOf(item.comment)} />
            ) : (
              <EventLine event={item.event} text={describeEvent(item.event, directory, categories)} />
            )}
          </FragmentWithFold>
        ))}
      </ol>
      <div ref={end} />
    </section>
  );
}

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
