/**
 * One seeded ticket and everything that hangs off it, written as the ticket services would have
 * written them over its life: the row, tags and watchers, its conversation (public replies and
 * internal notes from the requester and agents, some with attachments and mentions), the events
 * of each change in order (created, assignment, status changes, resolution, closing), the
 * full-text documents, and its SLA history (sla.ts).
 */
import type { Channel, Level, TicketType } from "@tessera/contracts";
import { TYPE_PREFIX } from "@tessera/contracts";
import { priorityOf } from "../../tickets/priority.ts";
import { textToHtml } from "../../text/rich-text.ts";
import type { Desk, Person } from "./desk.ts";
import type { Random } from "./random.ts";
import { policyAppliedEvent, writeSla, type PendingEvent } from "./sla.ts";
import { ATTACHMENTS, COMMENTS, COMMENT_MENTIONS, SEARCH_DOCUMENTS, TICKETS, TICKET_EVENTS, TICKET_SEARCH, TICKET_TAGS, TICKET_WATCHERS, type Batch } from "./tables.ts";
import { WORDS as W } from "./words.ts";

/** The next id of each table the generator numbers itself, and the next ticket number. */
export interface Ids {
  ticket: number;
  number: number;
  comment: number;
  event: number;
  attachment: number;
  clockLog: number;
  outcome: number;
}

