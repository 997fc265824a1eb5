/**
 * The decision to send mail: the "mail notifications" reaction (events/reactions.ts). It follows
 * the committed ticket event log with a durable cursor, and for the events that call for mail
 * writes one outbox row per message and person, in the transaction that moves its cursor: each
 * event is considered exactly once, and a change that was rolled back never reaches it. The
 * outbox worker (outbox.ts) composes and delivers the messages afterwards.
 *
 * What is sent:
 * - `acknowledgement` of a new (or submitted draft) ticket to its requester: their receipt,
 *   so it goes to them even though they made the change;
 * - `reply`: an agent's public reply to the requester and the watchers (CCs);
 * - `resolved` (with confirm / not-fixed links) and `auto_closed` to the requester;
 * - `mention` and `assigned` notices to agents.
 * Internal notes are never mailed to requesters. Nothing is sent for a change marked
 * `no_auto_reply` (auto-submitted mail, bounces, imported history), nor to the person who made
 * the change, nor to requesters of monitoring alerts (the integration account).
 */
import type { Role } from "@tessera/contracts";
import { isStaff } from "../../auth/actor.ts";
import type { AppContext } from "../../context.ts";
import type { EventConsumer } from "../../events/consumers.ts";
import type { FeedEvent } from "../../events/feed.ts";
import type { EventInput } from "../../events/write.ts";
import type { MailKind, MailOutboxTable } from "./tables.ts";
import { autoReplyLimit, takeAutoReplySlot, undeliverableReason } from "./recipients.ts";
import { prepared } from "../../db/prepared.ts";
import { loadStatuses } from "../../tickets/statuses.ts";
import { allMailboxes } from "../in/mailboxes.ts";
import { AGENT_KINDS } from "./kinds.ts";

/** Who made the change, as far as mail cares. */
interface MailActor {
  id: number;
  role: Role;
}

interface Plan {
  kind: MailKind;
  userId: number;
  commentId: number | null;
}

// ---- reading events ---------------------------------------------------------------------

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

function mayNeedMail(e: EventInput): boolean {
  switch (e.action) {
    case "created":
    case "reply_added":
    case "status_changed":
    case "mentioned":
      return true;
    case "field_changed":
      return e.field === "assignee_id" && e.new != null;
    default:
      return false;
  }
}

// The statements run for each event that may call for mail, compiled once.
const ticketOf = prepared<{ id: number }, { id: number; requester_id: number; channel: string }>((db, p) => db.selectFrom("tickets").select(["id", "requester_id", "channel"]).where("id", "=", p.id));
const userOf = prepared<{ id: number }, { id: number; email: string; name: string; role: Role; active: number }>((db, p) =>
  db.selectFrom("users").select(["id", "email", "name", "role", "active"]).where("id", "=", p.id),
);
const roleOf = prepared<{ id: number }, MailActor>((db, p) => db.selectFrom("users").select(["id", "role"]).where("id", "=", p.id));
const watchersOf = prepared<{ ticket_id: number }, { user_id: number }>((db, p) => db.selectFrom("ticket_watchers").select("user_id").where("ticket_id", "=", p.ticket_id));
/** An outbox row as this reaction writes it; the delivery columns start empty. */
type OutboxValues = Pick<
  MailOutboxTable,
  "kind" | "ticket_id" | "comment_id" | "recipient_user_id" | "to_address" | "to_name" | "actor_id" | "auto_submitted" | "state" | "attempts" | "next_attempt_at" | "skip_reason"
> & { created_at: string; updated_at: string };
const insertOutboxRow = prepared<OutboxValues>((db, p) =>
  db.insertInto("mail_outbox").values({
    kind: p.kind,
    ticket_id: p.ticket_id,
    comment_id: p.comment_id,
    recipient_user_id: p.recipient_user_id,
    to_address: p.to_address,
    to_name: p.to_name,
    actor_id: p.actor_id,
    auto_submitted: p.auto_submitted,
    state: p.state,
    attempts: p.attempts,
    next_attempt_at: p.next_attempt_at,
    skip_reason: p.skip_reason,
    created_at: p.created_at,
    updated_at: p.updated_at,
  }),
);

