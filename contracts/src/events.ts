import { z } from "zod";
import { Instant } from "./common.ts";

/** GET /api/events: everything that happened to tickets, oldest first, after a cursor. */
export const EventLogQuery = z
  .object({
    /** A `next_cursor` (or an event's `cursor`) from an earlier page; omit to start at the beginning of the log. */
    after: z.string().max(100).optional(),
    /** Events per page, 1 to 500. */
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type EventLogQuery = z.infer<typeof EventLogQuery>;

/** One entry of the event log: a ticket event, with a stable id and the position after it. */
export const LoggedEvent = z.object({
  /** Stable: the same event always has the same id. */
  id: z.number().int(),
  /** Opaque: pass it as `after` to read what came after this event. */
  cursor: z.string(),
  ticket_id: z.number().int(),
  /** The user who acted; null for Tessera itself (SLA sweep, mail intake, automations). */
  actor_id: z.number().int().nullable(),
  /** How the change came: "web", "api", "email", "sla:<policy>", "major_incident:INC-1"... */
  via: z.string(),
  action: z.string(),
  field: z.string().nullable(),
  old_value: z.unknown(),
  new_value: z.unknown(),
  created_at: Instant,
});
export type LoggedEvent = z.infer<typeof LoggedEvent>;

export const EventLogPage = z.object({
  items: z.array(LoggedEvent),
  /** Where to continue: after the last item, or the cursor you sent when there was nothing new. Never null, so a poller always has one. */
  next_cursor: z.string(),
});
export type EventLogPage = z.infer<typeof EventLogPage>;
