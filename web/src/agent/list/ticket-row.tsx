/**
 * One row of the ticket list. Narrow (beside an open ticket): priority, reference, the subject
 * (up to two lines) and the SLA countdown; then a one-line preview of the last message; then
 * status, requester, last update and assignee. Wide (table mode) the same cells line up as
 * columns, one line each. Which one is decided by the list's width (container query).
 */
import { Avatar, Checkbox, Tooltip } from "@mantine/core";
import { IconEye, IconLock, IconPencil } from "@tabler/icons-react";
import type { LastMessage, TicketSummary } from "@tessera/contracts";
import { forwardRef, memo } from "react";
import { Link } from "react-router";
import { initials } from "../../ui/format.ts";
import { PriorityIcon } from "../../ui/priority-icon.tsx";
import { TimeAgo } from "../../ui/time-ago.tsx";
import { SlaBadge } from "../sla/sla-badge.tsx";
import { StatusDot } from "../ticket/status.tsx";
import { SnoozeGlyph } from "../snooze/snooze-glyph.tsx";
import { RowDraftMarker } from "../drafts/draft-marker.tsx";
import classes from "./ticket-list.module.css";

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** How long the ticket has existed, short ("45m", "3h", "12d"), with the date it was opened. */
function Age({ iso }: { iso: string }) {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));
  const text = minutes < 60 ? `${Math.max(1, minutes)}m` : minutes < 48 * 60 ? `${Math.round(minutes / 60)}h` : `${Math.round(minutes / 1440)}d`;
  const opened = `Opened ${absolute.format(new Date(iso))}`;
  return (
    <Tooltip label={opened}>
      <time dateTime={iso} className="tabular" aria-label={`${text} old, ${opened.toLowerCase()}`}>
        {text}
      </time>
    </Tooltip>
  );
}

/** The newest message under the subject (after it in a table), muted; a lock says it is an internal note. */
function LastMessagePreview({ message }: { message: LastMessage | null }) {
  if (!message?.preview) return null;
  return (
    <span className={classes.preview} data-internal={message.internal || undefined}>
      <span className={classes.previewDash}>{" — "}</span>
      {message.internal && <IconLock size={11} aria-label="Internal note:" className={classes.previewLock} />}
      {message.preview}
    </span>
  );
}

export interface RowProps {
  ticket: TicketSummary;
  href: string;
  active: boolean;
  selected: boolean;
  unread: boolean;
  presence: "viewing" | "typing" | undefined;
  onToggle: (id: number, shift: boolean) => void;
  onFocusRow: (id: number) => void;
}

export const TicketRow = memo(
  forwardRef<HTMLAnchorElement, RowProps>(function TicketRow({ ticket: t, href, active, selected, unread, presence, onToggle, onFocusRow }, ref) {
    const waiting = t.status.category === "awaiting_requester";
    return (
      <li
        className={classes.row}
        data-category={t.status.category}
        data-waiting={waiting || undefined}
        data-selected={selected || undefined}
        data-active={active || undefined}
        data-unread={unread || undefined}
      >
        <Checkbox
          size="xs"
          radius="sm"
          className={classes.check}
          checked={selected}
          onChange={() => {}}
          onClick={(e) => onToggle(t.id, e.shiftKey)}
          aria-label={`Select ${t.reference}`}
          tabIndex={-1}
        />
        <Link ref={ref} to={href} className={classes.link} aria-current={active ? "page" : undefined} onFocus={() => onFocusRow(t.id)} data-ticket-id={t.id}>
          <span className={classes.line1}>
            <span className={classes.prio}>
              <PriorityIcon priority={t.priority} size={14} withTooltip={false} />
            </span>
            <span className={`${classes.ref} tabular`}>{t.reference}</span>
            <span className={classes.subjectCell}>
              <span className={classes.subject}>{t.subject}</span>
              <LastMessagePreview message={t.last_message} />
            </span>
            {t.sla && t.sla.state !== "none" && (
              <span className={classes.sla}>
                <SlaBadge sla={t.sla} />
              </span>
            )}
          </span>
          <span className={classes.line2}>
            <span className={classes.status}>
              <StatusDot category={t.status.category} />
              {t.status.label}
              <SnoozeGlyph ticket={t} />
              <RowDraftMarker draftBy={t.draft_by} />
            </span>
            <span className={classes.requester}>{t.requester.name}</span>
            <span className={classes.team}>{t.team?.name ?? "No team"}</span>
            <span className={classes.age}>
              <Age iso={t.created_at} />
            </span>
            <span className={classes.time}>
              <TimeAgo iso={t.updated_at} />
            </span>
            <span className={classes.assignee}>
              {presence && (
                <Tooltip label={presence === "typing" ? "Another agent is typing a reply" : "Another agent has it open"}>
                  <span className={classes.presence} data-state={presence} aria-label={presence === "typing" ? "Another agent is typing" : "Another agent is viewing"}>
                    {presence === "typing" ? <IconPencil size={12} /> : <IconEye size={12} />}
                  </span>
                </Tooltip>
              )}
              {t.assignee ? (
                <>
                  <Avatar size={18} radius="xl" color="indigo" variant="light" aria-hidden="true" className={classes.avatar}>
                    {initials(t.assignee.name)}
                  </Avatar>
                  <span className={classes.assigneeName}>{t.assignee.name}</span>
                </>
              ) : (
                <span className={classes.unassigned}>Unassigned</span>
              )}
            </span>
          </span>
        </Link>
      </li>
    );
  }),
);
