/**
 * One error type for everything the API refuses on purpose, and the one handler that renders
 * errors as {error: {code, message, details}}. Anything else is logged and answered as a
 * generic 500 without internals.
 */
import type { FastifyError, FastifyInstance } from "fastify";
import type { ErrorCode } from "@tessera/contracts";
import { ZodError } from "zod";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("not_found", 404, `${what} was not found.`);
export const forbidden = (message: string) => new AppError("forbidden", 403, message);
export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", 400, message, details);
export const invalid = (field: string, message: string) => new AppError("validation_failed", 400, `${field}: ${message}`, [{ field, message }]);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", 409, message, details);

/** Field-named messages from a zod error: "subject: must not be empty". */
export function zodDetails(error: ZodError) {
  return error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
}

function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? "";
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P03", "08006", "08001", "08003", "SQLITE_BUSY"].includes(code) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test((err as Error)?.message ?? "")
  );
}

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { validation?: unknown; validationContext?: string }, req, reply) => {
    const send = (status: number, code: ErrorCode, message: string, details?: unknown) => reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });

    if (err instanceof AppError) {
      if (err.status === 403 || err.status === 404) req.log.info({ code: err.code, url: req.url, actor: req.actor?.id }, "access refused");
      // Clients and proxies read the wait from the header, not from our body.
      const retryAfter = (err.details as { retry_after?: unknown } | undefined)?.retry_after;
      if (err.status === 429 && typeof retryAfter === "number") reply.header("Retry-After", String(retryAfter));
      return send(err.status, err.code, err.message, err.details);
    }
    if (err instanceof ZodError) {
      const details = zodDetails(err);
      return send(400, "validation_failed", details.map((d) => `${d.field}: ${d.message}`).join("; "), details);
    }
    if (err.validation) {
      const issues = (err.validation as Array<{ instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } }>).map((v) => {
        const p = v.params?.issue?.path;
        const field = Array.isArray(p) && p.length ? p.join(".") : (v.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
        return { field: `${err.validationContext ?? "body"}${field ? "." + field : ""}`, message: v.message ?? "is invalid" };
      });
      return send(400, "validation_failed", issues.map((d) => `${d.field}: ${d.message}`).join("; "), issues);
    }
    switch (err.code) {
      case "FST_ERR_CTP_INVALID_JSON_BODY":
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return send(400, "malformed_json", "The request body is not valid JSON.");
      case "FST_ERR_CTP_BODY_TOO_LARGE":
      case "FST_REQ_FILE_TOO_LARGE":
      case "FST_FILES_LIMIT":
      case "FST_PARTS_LIMIT":
        return send(413, "payload_too_large", "The request is larger than this server accepts.");
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      case "FST_INVALID_MULTIPART_CONTENT_TYPE":
        return send(415, "unsupported_media_type", "Send JSON (Content-Type: application/json), or multipart/form-data for uploads.");
      case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
        return send(400, "bad_request", "The Content-Length header does not match the body.");
    }
    if (isDatabaseUnavailable(err)) {
      req.log.error({ err }, "database unavailable");
      reply.header("Retry-After", "5");
      return send(503, "service_unavailable", "The database is not reachable right now; try again shortly.");
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      return send(err.statusCode, err.statusCode === 429 ? "too_many_requests" : "bad_request", err.message);
    }
    req.log.error({ err }, "unhandled error");
    return send(500, "internal_error", "Something went wrong on our side; it has been logged.");
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: "not_found", message: `No route for ${req.method} ${req.url.split("?")[0]}.` } });
  });
}
