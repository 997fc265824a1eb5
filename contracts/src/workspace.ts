/** The agent workspace's shapes: notifications, saved views, presence, counts and bulk outcomes. */
import { z } from "zod";
import { Instant } from "./common.ts";

export const NotificationKind = z.string().describe("mention, assigned, requester_reply (more kinds may come)");

export const Notification = z.object({
  id: z.number().int(),
  kind: NotificationKind,
  ticket_id: z.number().int().nullable(),
  actor: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  summary: z.string(),
  created_at: Instant,
  read_at: Instant.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({ unread_count: z.number().int(), items: z.array(Notification) });
export type NotificationList = z.infer<typeof NotificationList>;

/** A named set of list filters (the list's query parameters), personal or shared with a team. */
export const SavedView = z.object({
  id: z.number().int(),
  name: z.string(),
  owner_id: z.number().int(),
  team_id: z.number().int().nullable(),
  filters: z.record(z.string(), z.unknown()),
  columns: z.array(z.string()),
  position: z.number().int(),
  /** True when the caller owns it (and so may change or delete it). */
  mine: z.boolean(),
});
export type SavedView = z.infer<typeof SavedView>;

export const PresenceState = z.enum(["viewing", "typing", "left"]);
export type PresenceState = z.infer<typeof PresenceState>;

/** Another agent on a ticket in the last 30 seconds. */
export const Presence = z.object({
  user: z.object({ id: z.number().int(), name: z.string() }),
  state: z.enum(["viewing", "typing"]),
  updated_at: Instant,
});
export type Presence = z.infer<typeof Presence>;

export const TicketCount = z.object({ count: z.number().int() });

export const BulkResult = z.object({
  results: z.array(
    z.object({
      id: z.number().int(),
      ok: z.boolean(),
      version: z.number().int().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type BulkResult = z.infer<typeof BulkResult>;
