/** Vocabulary shared by the server and the web app. Values are the words stored in the database. */
import { z } from "zod";

export const ROLES = ["requester", "agent", "supervisor", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const TICKET_TYPES = ["incident", "service_request", "problem", "change"] as const;
export const TicketType = z.enum(TICKET_TYPES);
export type TicketType = z.infer<typeof TicketType>;

/** Reference prefix per type; all types share one number sequence (INC-1042, REQ-1043 ...). */
export const TYPE_PREFIX: Record<TicketType, string> = {
  incident: "INC",
  service_request: "REQ",
  problem: "PRB",
  change: "CHG",
};

export const CHANNELS = ["web", "email", "api", "phone", "chat", "alert"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const LEVELS = ["high", "medium", "low"] as const;
/** Impact (how many are affected) and urgency (how soon it hurts) feed the priority matrix. */
export const Level = z.enum(LEVELS);
export type Level = z.infer<typeof Level>;

/**
 * Every status belongs to one category; the category decides behaviour (transitions, SLA
 * pauses, what requesters see). `draft` and `cancelled` are internal to the built-in statuses.
 */
export const STATUS_CATEGORIES = ["draft", "new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "closed", "cancelled"] as const;
export const StatusCategory = z.enum(STATUS_CATEGORIES);
export type StatusCategory = z.infer<typeof StatusCategory>;

/** The categories of an open ticket: work not yet done (the open views, counts and SLA lists). */
export const OPEN_CATEGORIES = ["new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval"] as const satisfies readonly StatusCategory[];

/** Which categories a ticket may move to from each category (the server enforces it; the app offers only these). */
export const STATUS_TRANSITIONS: Record<StatusCategory, readonly StatusCategory[]> = {
  draft: ["new", "open", "cancelled"],
  new: ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "cancelled"],
  open: ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "cancelled"],
  awaiting_requester: ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "cancelled"],
  awaiting_third_party: ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "cancelled"],
  awaiting_approval: ["open", "awaiting_requester", "awaiting_third_party", "awaiting_approval", "resolved", "cancelled"],
  // A resolved ticket is either reopened or closed; closed and cancelled are final.
  resolved: ["open", "closed"],
  closed: [],
  cancelled: [],
};

export const BUILTIN_STATUSES = ["draft", "new", "open", "in_progress", "on_hold", "pending", "under_review", "resolved", "closed", "cancelled"] as const;

export const LINK_KINDS = ["related", "parent", "child", "duplicate_of", "caused_by"] as const;
/**
 * How the target relates to the ticket the link is made from: `parent` means the target is the
 * parent; `caused_by` links an incident to the problem that caused it.
 */
export const LinkKind = z.enum(LINK_KINDS);
export type LinkKind = z.infer<typeof LinkKind>;

export const CUSTOM_FIELD_TYPES = ["text", "number", "boolean", "date", "select"] as const;
export const CustomFieldType = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldType>;
