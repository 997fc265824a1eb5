/**
 * The public event log: everything that happened to tickets, for integrators to follow with a
 * cursor. Admins only: a signed-in admin, or an admin's API token with `events:read` (or `all`).
 * An agent's token cannot hold `events:read`: the log spans every team and internal note, and a
 * token never reads more than its owner could (auth/scopes.ts).
 */
import { EventLogPage, EventLogQuery, type LoggedEvent } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { invalid } from "../errors.ts";
import { cursorOf, decodeCursor, encodeCursor, type FeedEvent, LOG_START, readCommitted } from "./feed.ts";

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));

function presentLoggedEvent(e: FeedEvent): LoggedEvent {
  return {
    id: Number(e.id),
    cursor: encodeCursor(cursorOf(e)),
    ticket_id: e.ticket_id,
    actor_id: e.actor_id,
    via: e.via,
    action: e.action,
    field: e.field,
    old_value: parse(e.old_value),
    new_value: parse(e.new_value),
    created_at: e.created_at,
  };
}

/** What the API reference says of the event log. */
const EVENT_LOG_DOC = {
  summary: "The event log: every ticket event, oldest first, after a cursor",
  description:
    "Each event has a stable `id`. Pass `next_cursor` as `after` for the next page; an empty page keeps your cursor, so poll with it to see what happens next. Only committed events are listed, and an event never appears behind a cursor already handed out, even when its transaction committed late.",
};

export function eventRoutes(app: App, ctx: AppContext) {
  app.get("/api/events", {
    config: { access: "admin" },
    schema: { tags: ["events"], ...EVENT_LOG_DOC, querystring: EventLogQuery, response: { 200: EventLogPage } },
    handler: async (req) => {
      const after = req.query.after === undefined ? LOG_START : decodeCursor(req.query.after);
      if (!after) throw invalid("after", "is not a cursor from this event log; pass a next_cursor you were given, or leave it out to start at the beginning");
      const rows = await readCommitted(ctx.db, ctx.dialect, after, req.query.limit);
      const items = rows.map(presentLoggedEvent);
      return { items, next_cursor: items.length ? items[items.length - 1].cursor : encodeCursor(after) };
    },
  });
}
