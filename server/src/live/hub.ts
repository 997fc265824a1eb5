/**
 * Live updates for browsers over Server-Sent Events.
 *
 * Every node polls the committed audit trail (ticket_events), notifications and presence once a
 * second, on indexed columns, and fans what is new out to its own subscribers. Ticket events are
 * read the commit-safe way (events/feed.ts) with a per-node cursor in memory: live is per node,
 * and an event whose transaction commits late is still sent, not skipped;
 * a change made on this node triggers a poll at once. Reading only committed rows means a
 * browser never hears of a change that is later rolled back, and the same loop works for one
 * SQLite node and for many PostgreSQL nodes without a second channel. Each event is checked
 * against the subscriber's visibility before it is sent.
 */
import type { Actor } from "../auth/actor.ts";
import { isStaff } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import { cursorOf, type FeedCursor, headCursor, LOG_START, readCommitted } from "../events/feed.ts";
import { REQUESTER_EVENT_ACTIONS } from "../tickets/events.ts";
import { seesTicket, TICKET_FACT_COLUMNS, type TicketFacts } from "../tickets/policy.ts";

export interface Subscriber {
  actor: Actor;
  send(event: string, data: unknown): void;
  /** Re-checks the credential; false ends the stream (sign-out, disabled account). */
  stillValid(): Promise<boolean>;
  close(): void;
}

const POLL_MS = 1000;
const REVALIDATE_MS = 5000;
export const PRESENCE_TTL_MS = 30_000;

export class LiveHub {
  private subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  private revalidateTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private again = false;
  private eventCursor: FeedCursor = LOG_START;
  private lastNotificationId = 0;
  private lastPresenceAt = "";

  constructor(private ctx: AppContext) {}

  async add(sub: Subscriber) {
    if (this.subscribers.size === 0) await this.start();
    this.subscribers.add(sub);
  }

  remove(sub: Subscriber) {
    this.subscribers.delete(sub);
    if (this.subscribers.size === 0) this.stop();
  }

  /** Something changed on this node: look now rather than at the next tick. */
  kick() {
    if (this.subscribers.size) void this.poll();
  }

  /** Presence changes made on this node reach its subscribers without waiting. */
  publishPresence(ticket: TicketFacts, payload: { ticket_id: number; user: { id: number; name: string }; state: string }) {
    for (const sub of this.subscribers) if (isStaff(sub.actor) && sub.actor.id !== payload.user.id && this.sees(sub.actor, ticket, new Set(), new Set())) sub.send("presence", payload);
  }

  private async start() {
    const db = this.ctx.db;
    const [e, n] = await Promise.all([
      headCursor(db, this.ctx.dialect),
      db
        .selectFrom("notifications")
        .select((eb) => eb.fn.max("id").as("m"))
        .executeTakeFirst(),
    ]);
    this.eventCursor = e;
    this.lastNotificationId = Number(n?.m ?? 0);
    this.lastPresenceAt = this.ctx.clock.now().toISOString();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.revalidateTimer = setInterval(() => void this.revalidate(), REVALIDATE_MS);
    this.timer.unref();
    this.revalidateTimer.unref();
  }

  stop() {
    clearInterval(this.timer);
    clearInterval(this.revalidateTimer);
    this.timer = this.revalidateTimer = undefined;
  }

  close() {
    for (const sub of this.subscribers) sub.close();
    this.subscribers.clear();
    this.stop();
  }

  private async revalidate() {
    for (const sub of this.subscribers) {
      if (!(await sub.stillValid().catch(() => true))) {
        this.subscribers.delete(sub);
        sub.close();
      }
    }
  }

  /** The tickets policy's rule, with the watchers and sharing organizations fetched once per batch. */
  private sees(actor: Actor, t: TicketFacts, watchers: Set<string>, sharingOrgs: Set<number>): boolean {
    return seesTicket(actor, t, watchers.has(`${t.id}:${actor.id}`), t.organization_id != null && sharingOrgs.has(t.organization_id));
  }

  private async poll() {
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.again = false;
        await this.pollOnce();
      } while (this.again);
    } catch (err) {
      this.ctx.log.warn({ err }, "live update poll failed");
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce() {
    const db = this.ctx.db;
    const events = await readCommitted(db, this.ctx.dialect, this.eventCursor, 500);
    if (events.length) {
      this.eventCursor = cursorOf(events[events.length - 1]);
      const ticketIds = [...new Set(events.map((e) => e.ticket_id))];
      const tickets = new Map(
        (
          await db
            .selectFrom("tickets")
            .select(["id", "team_id", "requester_id", "assignee_id", "organization_id", "status_category", "created_by_id", "version"])
            .where("id", "in", ticketIds)
            .execute()
        ).map((t) => [t.id, t]),
      );
      const orgIds = [...new Set([...tickets.values()].map((t) => t.organization_id).filter((x): x is number => x != null))];
      const [watchRows, orgRows] = await Promise.all([
        db.selectFrom("ticket_watchers").selectAll().where("ticket_id", "in", ticketIds).execute(),
        orgIds.length ? db.selectFrom("organizations").select("id").where("id", "in", orgIds).where("shares_tickets", "=", 1).execute() : Promise.resolve([]),
      ]);
      const watchers = new Set(watchRows.map((w) => `${w.ticket_id}:${w.user_id}`));
      const sharing = new Set(orgRows.map((o) => o.id));
      for (const e of events) {
        const t = tickets.get(e.ticket_id);
        if (!t) continue;
        for (const sub of this.subscribers) {
          if (!this.sees(sub.actor, t, watchers, sharing)) continue;
          if (!isStaff(sub.actor) && !REQUESTER_EVENT_ACTIONS.includes(e.action)) continue;
          sub.send("ticket", { event_id: e.id, ticket_id: e.ticket_id, action: e.action, field: e.field, actor_id: e.actor_id, version: t.version });
        }
      }
      if (events.length === 500) this.again = true;
    }

    const notes = await db.selectFrom("notifications").select(["id", "user_id", "ticket_id", "kind", "summary"]).where("id", ">", this.lastNotificationId).orderBy("id").limit(500).execute();
    if (notes.length) {
      this.lastNotificationId = notes[notes.length - 1].id;
      for (const n of notes) for (const sub of this.subscribers) if (sub.actor.id === n.user_id) sub.send("notification", n);
    }

    const since = this.lastPresenceAt;
    this.lastPresenceAt = this.ctx.clock.now().toISOString();
    const presence = await db
      .selectFrom("presence")
      .innerJoin("users", "users.id", "presence.user_id")
      .innerJoin("tickets", "tickets.id", "presence.ticket_id")
      .select(["presence.ticket_id", "presence.user_id", "presence.state", "users.name", ...TICKET_FACT_COLUMNS])
      .where("presence.updated_at", ">", since)
      .execute();
    for (const p of presence) {
      const facts = { ...p, id: p.ticket_id };
      for (const sub of this.subscribers) {
        if (isStaff(sub.actor) && sub.actor.id !== p.user_id && this.sees(sub.actor, facts, new Set(), new Set()))
          sub.send("presence", { ticket_id: p.ticket_id, user: { id: p.user_id, name: p.name }, state: p.state });
      }
    }
  }
}