type Final = "new" | "open" | "in_progress" | "on_hold" | "pending" | "under_review" | "resolved" | "closed" | "cancelled";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CATEGORY: Record<Final, string> = {
  new: "new",
  open: "open",
  in_progress: "open",
  on_hold: "awaiting_requester",
  pending: "awaiting_third_party",
  under_review: "awaiting_approval",
  resolved: "resolved",
  closed: "closed",
  cancelled: "cancelled",
};
const LEVELS: Array<[Level, number]> = [
  ["low", 50],
  ["medium", 35],
  ["high", 15],
];
const CHANNELS: Array<[Channel, number]> = [
  ["web", 40],
  ["email", 35],
  ["phone", 10],
  ["chat", 10],
  ["api", 5],
];
/** Where tickets of each age stand now: old ones are nearly all finished, this week's mostly not. */
const OLD: Array<[Final, number]> = [
  ["closed", 91],
  ["cancelled", 5],
  ["in_progress", 1],
  ["on_hold", 1],
  ["pending", 1],
  ["under_review", 1],
];
const RECENT: Array<[Final, number]> = [
  ["closed", 50],
  ["resolved", 14],
  ["cancelled", 4],
  ["in_progress", 12],
  ["on_hold", 7],
  ["pending", 6],
  ["under_review", 2],
  ["open", 3],
  ["new", 2],
];
const THIS_WEEK: Array<[Final, number]> = [
  ["new", 14],
  ["open", 8],
  ["in_progress", 28],
  ["on_hold", 12],
  ["pending", 8],
  ["under_review", 3],
  ["resolved", 18],
  ["closed", 6],
  ["cancelled", 3],
];
/** Median minutes to a first answer and to a fix, by priority: most inside the SLA, some not. */
const PACE: Record<string, { answer: number; fix: number }> = {
  P1: { answer: 8, fix: 90 },
  P2: { answer: 15, fix: 200 },
  P3: { answer: 60, fix: 900 },
  P4: { answer: 120, fix: 2200 },
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const flat = (text: string) => text.replace(/\s+/g, " ").trim();

function fill(rnd: Random, subject: string): string {
  return subject
    .replace("{asset}", () => `LT${rnd.int(10000, 99999)}`)
    .replace("{host}", () => rnd.pick(W.hosts))
    .replace("{app}", () => rnd.pick(W.apps))
    .replace("{code}", () => `0x8007${rnd.int(0, 0xffff).toString(16).padStart(4, "0")}`)
    .replace("{room}", () => rnd.pick(W.rooms));
}

export function generateTicket(desk: Desk, rnd: Random, ids: Ids, createdAt: number, commentsPerTicket: number, batch: Batch): void {
  const now = desk.now;
  const ticketId = ids.ticket++;
  const number = ids.number++;
  const leaf = rnd.pick(desk.leaves);
  let type: TicketType = leaf.type;
  if (type === "incident" && rnd.chance(0.04)) type = "problem";
  else if (type === "service_request" && rnd.chance(0.03)) type = "change";
  const impact = rnd.weighted(LEVELS);
  const urgency = rnd.weighted(LEVELS);
  const priority = priorityOf(desk.matrix, impact, urgency);
  const channel = rnd.weighted(CHANNELS);
  // Some people file far more than others.
  const requester = desk.requesters[Math.floor(desk.requesters.length * rnd.next() ** 1.7)];
  const teamId = rnd.chance(0.9) ? leaf.teamId : rnd.pick(desk.teamIds);
  const agent = rnd.pick(desk.agentsByTeam.get(teamId)!);
  const onBehalf = channel === "phone" || channel === "chat";
  const creator: Person = onBehalf ? rnd.pick(desk.agentsByTeam.get(desk.teamIds[0])!) : requester;
  const requesterVia = channel === "email" ? "email" : channel === "api" ? "api" : "web";
  const creatorVia = onBehalf ? "web" : requesterVia;
  const age = now - createdAt;
  let final = rnd.weighted(age > 45 * DAY ? OLD : age > 7 * DAY ? RECENT : THIS_WEEK);
  if (final === "under_review" && type !== "service_request" && type !== "change") final = "pending";

  const subject = fill(rnd, rnd.pick(leaf.subjects));
  const firstName = requester.name.split(" ")[0];
  const description = `Hello,\n\n${rnd.pick(W.openings)} ${rnd.pick(W.openings)}\n\nThanks,\n${firstName}`;
  const events: PendingEvent[] = [];
  // The ticket's search row, as server/src/search/ticket-index.ts builds it: description first, then the comments in order.
  const publicText = [`${subject} ${flat(description)}`];
  const internalText: string[] = [];
  const log: Array<{ at: number; category: string }> = [{ at: createdAt, category: "new" }];
  let status = "new" as Final;
  let version = 1;
  let updatedAt = createdAt;
  let assignee: number | null = null;
  let firstResponseAt: number | null = null;
  let resolvedAt: number | null = null;
  let closedAt: number | null = null;
  let resolution: string | null = null;
  let rootCause: string | null = null;

  const event = (at: number, actor: number | null, via: string, action: string, field: string | null, old: unknown, next: unknown) => {
    events.push([at, actor, via, action, field, old, next]);
  };
  const moveTo = (at: number, actor: number | null, via: string, to: Final, bump = true) => {
    event(at, actor, via, "status_changed", "status", status, to);
    if (CATEGORY[to] !== CATEGORY[status]) log.push({ at, category: CATEGORY[to] });
    status = to;
    if (bump) version++;
    updatedAt = at;
  };
  const attach = (at: number, uploader: number, commentId: number | null) => {
    const b = rnd.pick(desk.blobs);
    batch.get(ATTACHMENTS.name)!.push(ids.attachment++, b.sha256, b.size, b.filename, b.content_type, uploader, ticketId, commentId, iso(at));
  };
  const comment = (at: number, author: Person, text: string, internal: boolean, via: string) => {
    const id = ids.comment++;
    batch.get(COMMENTS.name)!.push(id, ticketId, author.id, textToHtml(text), internal ? 1 : 0, iso(at));
    batch.get(SEARCH_DOCUMENTS.name)!.push(ticketId, id, internal ? 1 : 0, flat(text));
    (internal ? internalText : publicText).push(flat(text));
    event(at, author.id, via, internal ? "note_added" : "reply_added", null, undefined, { comment_id: id });
    if (author === requester && !internal && rnd.chance(0.1)) attach(at, author.id, id);
    updatedAt = at;
    return id;
  };

  event(createdAt, creator.id, creatorVia, "created", null, undefined, {
    reference: `${TYPE_PREFIX[type]}-${number}`,
    type,
    status: "new",
    priority,
    channel,
    requester_id: requester.id,
    team_id: teamId,
    assignee_id: null,
    on_behalf: onBehalf,
  });
  event(createdAt, creator.id, creatorVia, "sla_policy_changed", "sla_policy", null, policyAppliedEvent(desk, priority));
  if (rnd.chance(0.12)) attach(createdAt, requester.id, null);

  // The last thing that happened to it, and its first answer, inside [created, now).
  const pace = PACE[priority];
  const latest = now - MINUTE;
  // Whole milliseconds, as instants read back from the database are.
  const span = Math.round(Math.max(2 * MINUTE, Math.min(latest - createdAt, rnd.around(pace.fix * MINUTE, 1))));
  const end = createdAt + span;
  const answeredAt = createdAt + Math.round(Math.min(span / 2, rnd.around(pace.answer * MINUTE, 0.9)));

  if (final === "new" || (final === "cancelled" && rnd.chance(0.5))) {
    if (final === "new" && commentsPerTicket > 0 && rnd.chance(0.3)) comment(end, requester, rnd.pick(W.requester_replies), false, requesterVia);
    if (final === "cancelled") {
      moveTo(end, requester.id, requesterVia, "cancelled");
      closedAt = end;
    }
  } else if (final === "open") {
    // Answered by the team, not yet taken by anyone: the answer opened it.
    firstResponseAt = answeredAt;
    comment(answeredAt, agent, rnd.pick(W.agent_replies), false, "web");
    moveTo(answeredAt, agent.id, "web", "open");
    if (commentsPerTicket > 1 && rnd.chance(0.5)) comment(end, requester, rnd.pick(W.requester_replies), false, requesterVia);
  } else {
    const assignedAt = createdAt + Math.round((answeredAt - createdAt) * (0.2 + 0.6 * rnd.next()));
    event(assignedAt, agent.id, "web", "field_changed", "assignee_id", null, agent.id);
    moveTo(assignedAt, agent.id, "web", "in_progress");
    assignee = agent.id;
    const resolves = final === "resolved" || final === "closed";
    const count = final === "cancelled" ? Math.min(commentsPerTicket, 1) : commentsPerTicket;
    for (let i = 0; i < count; i++) {
      const at = i === 0 ? answeredAt : answeredAt + Math.round(((end - answeredAt) * (i - 0.5 + rnd.next() * 0.5)) / Math.max(1, count - 1));
      const closing = i === count - 1 && (resolves || final === "on_hold");
      if (i === 0 || closing || (i % 2 === 0 && rnd.chance(0.6))) {
        const text = closing && resolves ? rnd.pick(W.agent_fixes) : closing ? rnd.pick(W.agent_questions) : rnd.pick(W.agent_replies);
        comment(at, agent, text, false, "web");
        firstResponseAt ??= at;
      } else if (i % 2 === 1) comment(at, requester, rnd.pick(W.requester_replies), false, requesterVia);
      else {
        const colleague = rnd.pick(desk.agentsByTeam.get(teamId)!);
        const mention = colleague !== agent && rnd.chance(0.3);
        const id = comment(at, agent, `${mention ? `@${colleague.email} ` : ""}${rnd.pick(W.notes)}`, true, "web");
        if (mention) {
          batch.get(COMMENT_MENTIONS.name)!.push(id, colleague.id);
          event(at, agent.id, "web", "mentioned", null, undefined, { comment_id: id, user_ids: [colleague.id] });
        }
      }
    }
    if (final === "on_hold" || final === "pending" || final === "under_review") moveTo(end, agent.id, "web", final);
    else if (final === "cancelled") {
      moveTo(end, agent.id, "web", "cancelled");
      closedAt = end;
    } else if (resolves) {
      resolution = rnd.pick(W.resolutions);
      event(end, agent.id, "web", "field_changed", "resolution_note", null, resolution);
      if (type === "incident" || type === "problem") {
        rootCause = rnd.pick(W.root_causes);
        event(end, agent.id, "web", "field_changed", "root_cause", null, rootCause);
      }
      moveTo(end, agent.id, "web", "resolved");
      resolvedAt = end;
      closeLater(end);
    }
  }

  function closeLater(at: number) {
    // Confirmed by the requester or closed by the agent, unless auto-close came first.
    const autoAt = desk.autoCloseMs > 0 ? at + desk.autoCloseMs : Infinity;
    let how = rnd.weighted<"confirm" | "agent" | "auto">([
      ["confirm", 35],
      ["agent", 25],
      ["auto", 40],
    ]);
    let when = how === "auto" ? autoAt : at + Math.round(rnd.around(20 * HOUR, 0.8));
    if (when >= autoAt) [how, when] = ["auto", autoAt];
    if (when > latest) return; // still resolved, waiting for the requester
    if (how === "auto") moveTo(when, null, "auto_close", "closed");
    else if (how === "confirm") {
      const via = requesterVia === "email" ? "web" : requesterVia;
      event(when, requester.id, via, "resolution_confirmed", null, undefined, undefined);
      moveTo(when, requester.id, via, "closed");
    } else moveTo(when, agent.id, "web", "closed");
    closedAt = when;
  }

  const sla = writeSla(
    desk,
    {
      ticketId,
      facts: { type, priority, category_id: leaf.id, organization_id: requester.organization_id, channel },
      log,
      firstResponseAt,
      resolvedAt: status === "resolved" || status === "closed" ? resolvedAt : null,
    },
    ids,
    batch,
    events,
  );

  batch
    .get(TICKETS.name)!
    .push(
      ticketId,
      number,
      type,
      subject,
      textToHtml(description),
      status,
      CATEGORY[status],
      priority,
      impact,
      urgency,
      0,
      channel,
      requester.id,
      requester.organization_id,
      leaf.id,
      teamId,
      assignee,
      creator.id,
      resolution,
      rootCause,
      0,
      version,
      iso(createdAt),
      iso(updatedAt),
      iso(firstResponseAt),
      iso(resolvedAt),
      iso(closedAt),
      sla.sla_state,
      sla.sla_kind,
      sla.sla_due_at,
      sla.sla_warn_at,
      sla.sla_remaining_ms,
      sla.sla_sort,
      sla.sla_next_check_at,
    );
  batch.get(SEARCH_DOCUMENTS.name)!.push(ticketId, null, 0, publicText[0]);
  batch.get(TICKET_SEARCH.name)!.push(ticketId, publicText.join(" "), internalText.join(" "));

  const tagCount = requester.organization_id === desk.vipOrganizationId ? 1 : rnd.chance(0.3) ? rnd.int(1, 2) : 0;
  const tags = new Set<string>(requester.organization_id === desk.vipOrganizationId ? ["vip"] : []);
  while (tags.size < tagCount) tags.add(rnd.pick(W.tags));
  for (const tag of tags) batch.get(TICKET_TAGS.name)!.push(ticketId, tag);
  if (rnd.chance(0.06)) {
    const watcher = rnd.pick(desk.agents);
    if (watcher.id !== assignee) batch.get(TICKET_WATCHERS.name)!.push(ticketId, watcher.id);
  }

  // In the order they happened (the sort is stable: same-instant events keep the order written).
  events.sort((a, b) => a[0] - b[0]);
  const rows = batch.get(TICKET_EVENTS.name)!;
  for (const [at, actor, via, action, field, old, next] of events) {
    rows.push(ids.event++, ticketId, actor, via, action, field, old === undefined ? null : JSON.stringify(old), next === undefined ? null : JSON.stringify(next), iso(at));
  }
}