/** The mail a batch of events calls for, before looking at who the recipients are. */
async function planMail(tx: AppContext, ticket: { id: number; requester_id: number }, actor: MailActor | undefined, via: string, events: EventInput[]): Promise<Plan[]> {
  const statusKeys = events.flatMap((e) => (e.action === "status_changed" ? [e.old, e.new] : e.action === "created" ? [asRecord(e.new).status] : [])).filter((k): k is string => typeof k === "string");
  const categories = new Map<string, string>();
  // Statuses are few and cached (memo.ts); a status is never deleted, only deactivated.
  if (statusKeys.length) for (const s of await loadStatuses(tx)) categories.set(s.key, s.category);
  const requester = ticket.requester_id;
  const plans: Plan[] = [];
  const add = (kind: MailKind, userId: number | null | undefined, commentId: number | null = null) => {
    if (userId == null || plans.some((p) => p.kind === kind && p.userId === userId && p.commentId === commentId)) return;
    plans.push({ kind, userId, commentId });
  };
  for (const e of events) {
    const data = asRecord(e.new);
    switch (e.action) {
      case "created":
        // The status it was created in, not the one it has now: a draft is acknowledged when submitted.
        if (categories.get(String(data.status)) !== "draft") add("acknowledgement", requester);
        if (typeof data.assignee_id === "number") add("assigned", data.assignee_id);
        break;
      case "status_changed": {
        const from = categories.get(String(e.old));
        const to = categories.get(String(e.new));
        if (from === "draft" && (to === "new" || to === "open")) add("acknowledgement", requester);
        if (to === "resolved") add("resolved", requester);
        if (to === "closed" && via === "auto_close") add("auto_closed", requester);
        break;
      }
      case "reply_added": {
        // Only an agent's reply goes out; the requester's own words need no echo.
        if (!actor || !isStaff(actor) || actor.id === requester) break;
        const commentId = typeof data.comment_id === "number" ? data.comment_id : null;
        if (commentId == null) break;
        add("reply", requester, commentId);
        const watchers = await watchersOf.all(tx.db, { ticket_id: ticket.id });
        for (const w of watchers) add("reply", w.user_id, commentId);
        break;
      }
      case "mentioned": {
        const commentId = typeof data.comment_id === "number" ? data.comment_id : null;
        const ids = Array.isArray(data.user_ids) ? data.user_ids.filter((x): x is number => typeof x === "number") : [];
        for (const id of ids) add("mention", id, commentId);
        break;
      }
      case "field_changed":
        if (e.field === "assignee_id" && typeof e.new === "number") add("assigned", e.new);
        break;
    }
  }
  // Nobody is mailed about their own change, except the acknowledgement: that is their receipt.
  return plans.filter((p) => p.kind === "acknowledgement" || p.userId !== actor?.id);
}

/**
 * Writes the outbox rows for ticket events, in the caller's transaction; returns whether any
 * message is waiting to be sent. Returns at once when no event can cause mail.
 */
