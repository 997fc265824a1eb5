/**
 * Attachments: uploaded first (POST /api/attachments), then claimed by a ticket or comment.
 * Uploading first keeps large bodies out of the JSON ticket and comment requests, and lets the
 * browser show progress per file.
 */
import type { Attachment } from "@tessera/contracts";
import type { Selectable } from "kysely";
import type { Actor } from "../auth/actor.ts";
import { nowIso, type AppContext, type Executor } from "../context.ts";
import type { AttachmentsTable } from "../db/schema.ts";
import { AppError, badRequest, invalid, notFound } from "../errors.ts";
import { sanitizeFilename } from "./filename.ts";
import { findVisibleAttachment } from "./queries.ts";
import { detectContentType, INLINE_IMAGE_TYPES, sniffType } from "./sniff.ts";
import { openBlob, SourceError, storeStream, TooLargeError } from "./storage.ts";

export type AttachmentRow = Selectable<AttachmentsTable>;

export function presentAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    filename: row.filename,
    content_type: row.content_type,
    size: row.size,
    url: `/api/attachments/${row.id}/download`,
    created_at: row.created_at,
  };
}

/**
 * Attaches uploads to a ticket (and comment). Only the caller's own uploads that are not yet
 * attached can be claimed; any other id is refused as if it did not exist.
 */
export async function claimAttachments(db: Executor, actor: Actor, ids: number[] | undefined, target: { ticketId: number; commentId?: number }) {
  if (!ids?.length) return;
  const unique = [...new Set(ids)];
  const rows = await db.selectFrom("attachments").select("id").where("id", "in", unique).where("uploader_id", "=", actor.id).where("ticket_id", "is", null).execute();
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw invalid("attachment_ids", `no upload of yours with the id ${missing.join(", ")} is waiting to be attached`);
  await db
    .updateTable("attachments")
    .set({ ticket_id: target.ticketId, comment_id: target.commentId ?? null })
    .where("id", "in", unique)
    .execute();
}

/** One uploaded file as the HTTP layer hands it over: its claimed name and its byte stream. */
export interface UploadSource {
  filename: string | undefined;
  stream: AsyncIterable<Buffer>;
  /** True when the parser cut the file off at the size cap. */
  isTruncated(): boolean;
}

/** "25 MiB", "512 KiB", "1000 bytes": a size limit as people read it. */
function formatBytes(bytes: number) {
  const round = (n: number) => Math.round(n * 10) / 10;
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/**
 * Stores an upload and records it as the actor's, not yet attached to anything. The bytes are
 * on disk (fsynced) before the row exists, so a row never points at nothing. A failed insert
 * can leave an unreferenced file behind; with dedupe a file is never deleted on the spot, since
 * another row may share it.
 */
export async function uploadAttachment(ctx: AppContext, actor: Actor, source: UploadSource): Promise<AttachmentRow> {
  const filename = sanitizeFilename(source.filename);
  const maxBytes = ctx.config.attachmentMaxBytes;
  const blob = await storeStream(ctx.config.attachmentsDir, source.stream, { maxBytes, isTruncated: source.isTruncated }).catch((err) => {
    if (err instanceof TooLargeError) {
      throw new AppError("payload_too_large", 413, `The file is larger than the ${formatBytes(maxBytes)} an attachment may be.`, { max_bytes: maxBytes });
    }
    if (err instanceof SourceError) {
      ctx.log.info({ event: "upload_failed", actor: actor.id, err: err.cause }, "upload stream failed");
      throw badRequest("The upload ended before the file was complete, or the multipart body is malformed; send it again.");
    }
    throw err;
  });
  const row = await ctx.db
    .insertInto("attachments")
    .values({
      sha256: blob.sha256,
      size: blob.size,
      filename,
      content_type: detectContentType(blob.head, filename),
      uploader_id: actor.id,
      ticket_id: null,
      comment_id: null,
      created_at: nowIso(ctx),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.log.info({ event: "attachment_uploaded", actor: actor.id, attachment_id: row.id, size: row.size, content_type: row.content_type }, "attachment uploaded");
  return row;
}

/** The attachment if the actor may see it; otherwise a 404 that does not confirm it exists. */
export async function getAttachment(ctx: AppContext, actor: Actor, id: number): Promise<AttachmentRow> {
  const row = await findVisibleAttachment(ctx.db, actor, id);
  if (!row) throw notFound("The attachment");
  return row;
}

/**
 * Opens a visible attachment's file for streaming. `inline` is true only for a raster image
 * whose stored bytes prove the stored type; everything else is a download.
 * The caller must close `fh` (streaming it with autoClose does).
 */
export async function openAttachment(ctx: AppContext, actor: Actor, id: number) {
  const row = await getAttachment(ctx, actor, id);
  const blob = await openBlob(ctx.config.attachmentsDir, row.sha256);
  if (!blob) {
    ctx.log.error({ event: "attachment_file_missing", attachment_id: row.id, sha256: row.sha256, dir: ctx.config.attachmentsDir }, "attachment file missing from storage");
    throw new AppError("not_found", 404, "The file of this attachment is missing from storage; the error has been logged for an administrator.");
  }
  const sniffed = sniffType(blob.head);
  const inline = sniffed !== undefined && INLINE_IMAGE_TYPES.has(sniffed) && sniffed === row.content_type;
  return { row, fh: blob.fh, size: blob.size, inline };
}
