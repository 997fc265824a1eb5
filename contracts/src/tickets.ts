import { z } from "zod";
import { Instant, NamedRef, UserRef } from "./common.ts";
import { Channel, CustomFieldType, Level, LinkKind, Priority, StatusCategory, TicketType } from "./enums.ts";
import { TicketAlert } from "./alerts.ts";
import { SlaBadge, SlaListFilter } from "./sla.ts";
import { DraftMarker } from "./drafts.ts";

/** A ticket id or its reference: 42, "INC-1042" or "1042". */
export const TicketKey = z.string().trim().min(1).max(40);

const Subject = z.string().trim().min(1, "must not be empty").max(300);
/** Rich text. `html` is sanitised on the server; `text` is escaped and paragraphs kept. */
const Body = z.string().max(200_000, "must be at most 200,000 characters");
const BodyFormat = z.enum(["html", "text"]).default("html");
const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_.:/-]*$/u, "tags are letters, digits and _ . : / -");
const CustomFieldValues = z.record(z.string().max(64), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]));
const IdList = z.array(z.number().int().positive()).max(100);

export const TicketCreateInput = z
  .object({
    subject: Subject,
    description: Body.default(""),
    format: BodyFormat,
    type: TicketType.optional(),
    channel: Channel.optional(),
    status: z.enum(["draft", "new"]).optional(),
    /** An agent creating on behalf of someone names them by id or by email (created when unknown). */
    requester_id: z.number().int().positive().optional(),
    requester: z
      .object({ email: z.string().trim().toLowerCase().max(254), name: z.string().trim().max(200).optional() })
      .strict()
      .optional(),
    category_id: z.number().int().positive().nullable().optional(),
    team_id: z.number().int().positive().nullable().optional(),
    assignee_id: z.number().int().positive().nullable().optional(),
    impact: Level.optional(),
    urgency: Level.optional(),
    priority: Priority.optional(),
    tags: z.array(Tag).max(50).optional(),
    watcher_ids: IdList.optional(),
    custom_fields: CustomFieldValues.optional(),
    attachment_ids: IdList.optional(),
    is_major_incident: z.boolean().optional(),
  })
  .strict();
export type TicketCreateInput = z.infer<typeof TicketCreateInput>;

export const TicketUpdateInput = z
  .object({
    /** The version read; or send it as the If-Match header. */
    version: z.number().int().positive().optional(),
    subject: Subject,
    description: Body,
    // No default here: a defaulted format would count as a field the caller set, and a
    // requester (who may not edit the description) could then never PATCH at all.
    format: z.enum(["html", "text"]),
    type: TicketType,
    status: z.string().min(1).max(40),
    requester_id: z.number().int().positive(),
    category_id: z.number().int().positive().nullable(),
    team_id: z.number().int().positive().nullable(),
    assignee_id: z.number().int().positive().nullable(),
    impact: Level,
    urgency: Level,
    /** Setting a priority overrides the matrix; null returns to the matrix. */
    priority: Priority.nullable(),
    tags: z.array(Tag).max(50),
    add_tags: z.array(Tag).max(50),
    remove_tags: z.array(Tag).max(50),
    watcher_ids: IdList,
    custom_fields: CustomFieldValues,
    resolution_note: z.string().trim().max(20_000),
    root_cause: z.string().trim().max(20_000),
    is_major_incident: z.boolean(),
  })
  .partial()
  .strict();
export type TicketUpdateInput = z.infer<typeof TicketUpdateInput>;

export const CommentCreateInput = z
  .object({
    body: Body.refine((s) => s.trim().length > 0, "must not be empty"),
    format: BodyFormat,
    internal: z.boolean().default(false),
    attachment_ids: IdList.optional(),
  })
  .strict();
export type CommentCreateInput = z.infer<typeof CommentCreateInput>;

export const Attachment = z.object({
  id: z.number().int(),
  filename: z.string(),
  content_type: z.string(),
  size: z.number().int(),
  url: z.string(),
  created_at: Instant,
});
export type Attachment = z.infer<typeof Attachment>;

