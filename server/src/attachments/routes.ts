import type {} from "@fastify/multipart";
import { Attachment, Id } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { invalid } from "../errors.ts";
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

export function attachmentRoutes(app: App, ctx: AppContext) {
  app.post("/api/attachments", {
    schema: {
      tags: ["attachments"],
      summary: "Upload one file (multipart/form-data, part `file`); attach it later by id to a ticket or comment",
      consumes: ["multipart/form-data"],
      response: { 201: Attachment },
    },
    handler: async (req, reply) => {
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
