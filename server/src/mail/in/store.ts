/**
 * Bytes of inbound mail on disk, in the content-addressed attachment store: the raw original of
 * every message and the files it carries. They are written and fsynced before the database rows
 * that point at them, so a committed row never points at nothing.
 */
import { createHash } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import mime from "mime";
import type { AppContext, Executor } from "../../context.ts";
import { sanitizeFilename } from "../../attachments/filename.ts";
import { detectContentType } from "../../attachments/sniff.ts";
import { adoptFile, openBlob, storeStream } from "../../attachments/storage.ts";
import type { ParsedAttachment } from "./parse.ts";
import { RAW_IN_DATABASE_MAX, type RawMessage } from "./spool.ts";

async function* once(buf: Uint8Array) {
  yield Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Stores bytes (up to `maxBytes`) and returns their sha256, size and first bytes. */
export function storeBytes(ctx: Pick<AppContext, "config">, bytes: Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER) {
  return storeStream(ctx.config.attachmentsDir, once(bytes), { maxBytes, isTruncated: () => false });
}

export interface KeptRaw {
  sha256: string;
  size: number;
  /** The bytes, for the caller's transaction to insert (insertRaw); null when already in the file store. */
  inline: Buffer | null;
}

/**
 * Keeps a raw original. Most mail is small: its bytes go into mail_raw inside the message's own
 * transaction, sharing its commit, so keeping the original costs no extra fsync. A large one is
 * written (and fsynced) to the file store now, before the rows that name it.
 */
export async function keepRaw(ctx: Pick<AppContext, "config">, raw: RawMessage): Promise<KeptRaw> {
  if (!Buffer.isBuffer(raw)) {
    // Spooled while it arrived: a large one is linked into the store as it is, never read back
    // (the spool file stays for its owner, who removes it once the message is answered).
    if (raw.size <= RAW_IN_DATABASE_MAX) return { sha256: raw.sha256, size: raw.size, inline: await readFile(raw.path) };
    await adoptFile(ctx.config.attachmentsDir, raw.path, raw.sha256, raw.size, { keep: true });
    return { sha256: raw.sha256, size: raw.size, inline: null };
  }
  if (raw.length <= RAW_IN_DATABASE_MAX) return { sha256: createHash("sha256").update(raw).digest("hex"), size: raw.length, inline: raw };
  const blob = await storeBytes(ctx, raw);
  return { sha256: blob.sha256, size: blob.size, inline: null };
}

export async function insertRaw(db: Executor, kept: KeptRaw, now: string) {
  if (!kept.inline) return;
  await db
    .insertInto("mail_raw")
    .values({ sha256: kept.sha256, bytes: kept.inline, created_at: now })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
}

/** The raw original of a stored message, or undefined when it is missing. */
export async function readRaw(ctx: Pick<AppContext, "config" | "db">, sha256: string): Promise<Buffer | undefined> {
  const row = await ctx.db.selectFrom("mail_raw").select("bytes").where("sha256", "=", sha256).executeTakeFirst();
  if (row) return Buffer.from(row.bytes);
  const blob = await openBlob(ctx.config.attachmentsDir, sha256);
  if (!blob) return undefined;
  try {
    return await blob.fh.readFile();
  } finally {
    await blob.fh.close();
  }
}

export interface StoredPart {
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
  cid: string | null;
}

export interface SkippedPart {
  filename: string;
  size: number;
}

/** A name for a part that has none: inline images get one from their type. */
function nameOf(a: ParsedAttachment, index: number): string {
  if (a.filename) return sanitizeFilename(a.filename);
  const ext = mime.getExtension(a.contentType) ?? "bin";
  return `${a.cid ? "image" : "attachment"}-${index + 1}.${ext}`;
}

/**
 * Stores the files a message carries: the parser wrote each to a temp file, which moves to its
 * content address (so calling this again for the same parts is harmless). A file over the
 * attachment cap is skipped (and named in the result); it is still in the kept raw original.
 * winmail.dat (TNEF) is kept as it is.
 */
export async function storeParts(ctx: Pick<AppContext, "config">, parts: ParsedAttachment[]): Promise<{ stored: StoredPart[]; skipped: SkippedPart[] }> {
  const stored: StoredPart[] = [];
  const skipped: SkippedPart[] = [];
  for (const [i, a] of parts.entries()) {
    const filename = nameOf(a, i);
    if (!a.file || a.size > ctx.config.attachmentMaxBytes) {
      skipped.push({ filename, size: a.size });
      continue;
    }
    await adoptFile(ctx.config.attachmentsDir, a.file.path, a.file.sha256, a.size);
    const head = Buffer.from(a.file.head.buffer, a.file.head.byteOffset, a.file.head.byteLength);
    stored.push({ sha256: a.file.sha256, size: a.size, filename, contentType: detectContentType(head, filename), cid: a.cid });
  }
  return { stored, skipped };
}

/** Removes the parser's temp files of parts that were not stored (no-op for stored ones). */
export async function discardParts(parts: ParsedAttachment[]) {
  await Promise.all(parts.map((a) => (a.file ? unlink(a.file.path).catch(() => {}) : undefined)));
}

/** Rows for stored parts, owned by the sender until the ticket or comment claims them. */
export async function insertPartRows(db: Executor, parts: StoredPart[], uploaderId: number, now: string) {
  const rows: Array<StoredPart & { id: number }> = [];
  for (const p of parts) {
    const r = await db
      .insertInto("attachments")
      .values({ sha256: p.sha256, size: p.size, filename: p.filename, content_type: p.contentType, uploader_id: uploaderId, ticket_id: null, comment_id: null, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    rows.push({ ...p, id: r.id });
  }
  return rows;
}
