/**
 * TanStack Query hooks for the agent workspace. The ticket and its conversation share their
 * keys with the portal's hooks (queries.ts), so a change stored by either is seen by both.
 * Lists are keyed apart from `keys.allTickets`: the workspace refreshes them itself, in place,
 * so that rows never move under the agent's pointer (see agent/ticket-list.tsx).
 */
import { useInfiniteQuery, useQuery, type QueryClient } from "@tanstack/react-query";
import type { Status, Team, Ticket, TicketSummary, User } from "@tessera/contracts";
import { useMemo } from "react";
import { countTickets, fetchAgentComments, fetchEvents, fetchNotifications, fetchPresence, fetchStaff, fetchStatuses, fetchTeams, fetchViews, listTickets, type TicketFilters } from "./agent.ts";
import { fetchTicket } from "./endpoints.ts";
import { keys } from "./queries.ts";

export const agentKeys = {
  lists: ["agent-list"] as const,
  list: (filters: TicketFilters, sort: string) => ["agent-list", filters, sort] as const,
  counts: ["ticket-count"] as const,
  count: (filters: TicketFilters) => ["ticket-count", filters] as const,
  events: (key: string) => ["ticket-events", key] as const,
  staff: ["staff"] as const,
  teams: ["teams"] as const,
  statuses: ["statuses"] as const,
  views: ["views"] as const,
  notifications: ["notifications"] as const,
  presence: (key: string) => ["presence", key] as const,
  requesterTickets: (id: number) => ["requester-tickets", id] as const,
};

const PAGE = 50;

export const useTicketPages = (filters: TicketFilters, sort: string) =>
  useInfiniteQuery({
    queryKey: agentKeys.list(filters, sort),
    queryFn: ({ pageParam, signal }) => listTickets(filters, { sort, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // The workspace refreshes lists when the live stream says something changed.
    staleTime: 5 * 60_000,
  });

export const useTicketCount = (filters: TicketFilters, enabled = true) =>
  useQuery({ queryKey: agentKeys.count(filters), queryFn: ({ signal }) => countTickets(filters, signal), staleTime: 60_000, enabled });

/** The open ticket; the live stream invalidates it, so it does not poll. */
export const useAgentTicket = (key: string) => useQuery({ queryKey: keys.ticket(key), queryFn: () => fetchTicket(key), staleTime: 60_000 });
export const useAgentComments = (key: string) => useQuery({ queryKey: keys.comments(key), queryFn: () => fetchAgentComments(key), staleTime: 60_000 });
export const useTicketEvents = (key: string) => useQuery({ queryKey: agentKeys.events(key), queryFn: () => fetchEvents(key), staleTime: 60_000 });

const LONG = 10 * 60_000;
export const useStaff = () => useQuery({ queryKey: agentKeys.staff, queryFn: fetchStaff, staleTime: LONG, select: (p) => p.items });
export const useTeams = () => useQuery({ queryKey: agentKeys.teams, queryFn: fetchTeams, staleTime: LONG });
export const useStatuses = () => useQuery({ queryKey: agentKeys.statuses, queryFn: fetchStatuses, staleTime: LONG });
export const useViews = () => useQuery({ queryKey: agentKeys.views, queryFn: fetchViews, staleTime: LONG });
export const useNotifications = () => useQuery({ queryKey: agentKeys.notifications, queryFn: fetchNotifications, staleTime: 60_000 });
export const usePresence = (key: string) => useQuery({ queryKey: agentKeys.presence(key), queryFn: () => fetchPresence(key), staleTime: 5_000 });

export const useRequesterTickets = (requesterId: number) =>
  useQuery({
    queryKey: agentKeys.requesterTickets(requesterId),
    queryFn: ({ signal }) => listTickets({ requester: String(requesterId) }, { sort: "-updated_at", limit: 8 }, signal),
    staleTime: 60_000,
  });

/** Lookups by id for the names an audit trail refers to. */
export interface Directory {
  users: Map<number, Pick<User, "id" | "name" | "email">>;
  teams: Map<number, Team>;
  statuses: Map<string, Status>;
}

export function useDirectory(): Directory {
  const staff = useStaff();
  const teams = useTeams();
  const statuses = useStatuses();
  return useMemo(
    () => ({
      users: new Map((staff.data ?? []).map((u) => [u.id, u])),
      teams: new Map((teams.data ?? []).map((t) => [t.id, t])),
      statuses: new Map((statuses.data ?? []).map((s) => [s.key, s])),
    }),
    [staff.data, teams.data, statuses.data],
  );
}

/** Replaces one ticket's row wherever a workspace list holds it, without moving any row. */
export function patchListRows(client: QueryClient, ticket: TicketSummary | Ticket) {
  client.setQueriesData<{ pages: Array<{ items: TicketSummary[]; next_cursor: string | null }>; pageParams: unknown[] }>({ queryKey: agentKeys.lists }, (data) => {
    if (!data || !Array.isArray(data.pages)) return data;
    let changed = false;
    const pages = data.pages.map((p) => ({
      ...p,
      items: p.items.map((row) => {
        if (row.id !== ticket.id) return row;
        changed = true;
        return toSummary(ticket, row);
      }),
    }));
    return changed ? { ...data, pages } : data;
  });
}

/** A list row from a ticket; a full ticket has no preview, so the row keeps the one it had. */
export function toSummary(t: TicketSummary | Ticket, previous?: TicketSummary): TicketSummary {
  return {
    id: t.id,
    number: t.number,
    reference: t.reference,
    type: t.type,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    requester: t.requester,
    organization: t.organization,
    category: t.category,
    team: t.team,
    assignee: t.assignee,
    version: t.version,
    created_at: t.created_at,
    updated_at: t.updated_at,
    first_response_at: t.first_response_at,
    resolved_at: t.resolved_at,
    closed_at: t.closed_at,
    tags: t.tags,
    snoozed_until: t.snoozed_until,
    back_from_snooze: t.back_from_snooze,
    sla: t.sla,
    last_message: "last_message" in t ? t.last_message : (previous?.last_message ?? null),
    // A full ticket names its drafts with their modes; a row needs only who holds one.
    draft_by: "drafts" in t ? t.drafts.map((d) => d.user) : previous?.draft_by,
  };
}