export const Comment = z.object({
  id: z.number().int(),
  ticket_id: z.number().int(),
  author: UserRef.nullable(),
  body: z.string().describe("sanitised HTML"),
  internal: z.boolean(),
  mentions: z.array(UserRef),
  attachments: z.array(Attachment),
  created_at: Instant,
});
export type Comment = z.infer<typeof Comment>;

export const TicketRef = z.object({
  id: z.number().int(),
  reference: z.string(),
  subject: z.string(),
  status: z.string(),
});

/** Seen from this ticket: the stored kinds plus their inverses (child, duplicated_by, causes). */
export const TicketLinkKind = z.enum(["related", "parent", "child", "duplicate_of", "duplicated_by", "caused_by", "causes"]);
export const TicketLink = z.object({ id: z.number().int(), kind: TicketLinkKind, ticket: TicketRef });
export type TicketLink = z.infer<typeof TicketLink>;

export const StatusRef = z.object({
  key: z.string(),
  label: z.string(),
  requester_label: z.string(),
  category: StatusCategory,
});

const TicketBase = z.object({
  id: z.number().int(),
  number: z.number().int(),
  reference: z.string(),
  type: TicketType,
  subject: z.string(),
  status: StatusRef,
  priority: Priority,
  channel: Channel,
  requester: UserRef,
  organization: NamedRef.nullable(),
  category: NamedRef.nullable(),
  team: NamedRef.nullable(),
  assignee: UserRef.nullable(),
  version: z.number().int(),
  created_at: Instant,
  updated_at: Instant,
  first_response_at: Instant.nullable(),
  resolved_at: Instant.nullable(),
  closed_at: Instant.nullable(),
  /** Snoozed until then (agents only): out of "My open tickets" and the unassigned queue meanwhile. */
  snoozed_until: Instant.nullable(),
  /** The snooze ran out (or the requester replied) and no agent has acted on it since. */
  back_from_snooze: z.boolean(),
  /** The SLA countdown (agents only; null for requesters). */
  sla: SlaBadge.nullable(),
});

/** The newest message on a ticket, as a list row previews it (requesters see public ones only). */
export const LastMessage = z.object({
  preview: z.string().describe("plain text, at most 160 characters"),
  internal: z.boolean(),
  from_requester: z.boolean(),
  author: z.string().nullable(),
  created_at: Instant,
});
export type LastMessage = z.infer<typeof LastMessage>;

