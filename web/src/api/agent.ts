/**
 * Typed calls for the agent workspace: ticket lists by any filter, changes with the version
 * read, conversation and audit trail, links, merge and split, bulk changes, saved views,
 * notifications and presence. Every answer is parsed with the contract's schema.
 */
import { BulkResult, Comment, NotificationList, Page, Presence, SavedView, Status, Team, Ticket, TicketCount, TicketEvent, TicketSummary, User } from "@tessera/contracts";
import type { LinkKind, PresenceState, TicketUpdateInput } from "@tessera/contracts";
import { z } from "zod";
import { api, apiNoContent } from "./client.ts";

/**
 * A list's filters as the API's query parameters, each value a comma-separated string
 * ("new,open", "me", "3,none"). Saved views store exactly this.
 */
export type TicketFilters = Record<string, string>;

/** Filter names the list understands (the rest of TicketListQuery is paging and sort). */
export const FILTER_KEYS = ["q", "status", "status_category", "type", "priority", "channel", "team", "assignee", "requester", "organization", "category", "tag", "snoozed", "sla"] as const;

function query(params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") qs.set(k, String(v));
  return qs.toString();
}

const TicketPage = Page(TicketSummary);
const key = (ticketKey: string | number) => encodeURIComponent(String(ticketKey));

export const listTickets = (filters: TicketFilters, opts: { sort?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
  api(`/api/tickets?${query({ ...filters, ...opts })}`, TicketPage, { signal });

export const countTickets = (filters: TicketFilters, signal?: AbortSignal) => api(`/api/tickets/count?${query(filters)}`, TicketCount, { signal });

export type TicketChanges = Omit<TicketUpdateInput, "version">;

/** Changes a ticket as of `version`; a stale version fails with 409 version_conflict. */
export const updateTicket = (ticketKey: string | number, version: number, changes: TicketChanges) => api(`/api/tickets/${key(ticketKey)}`, Ticket, { method: "PATCH", json: { ...changes, version } });

export const fetchEvents = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/events`, z.array(TicketEvent));
export const fetchAgentComments = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/comments`, z.array(Comment));

export const bulkUpdate = (ids: number[], changes: TicketChanges) => api("/api/tickets/bulk", BulkResult, { json: { ids, changes } });

export const addLink = (ticketKey: string | number, kind: LinkKind, target: string) => api(`/api/tickets/${key(ticketKey)}/links`, Ticket, { json: { kind, target } });
export const removeLink = (ticketKey: string | number, linkId: number) => apiNoContent(`/api/tickets/${key(ticketKey)}/links/${linkId}`, { method: "DELETE" });
/** Merges this ticket (the duplicate) into `into`; answers with the primary ticket. */
export const mergeTicket = (ticketKey: string | number, into: string) => api(`/api/tickets/${key(ticketKey)}/merge`, Ticket, { json: { into } });
/** Makes a child ticket from one comment; answers with the new ticket. */
export const splitTicket = (ticketKey: string | number, commentId: number, subject?: string) =>
  api(`/api/tickets/${key(ticketKey)}/split`, Ticket, { json: { comment_id: commentId, ...(subject ? { subject } : {}) } });

// ---- people and settings ----

const UserPage = Page(User);
/** Agents, supervisors and admins: assignees and people to @mention. */
export const fetchStaff = () => api(`/api/users?${query({ role: "staff", active: "true", limit: 200 })}`, UserPage);
/** Anyone by name or email (requesters included), for filing a ticket on someone's behalf. */
export const searchPeople = (q: string, signal?: AbortSignal) => api(`/api/users?${query({ q, active: "true", limit: 8 })}`, UserPage, { signal });
export const fetchTeams = () => api("/api/teams", z.array(Team));
export const fetchStatuses = () => api("/api/statuses", z.array(Status));

// ---- saved views ----

export interface ViewInput {
  name: string;
  filters: TicketFilters;
  columns?: string[];
  team_id?: number | null;
}

export const fetchViews = () => api("/api/views", z.array(SavedView));
export const createView = (input: ViewInput) => api("/api/views", SavedView, { json: input });
export const updateView = (id: number, input: Partial<ViewInput>) => api(`/api/views/${id}`, SavedView, { method: "PATCH", json: input });
export const deleteView = (id: number) => apiNoContent(`/api/views/${id}`, { method: "DELETE" });

// ---- notifications ----

export const fetchNotifications = () => api("/api/notifications?limit=30", NotificationList);
export const markNotificationRead = (id: number) => apiNoContent(`/api/notifications/${id}/read`, { method: "POST" });
export const markAllNotificationsRead = () => apiNoContent("/api/notifications/read-all", { method: "POST" });

// ---- presence ----

/** Says this agent is viewing or typing on a ticket (send every 10 s), or has left it. */
export const sendPresence = (ticketKey: string | number, state: PresenceState) => apiNoContent(`/api/tickets/${key(ticketKey)}/presence`, { json: { state } });
export const fetchPresence = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/presence`, z.array(Presence));
