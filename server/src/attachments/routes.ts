import type {} from "@fastify/multipart";
import { Attachment, Id } from "@tessera/contracts";
import { z } from "zod";
import { ByteBudget } from "../byte-budget.ts";
import type { AppContext } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import type { App } from "../http/types.ts";
import { contentDisposition } from "./filename.ts";
import { checkDecodedText } from "../http/text-guard.ts";
import { getAttachment, openAttachment, presentAttachment, uploadAttachment } from "./service.ts";

// The bytes behind an id never change, but access can be revoked: keep browser caching short
// and out of shared caches.
const CACHE_CONTROL = "private, max-age=300";

// Served on our origin, a user's file must never run as a page of ours: no script, no plugins,
// no same-origin access, whatever the file turns out to be. Overrides the app-wide CSP.
const DOWNLOAD_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'";

const IdParams = z.object({ id: Id });

/** True when If-None-Match names this ETag (or is `*`), so a 304 can be answered. */
function matchesEtag(header: string | undefined, etag: string) {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** Room for the multipart framing around the file (boundaries, part headers, other fields). */
const MULTIPART_OVERHEAD = 64 * 1024;
/** Seconds a client is asked to wait when too many uploads are arriving at once. */
const RETRY_AFTER_SECONDS = 5;

export function attachmentRoutes(app: App, ctx: AppContext) {
  // Uploads stream to disk, but each one in flight still holds a socket, a temp file and its
  // writes: the bytes arriving at once are bounded, and what does not fit is asked to retry.
  const uploads = new ByteBudget(ctx.config.uploadInflightBytes);
  const maxBytes = ctx.config.attachmentMaxBytes;
  app.post("/api/attachments", {
    schema: {
      tags: ["attachments"],
      summary: "Upload one file (multipart/form-data, part `file`); attach it later by id to a ticket or comment",
      consumes: ["multipart/form-data"],
      response: { 201: Attachment },
    },
    handler: async (req, reply) => {
      // An upload that says it is too large is refused before a byte of it is read.
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (declared > maxBytes + MULTIPART_OVERHEAD) {
        reply.header("Connection", "close");
        throw new AppError("payload_too_large", 413, `The upload is ${declared} bytes; an attachment may be at most ${maxBytes} bytes.`, { max_bytes: maxBytes });
      }
      // A body of unknown length (chunked) may be as large as the cap allows.
      const held = uploads.tryReserve(Number.isFinite(declared) ? declared : maxBytes + MULTIPART_OVERHEAD);
      if (!held) {
        reply.header("Retry-After", String(RETRY_AFTER_SECONDS)).header("Connection", "close");
        throw new AppError("service_unavailable", 503, `Too many uploads are arriving at once; send this file again in ${RETRY_AFTER_SECONDS} seconds.`, { retry_after: RETRY_AFTER_SECONDS });
      }
      try {
        // Throws FST_INVALID_MULTIPART_CONTENT_TYPE (415) when the request is not multipart.
        const part = await req.file();
        if (!part) throw invalid("file", "send the file as a multipart/form-data part named `file`");
        if (part.fieldname !== "file") {
          part.file.resume(); // let the parser drain and discard it
          throw invalid("file", `the file part must be named \`file\`, not \`${part.fieldname.slice(0, 50)}\``);
        }
        try {
          checkDecodedText(part.filename, "file.filename");
        } catch (err) {
          part.file.resume();
          throw err;
        }
        const row = await uploadAttachment(ctx, req.actor, {
          filename: part.filename,
          stream: part.file,
          isTruncated: () => part.file.truncated,
        });
        return reply.status(201).send(presentAttachment(row));
      } finally {
        held.release();
      }
    },
  });

  app.get("/api/attachments/:id", {
    schema: { tags: ["attachments"], summary: "An attachment's name, type and size", params: IdParams, response: { 200: Attachment } },
    handler: async (req) => presentAttachment(await getAttachment(ctx, req.actor, req.params.id)),
  });

  app.get("/api/attachments/:id/download", {
    schema: { tags: ["attachments"], summary: "The attachment's bytes, as a download (verified raster images may show inline)", params: IdParams },
    handler: async (req, reply) => {
      const { row, fh, size, inline } = await openAttachment(ctx, req.actor, req.params.id);
      // The content hash is a perfect strong validator: same bytes, same tag.
      const etag = `"${row.sha256}"`;
      reply
        .header("Content-Type", row.content_type)
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", DOWNLOAD_CSP)
        .header("Content-Disposition", contentDisposition(inline ? "inline" : "attachment", row.filename))
        .header("Cache-Control", CACHE_CONTROL)
        .header("ETag", etag);
      if (matchesEtag(req.headers["if-none-match"], etag)) {
        await fh.close();
        return reply.status(304).send();
      }
      reply.header("Content-Length", size);
      // Streamed, never buffered: files may be as large as the upload cap. The stream closes the handle.
      return reply.send(fh.createReadStream({ start: 0 }));
    },
  });
}
