/** The agent workspace's shapes: notifications, saved views, presence, counts and bulk outcomes. */
import { z } from "zod";
import { Instant } from "./common.ts";

export const NotificationKind = z.string().describe("mention, assigned, requester_reply (more kinds may come)");

/**
 * One line of the bell: a notification, or several unread ones of the same kind on the same ticket
 * collapsed into one ("SLA breached on REQ-1042 ×4"). Its fields are those of the newest; `count`
 * says how many it stands for. Marking it read (POST /api/notifications/:id/read with its `id`)
 * marks all of them read.
 */
export const Notification = z.object({
  /** The newest notification of the group. */
  id: z.number().int(),
  kind: NotificationKind,
  ticket_id: z.number().int().nullable(),
  /** The ticket's reference (REQ-1042), when the notification is about a ticket. */
  ticket_reference: z.string().nullable(),
  /** Who caused the newest one. */
  actor: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  /** How many different people caused the notifications of the group. */
  actor_count: z.number().int(),
  summary: z.string(),
  /** When the newest one happened. */
  created_at: Instant,
  read_at: Instant.nullable(),
  /** How many notifications this line stands for (1 when nothing was collapsed). */
  count: z.number().int().min(1),
  /** Set while the caller has muted this ticket's notifications; null in `until` means until unmuted. */
  muted: z.object({ until: Instant.nullable() }).nullable(),
});
export type Notification = z.infer<typeof Notification>;

/** A ticket whose notifications the caller has muted. */
export const NotificationMute = z.object({
  ticket_id: z.number().int(),
  ticket_reference: z.string(),
  subject: z.string(),
  /** Null: until unmuted. */
  until: Instant.nullable(),
});
export type NotificationMute = z.infer<typeof NotificationMute>;

/** How long to mute a ticket's notifications. Mentions of the caller still come through. */
export const NotificationMuteInput = z
  .object({
    /** When the mute ends: in the future and at most a year ahead; null mutes until unmuted. */
    until: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
export type NotificationMuteInput = z.infer<typeof NotificationMuteInput>;

export const NotificationList = z.object({
  /** Unread lines of the bell: a collapsed group counts once, as the agent sees it once. */
  unread_count: z.number().int(),
  /** Unread notifications, repeats included. */
  unread_items: z.number().int(),
  items: z.array(Notification),
  /** Tickets the caller has muted, mute ending soonest first. */
  mutes: z.array(NotificationMute),
});
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
