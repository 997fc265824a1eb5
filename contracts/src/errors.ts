/** The error body every failing API call returns, and the stable codes it may carry. */
import { z } from "zod";

export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "malformed_json",
  "unsupported_media_type",
  "payload_too_large",
  "unauthenticated",
  "invalid_credentials",
  "csrf_failed",
  "forbidden",
  "not_found",
  "conflict",
  "version_conflict",
  "precondition_failed",
  "invalid_transition",
  "idempotency_key_reused",
  "too_many_requests",
  "service_unavailable",
  "internal_error",
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
