/** Typed calls for each API route the app uses; schemas come from @tessera/contracts. */
import { Attachment, Category, Comment, CustomField, Me, Page, Ticket, TicketSummary } from "@tessera/contracts";
import type { CommentCreateInput, TicketCreateInput, TicketListQuery } from "@tessera/contracts";
import { z } from "zod";
import { api, apiNoContent, setCsrfToken, ApiError } from "./client.ts";

// ---- session ----

export async function signIn(email: string, password: string): Promise<Me> {
  const me = await api("/api/auth/login", Me, { json: { email, password } });
  setCsrfToken(me.csrf_token);
  return me;
}

export async function signOut(): Promise<void> {
  await apiNoContent("/api/auth/logout", { method: "POST" });
  setCsrfToken(null);
}

/** The signed-in user, or null when nobody is signed in. */
export async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api("/api/me", Me);
    setCsrfToken(me.csrf_token);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

// ---- catalog ----

export const fetchCategories = () => api("/api/categories", z.array(Category));
export const fetchCustomFields = () => api("/api/custom-fields", z.array(CustomField));

// ---- tickets ----

export type TicketListParams = Partial<Pick<TicketListQuery, "sort" | "limit" | "cursor" | "q">> & {
  requester?: "me";
  status_category?: readonly string[];
};

const TicketPage = Page(TicketSummary);

export function fetchTickets(params: TicketListParams, signal?: AbortSignal) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    qs.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  return api(`/api/tickets?${qs}`, TicketPage, { signal });
}

const key = (ticketKey: string) => encodeURIComponent(ticketKey);

export const fetchTicket = (ticketKey: string) => api(`/api/tickets/${key(ticketKey)}`, Ticket);
export const fetchComments = (ticketKey: string) => api(`/api/tickets/${key(ticketKey)}/comments`, z.array(Comment));

/** What a new ticket is sent as (defaults such as `format` may be left out). */
export type NewTicket = z.input<typeof TicketCreateInput>;
export type NewComment = z.input<typeof CommentCreateInput>;

export const createTicket = (input: NewTicket, idempotencyKey: string) => api("/api/tickets", Ticket, { json: input, headers: { "Idempotency-Key": idempotencyKey } });

export const addComment = (ticketKey: string, input: NewComment, idempotencyKey: string) =>
  api(`/api/tickets/${key(ticketKey)}/comments`, Comment, { json: input, headers: { "Idempotency-Key": idempotencyKey } });

export const confirmResolution = (ticketKey: string) => api(`/api/tickets/${key(ticketKey)}/confirm`, Ticket, { json: {} });
export const reopenTicket = (ticketKey: string, comment: string) => api(`/api/tickets/${key(ticketKey)}/reopen`, Ticket, { json: { comment } });

// ---- attachments ----

export function uploadAttachment(file: File, signal?: AbortSignal) {
  const form = new FormData();
  form.append("file", file, file.name);
  return api("/api/attachments", Attachment, { form, signal });
}
