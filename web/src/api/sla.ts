/**
 * Typed calls for SLAs: a ticket's SLA (the agent's panel or the requester's expected times),
 * its explanation and recomputation, and the admin's calendars, policies, preview and settings.
 * Every answer is parsed with the contract's schema.
 */
import { Calendar, Policy, SlaExplain, SlaPreview, SlaSettings, TicketSla, TicketSlaView } from "@tessera/contracts";
import type { CalendarInput, CalendarUpdateInput, PolicyInput, PolicyUpdateInput, SlaPreviewInput } from "@tessera/contracts";
import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiNoContent } from "./client.ts";

const key = (ticketKey: string | number) => encodeURIComponent(String(ticketKey));

export const slaKeys = {
  ticket: (ticketKey: string | number) => ["ticket-sla", String(ticketKey)] as const,
  explain: (ticketKey: string | number) => ["ticket-sla-explain", String(ticketKey)] as const,
  calendars: ["sla-calendars"] as const,
  policies: ["sla-policies"] as const,
  settings: ["sla-settings"] as const,
};

// ---- a ticket's SLA ----

/** For agents the policy and each target; for requesters only the expected times. */
export const fetchTicketSla = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/sla`, TicketSlaView);
export const fetchSlaExplain = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/sla/explain`, SlaExplain);
/**
 * Admins: match the policy again and replay the clock with today's definitions (audited).
 * `dryRun` answers what it would give and changes nothing.
 */
export const recomputeTicketSla = (ticketKey: string | number, dryRun = false) => api(`/api/tickets/${key(ticketKey)}/sla/recompute${dryRun ? "?dry_run=true" : ""}`, TicketSla, { method: "POST" });

// ---- calendars ----

export const fetchCalendars = () => api("/api/sla/calendars", z.array(Calendar));
export const useCalendars = () => useQuery({ queryKey: slaKeys.calendars, queryFn: fetchCalendars });
export const createCalendar = (input: z.input<typeof CalendarInput>) => api("/api/sla/calendars", Calendar, { json: input });
export const updateCalendar = (id: number, input: z.input<typeof CalendarUpdateInput>) => api(`/api/sla/calendars/${id}`, Calendar, { method: "PATCH", json: input });
export const deleteCalendar = (id: number) => apiNoContent(`/api/sla/calendars/${id}`, { method: "DELETE" });

// ---- policies ----

export const fetchPolicies = () => api("/api/sla/policies", z.array(Policy));
export const useSlaPolicies = () => useQuery({ queryKey: slaKeys.policies, queryFn: fetchPolicies });
export const createPolicy = (input: PolicyInput) => api("/api/sla/policies", Policy, { json: input });
export const updatePolicy = (id: number, input: PolicyUpdateInput) => api(`/api/sla/policies/${id}`, Policy, { method: "PATCH", json: input });
export const deletePolicy = (id: number) => apiNoContent(`/api/sla/policies/${id}`, { method: "DELETE" });
/** The order policies are tried in: every policy id once. */
export const reorderPolicies = (ids: number[]) => api("/api/sla/policies/order", z.array(Policy), { method: "PUT", json: { ids } });
export const previewSla = (input: z.input<typeof SlaPreviewInput>, signal?: AbortSignal) => api("/api/sla/preview", SlaPreview, { json: input, signal });

export const fetchSlaSettings = () => api("/api/sla/settings", SlaSettings);
export const saveSlaSettings = (input: SlaSettings) => api("/api/sla/settings", SlaSettings, { method: "PUT", json: input });

const RecomputeResult = z.object({ recomputed: z.number().int(), next_after_id: z.number().int().nullable() });
/** Recomputes a batch of open tickets of a policy or a calendar; continue with `after_id` until null. */
export const recomputeOpenTickets = (input: { policy_id?: number; calendar_id?: number; after_id?: number }) => api("/api/sla/recompute", RecomputeResult, { json: input });
