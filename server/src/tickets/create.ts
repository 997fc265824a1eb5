/** Creating a ticket: checks, the row and its side rows, its events, then the in-transaction reactions. */
import type { Level, TicketCreateInput, TicketType } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { type Actor, isStaff } from "../auth/actor.ts";
import { claimAttachments } from "../attachments/service.ts";
import { nextTicketNumber, nextTicketNumberSql } from "../db/dialect.ts";
import { prepared, type Params } from "../db/prepared.ts";
import type { TicketRow } from "../db/schema.ts";
import { forbidden, invalid } from "../errors.ts";
import { slaClock } from "../events/reactions.ts";
import { notify } from "../notifications/service.ts";
import { htmlToText, toStoredHtml } from "../text/rich-text.ts";
import { loadFields, validateFieldValues } from "./custom-fields.ts";
import { type EventInput, recordEvents, viaOf } from "./events.ts";
import { loadMatrix, priorityOf } from "./priority.ts";
import { referenceOf } from "./reference.ts";
import { type ArrivalOptions, indexText, refuseFields } from "./service.ts";
import { loadStatuses } from "./statuses.ts";
import { lookupCreateRefs } from "./write-lookups.ts";

type Tx = AppContext;

/** What a new ticket's row is made of; everything else starts empty. */
type NewTicket = Pick<
  TicketRow,
  | "type"
  | "subject"
  | "description"
  | "status"
  | "status_category"
  | "priority"
  | "impact"
  | "urgency"
  | "priority_overridden"
  | "channel"
  | "requester_id"
  | "organization_id"
  | "category_id"
  | "team_id"
  | "assignee_id"
  | "created_by_id"
  | "is_major_incident"
> & { now: string };

const ticketValues = (p: Params<NewTicket>) => ({
  type: p.type,
  subject: p.subject,
  description: p.description,
  status: p.status,
  status_category: p.status_category,
  priority: p.priority,
  impact: p.impact,
  urgency: p.urgency,
  priority_overridden: p.priority_overridden,
  channel: p.channel,
  requester_id: p.requester_id,
  organization_id: p.organization_id,
  category_id: p.category_id,
  team_id: p.team_id,
  assignee_id: p.assignee_id,
  created_by_id: p.created_by_id,
  resolution_note: null,
  root_cause: null,
  is_major_incident: p.is_major_incident,
  merged_into_id: null,
  version: 1,
  created_at: p.now,
  updated_at: p.now,
  first_response_at: null,
  resolved_at: null,
  closed_at: null,
});
const insertTicket = prepared<NewTicket & { number: number }, TicketRow>((db, p) =>
  db
    .insertInto("tickets")
    .values({ number: p.number, ...ticketValues(p) })
    .returningAll(),
);
const insertTicketSeq = prepared<NewTicket, TicketRow>((db, p) =>
  db
    .insertInto("tickets")
    .values({ number: nextTicketNumberSql, ...ticketValues(p) })
    .returningAll(),
);

export async function createTicket(tx: Tx, actor: Actor, input: TicketCreateInput, opts: ArrivalOptions = {}): Promise<TicketRow> {
  if (!opts.trusted) refuseFields(actor, input, "create");
  const staff = isStaff(actor);
  const now = opts.at ?? tx.clock.now().toISOString();
  const via = opts.via ?? viaOf(actor);

  if (!staff && (input.requester_id !== undefined || input.requester !== undefined)) throw forbidden("Requesters cannot file tickets for someone else.");
  if (input.requester_id !== undefined && input.requester !== undefined) throw invalid("requester", "give requester_id or requester, not both");
  const { requester, category, defaultType, teamId, watchers } = await lookupCreateRefs(tx, actor, input, opts.watcherIds);
  const type = (input.type ?? defaultType ?? "incident") as TicketType;
  if (!staff && !opts.trusted && type !== "incident" && type !== "service_request") throw invalid("type", "requesters can file incidents and service requests");
  if (input.is_major_incident && type !== "incident") throw invalid("is_major_incident", "only incidents can be major incidents");

  const impact: Level = input.impact ?? "medium";
  const urgency: Level = input.urgency ?? "medium";
  const matrixPriority = priorityOf(await loadMatrix(tx), impact, urgency);
  const overridden = input.priority !== undefined && input.priority !== matrixPriority;

  const statusKey = input.status ?? "new";
  const status = (await loadStatuses(tx)).find((s) => s.key === statusKey)!;
  const channel = opts.channel ?? (staff && input.channel ? input.channel : actor.auth === "token" ? "api" : "web");
  const fieldValues = validateFieldValues(await loadFields(tx), input.custom_fields, { creating: true, requester: !staff });
  const description = toStoredHtml(input.description, input.format, "description");

  const row: NewTicket = {
    type,
    subject: input.subject,
    description,
    status: status.key,
    status_category: status.category,
    priority: input.priority ?? matrixPriority,
    impact,
    urgency,
    priority_overridden: overridden ? 1 : 0,
    channel,
    requester_id: requester.id,
    organization_id: requester.organization_id,
    category_id: category?.id ?? null,
    team_id: teamId,
    assignee_id: input.assignee_id ?? null,
    created_by_id: actor.id,
    is_major_incident: input.is_major_incident ? 1 : 0,
    now,
  };
  // PostgreSQL draws the number from its sequence inside the insert (no round trip, no row lock).
  const ticket = tx.dialect === "postgres" ? await insertTicketSeq.first(tx.db, row) : await insertTicket.first(tx.db, { ...row, number: await nextTicketNumber(tx.dialect, tx.db) });
  if (!ticket) throw new Error("the ticket insert returned no row");

  const tags = [...new Set(input.tags ?? [])];
  if (tags.length)
    await tx.db
      .insertInto("ticket_tags")
      .values(tags.map((tag) => ({ ticket_id: ticket.id, tag })))
      .execute();
  if (watchers.length)
    await tx.db
      .insertInto("ticket_watchers")
      .values(watchers.map((user_id) => ({ ticket_id: ticket.id, user_id })))
      .execute();
  const values = fieldValues.filter((v): v is [number, string] => v[1] !== null);
  if (values.length)
    await tx.db
      .insertInto("ticket_field_values")
      .values(values.map(([field_id, value]) => ({ ticket_id: ticket.id, field_id, value })))
      .execute();
  await claimAttachments(tx.db, actor, input.attachment_ids, { ticketId: ticket.id });
  // Plain text indexes as it came, whitespace folded: what htmlToText gives back of textToHtml, without parsing.
  const words = input.format === "text" ? input.description.replace(/\s+/g, " ").trim() : htmlToText(description);
  await indexText(tx, ticket.id, null, false, `${ticket.subject} ${words}`);

  const events: EventInput[] = [
    {
      action: "created",
      new: {
        reference: referenceOf(ticket),
        type,
        status: status.key,
        priority: ticket.priority,
        channel,
        requester_id: requester.id,
        team_id: teamId,
        assignee_id: ticket.assignee_id,
        on_behalf: requester.id !== actor.id,
        ...(opts.noAutoReply ? { no_auto_reply: true } : {}),
      },
    },
  ];
  if (overridden) events.push({ action: "priority_overridden", field: "priority", old: matrixPriority, new: input.priority });
  await recordEvents(tx.db, ticket.id, actor, via, now, events);
  if (ticket.assignee_id) await notify(tx.db, { userIds: [ticket.assignee_id], ticketId: ticket.id, kind: "assigned", actorId: actor.id, summary: `${referenceOf(ticket)} ${ticket.subject}`, now });
  return { ...ticket, ...(await slaClock(tx, ticket.id, { actor, via, created: ticket })) };
}
