/**
 * The one way the app talks to the API: same-origin fetch with the session cookie, the CSRF
 * header on every unsafe request, answers checked against the contract's zod schemas, and
 * every failure turned into an ApiError whose message can be shown to a person as it is.
 */
import { ErrorBody, type ErrorCode } from "@tessera/contracts";
import type { z } from "zod";
import { takeEarlyAnswer } from "../app/early-fetch.ts";

export type ApiErrorCode = ErrorCode | "network_error" | "bad_response";

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Validation messages by field ("subject", "custom_fields.asset_tag"), from error.details. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const d of this.details as Array<{ field?: unknown; message?: unknown }>) {
        if (typeof d?.field === "string" && typeof d.message === "string") out[d.field.replace(/^body\./, "")] = d.message;
      }
    }
    return out;
  }
}

export const isNotFound = (err: unknown) => err instanceof ApiError && err.status === 404;

let csrfToken: string | null = null;
/** Remembered from sign-in and GET /api/me; sent back as X-CSRF-Token on unsafe requests. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

let onSignedOut: () => void = () => {};
/** Called when the server says the session is gone (expired, or ended elsewhere). */
export function whenSignedOut(listener: () => void) {
  onSignedOut = listener;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as multipart/form-data (uploads). */
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: "Your session has ended. Sign in again to continue.",
  403: "You do not have permission to do this.",
  404: "This was not found.",
  413: "That is larger than this server accepts.",
  429: "Too many attempts. Wait a moment and try again.",
};

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? (opts.json !== undefined || opts.form ? "POST" : "GET");
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  try {
    const early = method === "GET" && !opts.headers ? takeEarlyAnswer(path) : undefined;
    return await (early ?? fetch(path, { method, headers, body, credentials: "same-origin", signal: opts.signal }));
  } catch (err) {
    if ((err as Error)?.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "Tessera could not be reached. Check your connection and try again.");
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) return new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  const message = FALLBACK_MESSAGES[res.status] ?? (res.status >= 500 ? "Something went wrong on the server. Try again in a moment." : `The request failed (${res.status}).`);
  return new ApiError(res.status, res.status >= 500 ? "internal_error" : "bad_request", message);
}

async function refreshCsrfToken(): Promise<boolean> {
  const res = await send("/api/me", {});
  if (!res.ok) return false;
  const me = (await res.json()) as { csrf_token?: string | null };
  setCsrfToken(me.csrf_token ?? null);
  return !!me.csrf_token;
}

/** Sends a request and returns the raw response once it is a success, or throws ApiError. */
async function call(path: string, opts: RequestOptions): Promise<Response> {
  let res = await send(path, opts);
  if (!res.ok) {
    let err = await toApiError(res);
    // A token from before a sign-in elsewhere in this browser: fetch the current one, retry once.
    if (err.code === "csrf_failed" && (await refreshCsrfToken().catch(() => false))) {
      res = await send(path, opts);
      if (res.ok) return res;
      err = await toApiError(res);
    }
    if (err.code === "unauthenticated") onSignedOut();
    throw err;
  }
  return res;
}

/** Calls the API and parses the JSON answer with the contract's schema. */
export async function api<S extends z.ZodType>(path: string, schema: S, opts: RequestOptions = {}): Promise<z.output<S>> {
  const res = await call(path, opts);
  const json: unknown = await res.json().catch(() => undefined);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error(`Unexpected answer from ${opts.method ?? "GET"} ${path}`, parsed.error.issues);
    throw new ApiError(res.status, "bad_response", "Tessera sent an answer this page does not understand. Reload the page; if it keeps happening, tell your administrator.");
  }
  return parsed.data;
}

/** Calls the API where the answer has no body (204). */
export async function apiNoContent(path: string, opts: RequestOptions = {}): Promise<void> {
  await call(path, opts);
}

/** A fresh key for the Idempotency-Key header: a retried create returns the first result. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Keys for one form: sending the same content again (a retry after a lost answer) reuses the
 * key, so the server acts once; sending changed content gets a new key, which the server would
 * otherwise refuse as a key reused for a different request.
 */
export function idempotencyKeys(): (body: unknown) => string {
  let last: { body: string; key: string } | undefined;
  return (body) => {
    const json = JSON.stringify(body);
    if (last?.body !== json) last = { body: json, key: newIdempotencyKey() };
    return last.key;
  };
}
