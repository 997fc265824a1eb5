/**
 * The workspace's one live connection (GET /api/live, Server-Sent Events with the session
 * cookie). It keeps what the agent sees current without reloads:
 * - a ticket change refreshes that ticket if it is open, replaces its row in place in any list,
 *   and refreshes the view counts;
 * - a notification refreshes the bell and shows a toast;
 * - presence (another agent viewing or typing) feeds a small store read by the ticket header and
 *   the list rows. Entries expire 30 s after they were last heard of, as on the server.
 * Lists subscribe too, to count new tickets without moving rows (ticket-list.tsx).
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { Presence, Ticket } from "@tessera/contracts";
import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { agentKeys, patchListRows } from "../api/agent-queries.ts";
import { fetchTicket } from "../api/endpoints.ts";
import { keys } from "../api/queries.ts";
import { collapsingToasts } from "./toast.ts";

export interface LiveTicketEvent {
  event_id: number;
  ticket_id: number;
  action: string;
  field: string | null;
  actor_id: number | null;
  version: number;
}

interface LiveNotification {
  id: number;
  ticket_id: number | null;
  kind: string;
  summary: string;
}

interface LivePresence {
  ticket_id: number;
  user: { id: number; name: string };
  state: "viewing" | "typing" | "left";
}

export type LiveStatus = "connecting" | "open" | "reconnecting";

// ---- presence store ----

export interface PresentAgent {
  id: number;
  name: string;
  state: "viewing" | "typing";
}

const PRESENCE_TTL_MS = 30_000;

class PresenceStore {
  private byTicket = new Map<number, Map<number, PresentAgent & { at: number }>>();
  private listeners = new Set<() => void>();
  private version = 0;

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getVersion = () => this.version;

  private emit() {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  set(ticketId: number, user: { id: number; name: string }, state: LivePresence["state"], at = Date.now()) {
    const here = this.byTicket.get(ticketId) ?? new Map();
    if (state === "left") here.delete(user.id);
    else here.set(user.id, { id: user.id, name: user.name, state, at });
    this.byTicket.set(ticketId, here);
    this.emit();
  }

  /** What GET /api/tickets/:id/presence said: the agents there now, replacing what we had. */
  reset(ticketId: number, rows: Presence[]) {
    const here = new Map<number, PresentAgent & { at: number }>();
    for (const r of rows) here.set(r.user.id, { id: r.user.id, name: r.user.name, state: r.state, at: new Date(r.updated_at).getTime() || Date.now() });
    this.byTicket.set(ticketId, here);
    this.emit();
  }

  sweep() {
    const cutoff = Date.now() - PRESENCE_TTL_MS;
    let changed = false;
    for (const here of this.byTicket.values()) {
      for (const [id, p] of here) {
        if (p.at < cutoff) {
          here.delete(id);
          changed = true;
        }
      }
    }
    if (changed) this.emit();
  }

  on(ticketId: number): PresentAgent[] {
    return [...(this.byTicket.get(ticketId)?.values() ?? [])].map(({ id, name, state }) => ({ id, name, state })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Per ticket: "typing" if anyone types there, else "viewing" if anyone is there. */
  summary(): Map<number, "viewing" | "typing"> {
    const out = new Map<number, "viewing" | "typing">();
    for (const [ticketId, here] of this.byTicket) {
      if (!here.size) continue;
      out.set(ticketId, [...here.values()].some((p) => p.state === "typing") ? "typing" : "viewing");
    }
    return out;
  }
}

// ---- the connection ----

interface LiveContextValue {
  status: LiveStatus;
  presence: PresenceStore;
  /** Listens to every ticket change the agent may see; returns the unsubscribe function. */
  onTicket(fn: (e: LiveTicketEvent) => void): () => void;
  /** Called after the stream came back from a drop, when events may have been missed. */
  onReconnect(fn: () => void): () => void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

const NOTIFICATION_TITLES: Record<string, string> = {
  mention: "You were mentioned",
  assigned: "Assigned to you",
  requester_reply: "The requester replied",
  snooze_ended: "Back from snooze",
  sla_warning: "SLA at risk",
  sla_breach: "SLA breached",
  auto_closed: "Closed automatically",
  mail_held: "Mail waits for you",
};

/** Open tickets in the cache whose id is this one (cached under a reference or an id). */
function openTicketKeys(client: QueryClient, ticketId: number): string[] {
  return client
    .getQueryCache()
    .findAll({ queryKey: ["ticket"] })
    .filter((q) => (q.state.data as Ticket | undefined)?.id === ticketId)
    .map((q) => String(q.queryKey[1]));
}

function listsHold(client: QueryClient, ticketId: number): boolean {
  return client
    .getQueryCache()
    .findAll({ queryKey: agentKeys.lists })
    .some((q) => (q.state.data as { pages?: Array<{ items: Array<{ id: number }> }> } | undefined)?.pages?.some((p) => p.items.some((t) => t.id === ticketId)));
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const presence = useMemo(() => new PresenceStore(), []);
  const ticketListeners = useRef(new Set<(e: LiveTicketEvent) => void>());
  const reconnectListeners = useRef(new Set<() => void>());

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let everOpened = false;
    let countsTimer: ReturnType<typeof setTimeout> | undefined;
    const rowTimers = new Map<number, ReturnType<typeof setTimeout>>();

    const refreshCounts = () => {
      clearTimeout(countsTimer);
      countsTimer = setTimeout(() => void client.invalidateQueries({ queryKey: agentKeys.counts }), 600);
    };

    const onTicket = (e: LiveTicketEvent) => {
      refreshCounts();
      for (const k of openTicketKeys(client, e.ticket_id)) {
        void client.invalidateQueries({ queryKey: keys.ticket(k) });
        void client.invalidateQueries({ queryKey: keys.comments(k) });
        void client.invalidateQueries({ queryKey: agentKeys.events(k) });
      }
      // Several events of one change arrive together: fetch the row once.
      if (listsHold(client, e.ticket_id)) {
        clearTimeout(rowTimers.get(e.ticket_id));
        rowTimers.set(
          e.ticket_id,
          setTimeout(() => {
            rowTimers.delete(e.ticket_id);
            fetchTicket(String(e.ticket_id)).then(
              (t) => patchListRows(client, t),
              () => {},
            );
          }, 250),
        );
      }
      void client.invalidateQueries({ queryKey: ["requester-tickets"] });
      for (const fn of ticketListeners.current) fn(e);
    };

    const notificationToast = collapsingToasts({ color: "indigo", autoClose: 6_000 }, (n) => `${n} new notifications`);
    const connect = () => {
      source = new EventSource("/api/live", { withCredentials: true });
      source.addEventListener("open", () => {
        setStatus("open");
        if (everOpened) {
          // Anything may have changed while the stream was down.
          void client.invalidateQueries({ queryKey: agentKeys.counts });
          void client.invalidateQueries({ queryKey: agentKeys.notifications });
          for (const fn of reconnectListeners.current) fn();
        }
        everOpened = true;
      });
      source.addEventListener("error", () => {
        setStatus("reconnecting");
        // The browser retries by itself unless the server refused the stream outright.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, 5_000);
        }
      });
      source.addEventListener("ticket", (m) => onTicket(JSON.parse((m as MessageEvent).data) as LiveTicketEvent));
      source.addEventListener("notification", (m) => {
        const n = JSON.parse((m as MessageEvent).data) as LiveNotification;
        void client.invalidateQueries({ queryKey: agentKeys.notifications });
        notificationToast(NOTIFICATION_TITLES[n.kind] ?? "Notification", n.summary);
      });
      source.addEventListener("presence", (m) => {
        const p = JSON.parse((m as MessageEvent).data) as LivePresence;
        presence.set(p.ticket_id, p.user, p.state);
      });
    };
    connect();
    const sweeper = setInterval(() => presence.sweep(), 5_000);
    return () => {
      source?.close();
      clearTimeout(retry);
      clearTimeout(countsTimer);
      clearInterval(sweeper);
      for (const t of rowTimers.values()) clearTimeout(t);
    };
  }, [client, presence]);

  const value = useMemo<LiveContextValue>(
    () => ({
      status,
      presence,
      onTicket: (fn) => {
        ticketListeners.current.add(fn);
        return () => ticketListeners.current.delete(fn);
      },
      onReconnect: (fn) => {
        reconnectListeners.current.add(fn);
        return () => reconnectListeners.current.delete(fn);
      },
    }),
    [status, presence],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive outside LiveProvider");
  return live;
}

/** Other agents on this ticket now, sorted by name. */
export function usePresenceOn(ticketId: number | undefined): PresentAgent[] {
  const { presence } = useLive();
  const version = useSyncExternalStore(presence.subscribe, presence.getVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version is how the store says its contents changed
  return useMemo(() => (ticketId === undefined ? [] : presence.on(ticketId)), [presence, ticketId, version]);
}

/** For list rows: which tickets someone else is viewing or typing on. */
export function usePresenceSummary(): Map<number, "viewing" | "typing"> {
  const { presence } = useLive();
  const version = useSyncExternalStore(presence.subscribe, presence.getVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version is how the store says its contents changed
  return useMemo(() => presence.summary(), [presence, version]);
}
