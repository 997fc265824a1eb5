/**
 * Typed calls for email and monitoring alerts: mailboxes and their health, failed and held mail,
 * the messages received on a ticket, the outbox, mail templates with their preview, the mail
 * settings, and the alert settings. Every answer is parsed with the contract's schema.
 */
import {
  AlertSettings,
  ApiTokenCreated,
  FailedMail,
  HeldCopies,
  HeldMail,
  Mailbox,
  MailboxHealth,
  MailPreview,
  MailSettingsInput,
  MailStatus,
  MailTemplate,
  OutboxItem,
  Page,
  ReceivedMail,
  ReprocessResult,
} from "@tessera/contracts";
import type { MailboxInput, MailboxUpdateInput, MailKind, MailPreviewInput, MailTemplateParts, OutboxState, TokenScope } from "@tessera/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { api, apiNoContent } from "./client.ts";

// ---- inbound: mailboxes, failed and held mail ----

export const fetchMailboxes = () => api("/api/mailboxes", z.array(Mailbox));
export const fetchMailboxHealth = () => api("/api/mailboxes/health", z.array(MailboxHealth));
export const createMailbox = (input: z.input<typeof MailboxInput>) => api("/api/mailboxes", Mailbox, { json: input });
export const updateMailbox = (id: number, input: MailboxUpdateInput) => api(`/api/mailboxes/${id}`, Mailbox, { method: "PATCH", json: input });
export const deleteMailbox = (id: number) => apiNoContent(`/api/mailboxes/${id}`, { method: "DELETE" });

export type FailedStatus = "open" | "reprocessed" | "discarded" | "all";
export const fetchFailedMail = (status: FailedStatus) => api(`/api/mail/failed?status=${status}`, z.array(FailedMail));
export const reprocessFailedMail = (id: number) => api(`/api/mail/failed/${id}/reprocess`, ReprocessResult, { method: "POST" });
export const discardFailedMail = (id: number) => api(`/api/mail/failed/${id}/discard`, FailedMail, { method: "POST" });

export type HeldStatus = "held" | "decided" | "all";
export const fetchHeldMail = (status: HeldStatus) => api(`/api/mail/held?status=${status}`, z.array(HeldMail));
export const acceptHeldMail = (id: number, as: "reply" | "ticket") => api(`/api/mail/held/${id}/accept`, HeldMail, { json: { as } });
export const rejectHeldMail = (id: number) => api(`/api/mail/held/${id}/reject`, HeldMail, { method: "POST" });

/** People copied on unproven mail, waiting for an agent before they become watchers. */
export const fetchTicketHeldCopies = (ticketKey: string | number) => api(`/api/tickets/${encodeURIComponent(String(ticketKey))}/held-copies`, z.array(HeldCopies));
export const decideHeldCopies = (id: number, accept: boolean) => api(`/api/mail/held-copies/${id}/${accept ? "accept" : "reject"}`, HeldCopies, { method: "POST" });

export const fetchTicketMail = (ticketKey: string | number) => api(`/api/tickets/${encodeURIComponent(String(ticketKey))}/mail`, z.array(ReceivedMail));

// ---- outbound: outbox, status, settings, templates ----

const OutboxPage = Page(OutboxItem);
export const fetchOutbox = (state: OutboxState | undefined, cursor: string | undefined) => {
  const qs = new URLSearchParams({ limit: "50" });
  if (state) qs.set("state", state);
  if (cursor) qs.set("cursor", cursor);
  return api(`/api/mail/outbox?${qs}`, OutboxPage);
};
export const retryOutboxItem = (id: number) => api(`/api/mail/outbox/${id}/retry`, OutboxItem, { method: "POST" });
export const fetchMailStatus = () => api("/api/mail/status", MailStatus);
export const saveMailSettings = (input: MailSettingsInput) => api("/api/mail/settings", MailSettingsInput, { method: "PUT", json: input });