async function enqueueMailFor(tx: AppContext, ticketId: number, actor: MailActor | undefined, via: string, now: string, events: EventInput[]): Promise<boolean> {
  if (!events.some(mayNeedMail)) return false;
  const db = tx.db;
  const ticket = await ticketOf.first(db, { id: ticketId });
  if (!ticket) return false;

  let plans = await planMail(tx, ticket, actor, via, events);
  // A monitoring alert's requester is the integration account: it gets no ticket mail.
  if (ticket.channel === "alert") plans = plans.filter((p) => AGENT_KINDS.includes(p.kind));
  if (!plans.length) return false;

  const userIds = [...new Set(plans.map((p) => p.userId))];
  const users = userIds.length === 1 ? await userOf.all(db, { id: userIds[0] }) : await db.selectFrom("users").select(["id", "email", "name", "role", "active"]).where("id", "in", userIds).execute();
  if (!users.length) return false;
  // Mail to one of Tessera's own mailboxes would come straight back in: a loop. (A mailbox
  // added on another node in the last seconds is caught by the inbound loop checks.)
  const own = new Set((await allMailboxes(tx)).map((m) => m.address));
  const rows: OutboxValues[] = [];
  let limit: number | undefined;
  for (const plan of plans) {
    const user = users.find((u) => u.id === plan.userId);
    if (!user || !user.active) continue;
    if (AGENT_KINDS.includes(plan.kind) && user.role === "requester") continue;
    const address = user.email.trim().toLowerCase();
    let skip = own.has(address) ? "one of Tessera's own mailboxes (it would come straight back in)" : undeliverableReason(address);
    if (!skip && plan.kind === "acknowledgement") {
      limit ??= await autoReplyLimit(tx);
      if (!(await takeAutoReplySlot(db, address, now, limit))) skip = `rate limit: more than ${limit} automatic answers to this address within an hour`;
    }
    rows.push({
      kind: plan.kind,
      ticket_id: ticketId,
      comment_id: plan.commentId,
      recipient_user_id: user.id,
      to_address: address,
      to_name: user.name,
      actor_id: actor?.id ?? null,
      // RFC 3834: the acknowledgement answers the requester's message; notices are generated; an agent's reply is a person's message.
      auto_submitted: plan.kind === "acknowledgement" ? "auto-replied" : plan.kind === "reply" ? "no" : "auto-generated",
      state: skip ? ("suppressed" as const) : ("queued" as const),
      attempts: 0,
      next_attempt_at: now,
      skip_reason: skip,
      created_at: now,
      updated_at: now,
    });
  }
  if (!rows.length) return false;
  if (rows.length === 1) await insertOutboxRow.run(db, rows[0]);
  else await db.insertInto("mail_outbox").values(rows).execute();
  return rows.some((r) => r.state === "queued");
}

// ---- following the event log --------------------------------------------------------------

const parse = (v: string | null): unknown => (v === null ? undefined : JSON.parse(v));

/** Events written by one call of the writer: same transaction, ticket, actor, channel and instant, consecutive ids. */
function sameWrite(a: FeedEvent, b: FeedEvent): boolean {
  return String(a.xact_id) === String(b.xact_id) && a.ticket_id === b.ticket_id && a.actor_id === b.actor_id && a.via === b.via && a.created_at === b.created_at && Number(b.id) === Number(a.id) + 1;
}

/**
 * The "mail notifications" consumer. Each event is planned on its own (the outbox rows a change
 * causes do not depend on its neighbours), except that a change marked `no_auto_reply` (mail
 * that must not be answered) silences every event written along with it.
 */
export const mailNotifications: EventConsumer = {
  name: "mail_notifications",
  async handle(tx: AppContext, events: FeedEvent[]) {
    const actorIds = [...new Set(events.map((e) => e.actor_id).filter((id): id is number => id != null))];
    const actorRows =
      actorIds.length === 1 ? await roleOf.all(tx.db, { id: actorIds[0] }) : actorIds.length ? await tx.db.selectFrom("users").select(["id", "role"]).where("id", "in", actorIds).execute() : [];
    const actors = new Map(actorRows.map((u) => [u.id, u as MailActor] as const));
    let queued = false;
    for (let start = 0; start < events.length;) {
      let end = start + 1;
      while (end < events.length && sameWrite(events[end - 1], events[end])) end++;
      const group = events.slice(start, end).map((e) => ({ row: e, input: { action: e.action, field: e.field ?? undefined, old: parse(e.old_value), new: parse(e.new_value) } as EventInput }));
      start = end;
      if (group.some((g) => asRecord(g.input.new).no_auto_reply === true)) continue;
      for (const { row, input } of group) {
        const actor = row.actor_id == null ? undefined : (actors.get(row.actor_id) ?? { id: row.actor_id, role: "requester" as const });
        if (await enqueueMailFor(tx, row.ticket_id, actor, row.via, row.created_at, [input])) queued = true;
      }
    }
    return queued ? () => tx.background.wakeOutbox() : undefined;
  },
};
