/**
 * Typed calls and query hooks for canned replies, macros and snooze (the admin pages use them
 * too). Every answer is parsed with the contract's schema.
 */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { CannedReply, Macro, MacroApplyResult, MacroPreview, MacroUndoResult, Ticket, type CannedReplyInput, type MacroInput, type MacroActions, type ReplyScope } from "@tessera/contracts";
import { z } from "zod";
import { agentKeys, patchListRows } from "./agent-queries.ts";
import { api, apiNoContent } from "./client.ts";
import { keys } from "./queries.ts";

export const replyKeys = {
  canned: (list: "usable" | "shared") => ["canned-replies", list] as const,
  allCanned: ["canned-replies"] as const,
  macros: (list: "usable" | "shared") => ["macros", list] as const,
  allMacros: ["macros"] as const,
};

const key = (ticketKey: string | number) => encodeURIComponent(String(ticketKey));

// ---- canned replies ----

export const fetchCannedReplies = (list: "usable" | "shared" = "usable") => api(`/api/canned-replies?list=${list}`, z.array(CannedReply));
export const createCannedReply = (input: CannedReplyInput) => api("/api/canned-replies", CannedReply, { json: input });
export const updateCannedReply = (id: number, input: Partial<CannedReplyInput>) => api(`/api/canned-replies/${id}`, CannedReply, { method: "PATCH", json: input });
export const deleteCannedReply = (id: number) => apiNoContent(`/api/canned-replies/${id}`, { method: "DELETE" });

export const useCannedReplies = (list: "usable" | "shared" = "usable", enabled = true) =>
  useQuery({ queryKey: replyKeys.canned(list), queryFn: () => fetchCannedReplies(list), staleTime: 5 * 60_000, enabled });

// ---- macros ----

export const fetchMacros = (list: "usable" | "shared" = "usable") => api(`/api/macros?list=${list}`, z.array(Macro));
export const createMacro = (input: MacroInput) => api("/api/macros", Macro, { json: input });
export const updateMacro = (id: number, input: Partial<{ name: string; description: string; actions: MacroActions; scope: ReplyScope; team_id: number | null }>) =>
  api(`/api/macros/${id}`, Macro, { method: "PATCH", json: input });
export const deleteMacro = (id: number) => apiNoContent(`/api/macros/${id}`, { method: "DELETE" });
export const previewMacro = (id: number, ticketKey: string | number) => api(`/api/macros/${id}/preview?ticket=${key(ticketKey)}`, MacroPreview);
export const applyMacro = (id: number, ticket: number, version: number) => api(`/api/macros/${id}/apply`, MacroApplyResult, { json: { ticket, version } });
export const undoMacro = (applicationId: number) => api(`/api/macro-applications/${applicationId}/undo`, MacroUndoResult, { json: {} });

export const useMacros = (list: "usable" | "shared" = "usable", enabled = true) => useQuery({ queryKey: replyKeys.macros(list), queryFn: () => fetchMacros(list), staleTime: 5 * 60_000, enabled });

// ---- snooze ----

export const snoozeTicket = (ticketKey: string | number, until: string) => api(`/api/tickets/${key(ticketKey)}/snooze`, Ticket, { json: { until } });
export const unsnoozeTicket = (ticketKey: string | number) => api(`/api/tickets/${key(ticketKey)}/snooze`, Ticket, { method: "DELETE" });

/**
 * After a macro, an undo or a snooze: the ticket as the server answered, everywhere it is
 * cached. Lists are fetched again, since a snoozed ticket leaves some of them.
 */
export function storeChangedTicket(client: QueryClient, ticket: Ticket, opts: { refetchLists?: boolean } = {}) {
  for (const k of [ticket.reference, String(ticket.id)]) {
    if (client.getQueryData(keys.ticket(k))) client.setQueryData(keys.ticket(k), ticket);
    void client.invalidateQueries({ queryKey: keys.comments(k) });
    void client.invalidateQueries({ queryKey: agentKeys.events(k) });
  }
  patchListRows(client, ticket);
  void client.invalidateQueries({ queryKey: agentKeys.counts });
  if (opts.refetchLists) void client.invalidateQueries({ queryKey: agentKeys.lists });
}