export const fetchMailTemplates = () => api("/api/mail/templates", z.array(MailTemplate));
export const saveMailTemplate = (kind: MailKind, parts: MailTemplateParts) => api(`/api/mail/templates/${kind}`, MailTemplate, { method: "PUT", json: parts });
export const resetMailTemplate = (kind: MailKind) => api(`/api/mail/templates/${kind}`, MailTemplate, { method: "DELETE" });
export const previewMailTemplate = (kind: MailKind, input: MailPreviewInput, signal?: AbortSignal) => api(`/api/mail/templates/${kind}/preview`, MailPreview, { json: input, signal });

// ---- alerts ----

export const fetchAlertSettings = () => api("/api/alerts/settings", AlertSettings);
export const saveAlertSettings = (input: AlertSettings) => api("/api/alerts/settings", AlertSettings, { method: "PUT", json: input });
/** A new API token for the integration account that sends alerts; the token is in this answer only. */
export const createIntegrationToken = (userId: number, name: string, scopes: TokenScope[]) => api("/api/tokens", ApiTokenCreated, { json: { user_id: userId, name, scopes } });
export const revokeToken = (id: number) => apiNoContent(`/api/tokens/${id}`, { method: "DELETE" });

// ---- query keys and hooks ----

export const mailKeys = {
  mailboxes: ["mailboxes"] as const,
  health: ["mailboxes", "health"] as const,
  failed: (status: FailedStatus) => ["mail-failed", status] as const,
  allFailed: ["mail-failed"] as const,
  held: (status: HeldStatus) => ["mail-held", status] as const,
  allHeld: ["mail-held"] as const,
  ticketMail: (key: string) => ["ticket-mail", key] as const,
  ticketHeldCopies: (key: string) => ["ticket-held-copies", key] as const,
  ticketMailAt: (key: string, seen: string) => ["ticket-mail", key, seen] as const,
  outbox: (state: OutboxState | undefined) => ["mail-outbox", state ?? "all"] as const,
  allOutbox: ["mail-outbox"] as const,
  status: ["mail-status"] as const,
  templates: ["mail-templates"] as const,
  alertSettings: ["alert-settings"] as const,
};

export const useMailboxes = () => useQuery({ queryKey: mailKeys.mailboxes, queryFn: fetchMailboxes });
/** Health changes on its own (fetches, errors), so it is refreshed while the page is open. */
export const useMailboxHealth = () => useQuery({ queryKey: mailKeys.health, queryFn: fetchMailboxHealth, refetchInterval: 30_000 });
export const useFailedMail = (status: FailedStatus) => useQuery({ queryKey: mailKeys.failed(status), queryFn: () => fetchFailedMail(status) });
export const useHeldMail = (status: HeldStatus, enabled = true) => useQuery({ queryKey: mailKeys.held(status), queryFn: () => fetchHeldMail(status), enabled, staleTime: 15_000 });
/**
 * The mail received on a ticket. `seen` changes when the conversation or the audit trail does
 * (the live stream refreshes those), so a message that just arrived gets its marker too.
 */
export const useTicketMail = (key: string, seen: string) =>
  useQuery({ queryKey: mailKeys.ticketMailAt(key, seen), queryFn: () => fetchTicketMail(key), staleTime: 60_000, placeholderData: keepPreviousData });
/** A ticket's held copies; asked for only once its history shows some were held. */
export const useTicketHeldCopies = (key: string, enabled: boolean) => useQuery({ queryKey: mailKeys.ticketHeldCopies(key), queryFn: () => fetchTicketHeldCopies(key), enabled, staleTime: 15_000 });
export const useMailStatus = () => useQuery({ queryKey: mailKeys.status, queryFn: fetchMailStatus, refetchInterval: 30_000 });
export const useMailTemplates = () => useQuery({ queryKey: mailKeys.templates, queryFn: fetchMailTemplates });
export const useAlertSettings = () => useQuery({ queryKey: mailKeys.alertSettings, queryFn: fetchAlertSettings });

/** Lag in words: "4 min", "2 h 5 min". */
export function formatLag(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}