/** One row of a ticket list. */
export const TicketSummary = TicketBase.extend({
  tags: z.array(z.string()),
  last_message: LastMessage.nullable(),
  /**
   * Agents with an unsent reply or note on this ticket, you included, by name (agents only; empty
   * for requesters). Always sent by the list; optional so a row rebuilt from a full ticket stays valid.
   */
  draft_by: z.array(NamedRef).optional(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

export const Ticket = TicketBase.extend({
  description: z.string().describe("sanitised HTML"),
  impact: Level,
  urgency: Level,
  priority_overridden: z.boolean(),
  tags: z.array(z.string()),
  watchers: z.array(UserRef),
  custom_fields: z.record(z.string(), z.unknown()),
  attachments: z.array(Attachment),
  links: z.array(TicketLink),
  resolution_note: z.string().nullable(),
  root_cause: z.string().nullable(),
  is_major_incident: z.boolean(),
  merged_into: TicketRef.nullable(),
  created_by: UserRef.nullable(),
  /** The monitoring alert this ticket tracks (agents only; null for other tickets and for requesters). */
  alert: TicketAlert.nullable(),
  /** Whether the ticket is, or ever was, waiting on the requester (a status in the awaiting_requester category). */
  waited_on_requester: z.boolean(),
  /**
   * Unsent replies and notes on this ticket, newest first, you included (agents only; empty for
   * requesters). Defaults to empty for a ticket answered before drafts existed (an idempotent replay).
   */
  drafts: z.array(DraftMarker).default([]),
});
export type Ticket = z.infer<typeof Ticket>;

export const TicketEvent = z.object({
  id: z.number().int(),
  ticket_id: z.number().int(),
  actor: UserRef.nullable(),
  /** Who or what acted when it was not a person's direct action: "web", "api", "rule:12", "major_incident:INC-1". */
  via: z.string(),
  action: z.string(),
  field: z.string().nullable(),
  old_value: z.unknown(),
  new_value: z.unknown(),
  created_at: Instant,
});
export type TicketEvent = z.infer<typeof TicketEvent>;

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).max(50),
  );

export const TICKET_SORTS = ["created_at", "-created_at", "updated_at", "-updated_at", "priority", "-priority", "number", "-number", "sla"] as const;

export const TicketListQuery = z
  .object({
    status: csv(z.string().max(40)).optional(),
    status_category: csv(StatusCategory).optional(),
    type: csv(TicketType).optional(),
    priority: csv(Priority).optional(),
    channel: csv(Channel).optional(),
    team: csv(z.union([z.literal("none"), z.coerce.number().int().positive()])).optional(),
    /** A user id, `me`, or `none` for unassigned. */
    assignee: csv(z.union([z.literal("me"), z.literal("none"), z.coerce.number().int().positive()])).optional(),
    requester: csv(z.union([z.literal("me"), z.coerce.number().int().positive()])).optional(),
    organization: csv(z.coerce.number().int().positive()).optional(),
    category: csv(z.coerce.number().int().positive()).optional(),
    tag: csv(z.string().trim().toLowerCase().max(50)).optional(),
    created_after: z.iso.datetime({ offset: true }).optional(),
    created_before: z.iso.datetime({ offset: true }).optional(),
    updated_after: z.iso.datetime({ offset: true }).optional(),
    updated_before: z.iso.datetime({ offset: true }).optional(),
    q: z.string().max(500).optional(),
    /** `false`: leave out tickets snoozed now; `true`: only those. */
    snoozed: z.enum(["true", "false"]).optional(),
    /** SLA badge states, or `breaching_soon` (open tickets at risk or breached). */
    sla: csv(SlaListFilter).optional(),
    /** `sla`: breached first, then at risk, then by due time. */
    sort: z.enum(TICKET_SORTS).default("-updated_at"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type TicketListQuery = z.infer<typeof TicketListQuery>;

export const LinkCreateInput = z.object({ kind: LinkKind, target: z.union([z.number().int().positive(), TicketKey]) }).strict();
export const MergeInput = z.object({ into: z.union([z.number().int().positive(), TicketKey]) }).strict();
export const SplitInput = z.object({ comment_id: z.number().int().positive(), subject: Subject.optional() }).strict();
export const ConfirmInput = z.object({ comment: z.string().max(20_000).optional() }).strict();
export const ReopenInput = z.object({ comment: z.string().trim().min(1, "say what is still wrong").max(20_000) }).strict();

export const Status = z.object({
  key: z.string(),
  label: z.string(),
  requester_label: z.string(),
  category: StatusCategory,
  builtin: z.boolean(),
  position: z.number().int(),
  active: z.boolean(),
});
export type Status = z.infer<typeof Status>;
export const StatusInput = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "lowercase letters, digits and _, 2 to 40 long"),
    label: z.string().trim().min(1).max(60),
    requester_label: z.string().trim().min(1).max(60),
    category: StatusCategory.exclude(["draft"]),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export const StatusUpdateInput = StatusInput.omit({ key: true, category: true }).partial().extend({ active: z.boolean().optional() }).strict();

export const PriorityMatrix = z.object({
  /** matrix[impact][urgency] = priority */
  matrix: z.record(Level, z.record(Level, Priority)),
});
export type PriorityMatrix = z.infer<typeof PriorityMatrix>;

export const CustomField = z.object({
  id: z.number().int(),
  key: z.string(),
  label: z.string(),
  type: CustomFieldType,
  options: z.array(z.string()),
  required: z.boolean(),
  visible_to_requester: z.boolean(),
  active: z.boolean(),
});
export type CustomField = z.infer<typeof CustomField>;
export const CustomFieldInput = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "lowercase letters, digits and _"),
    label: z.string().trim().min(1).max(100),
    type: CustomFieldType,
    options: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
    required: z.boolean().optional(),
    visible_to_requester: z.boolean().optional(),
  })
  .strict();
export const CustomFieldUpdateInput = CustomFieldInput.omit({ key: true, type: true }).partial().extend({ active: z.boolean().optional() }).strict();
