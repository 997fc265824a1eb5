/** The admin and security audit trail: a page at a time, newest first, with its filters. */
import { AuditEvent, Page } from "@tessera/contracts";
import { api } from "./client.ts";
import { usePagedList } from "./paged.ts";

export interface AuditFilters {
  /** One action (setting.changed) or a group (auth). */
  action?: string;
  /** A user id or an email address. */
  actor?: string;
}

const AuditPage = Page(AuditEvent);

export const fetchAudit = (filters: AuditFilters, after: string | undefined, signal?: AbortSignal) => {
  const qs = new URLSearchParams({ limit: "50" });
  if (filters.action) qs.set("action", filters.action);
  if (filters.actor) qs.set("actor", filters.actor);
  if (after) qs.set("after", after);
  return api(`/api/audit?${qs}`, AuditPage, { signal });
};

export const auditKeys = { list: (filters: AuditFilters) => ["audit", filters] as const };

export const useAuditPages = (filters: AuditFilters) => usePagedList(auditKeys.list(filters), (after, signal) => fetchAudit(filters, after, signal));
