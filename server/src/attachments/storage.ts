/**
 * The content-addressed file store: every stored file lives at `<dir>/<sha[0:2]>/<sha[2:4]>/<sha>`.
 * The path is derived only from the bytes' hash, never from anything the uploader named, so no
 * upload can choose where it lands; and identical files are stored once.
 *
 * Writes are atomic: bytes go to a temp file in `<dir>/tmp` (same file system, so rename is
 * atomic), are fsynced, then renamed into place. A crash leaves at most a stray temp file, never
 * a half-written file at a content address.
 */
import { createHash, randomUUID } from "node:crypto";
import { link, mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";

/** How many leading bytes are kept while streaming, for magic-byte sniffing. */
export const HEAD_BYTES = 16;

export interface StoredBlob {
  sha256: string;
  /** Bytes written; never more than the cap given to storeStream. */
  size: number;
  /** The first HEAD_BYTES bytes (fewer for a smaller file). */
  head: Buffer;
}

/** Thrown by storeStream when the source failed mid-way: a malformed or abandoned upload. */
export class SourceError extends Error {
  constructor(cause: unknown) {
    super(`the upload stream failed: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** Thrown by storeStream when the source was cut off at the size cap. */
export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Where the file with this hash lives. Refuses anything that is not a sha256 in hex. */
export function blobPath(dir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/**
 * Streams `source` to disk while hashing it, then moves it to its content address.
 * `isTruncated` is asked after the stream ends: multipart parsing stops a file at the size cap
 * by ending its stream early and flagging it, so the flag is how an oversize file shows.
 * The temp file is removed on every failure, including a client that disconnects mid-upload.
 */
export async function storeStream(dir: string, source: AsyncIterable<Buffer>, opts: { maxBytes: number; isTruncated: () => boolean }): Promise<StoredBlob> {
  const tmpDir = path.join(dir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${randomUUID()}.part`);
  // "wx": never follow or reuse an existing file; 0o600: uploads are not for other local users.
  const fh = await open(tmp, "wx", 0o600);
  let moved = false;
  try {
    const hash = createHash("sha256");
    const headChunks: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    // Iterate by hand so a failing source (the client's fault) is told apart from a failing disk (ours).
    const chunks = source[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw new SourceError(err);
      }
      if (next.done) break;
      const chunk = next.value;
      size += chunk.length;
      // Belt and braces: the parser already caps the file, but never write past the cap.
      if (size > opts.maxBytes) throw new TooLargeError(opts.maxBytes);
      hash.update(chunk);
      if (headLength < HEAD_BYTES) {
        headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      await fh.write(chunk);
    }
    if (opts.isTruncated()) throw new TooLargeError(opts.maxBytes);
    // Durable before it becomes visible: the row that will point at it is an acknowledgement.
    await fh.sync();
    await fh.close();

    const sha256 = hash.digest("hex");
    const final = blobPath(dir, sha256);
    const existing = await stat(final).catch(() => undefined);
    if (existing?.isFile() && existing.size === size) {
      // Same bytes already stored (dedupe by hash): the temp copy is not needed.
      await unlink(tmp);
    } else {
      await mkdir(path.dirname(final), { recursive: true });
      // Two uploads of the same bytes may race here; rename replaces atomically with identical content.
      await rename(tmp, final);
      await syncDir(path.dirname(final));
    }
    moved = true;
    return { sha256, size, head: Buffer.concat(headChunks) };
  } finally {
    if (!moved) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
    }
  }
}

/**
 * Moves a finished temp file (in `<dir>/tmp`, whose bytes hash to `sha256`) to its content
 * address: fsynced, renamed, the folder synced. When those bytes are already stored the temp file
 * is just removed, so calling it again after a success is harmless. With `keep`, the temp file
 * stays where it is (its owner still reads it) and the store gets a hard link to the same bytes.
 */
export async function adoptFile(dir: string, tmp: string, sha256: string, size: number, opts: { keep?: boolean } = {}): Promise<void> {
  const final = blobPath(dir, sha256);
  const existing = await stat(final).catch(() => undefined);
  if (existing?.isFile() && existing.size === size) {
    if (!opts.keep) await unlink(tmp).catch(() => {});
    return;
  }
  const fh = await open(tmp, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await mkdir(path.dirname(final), { recursive: true });
  if (opts.keep) {
    // A link under a fresh name, then the same atomic rename into place.
    const linked = `${tmp}.${randomUUID()}.link`;
    await link(tmp, linked);
    await rename(linked, final);
  } else await rename(tmp, final);
  await syncDir(path.dirname(final));
}

/** A fresh temp file name in the store's temp folder (created if missing). */
export async function tempPath(dir: string, prefix: string): Promise<string> {
  const tmpDir = path.join(dir, "tmp");
  await mkdir(tmpDir, { recursive: true });
  return path.join(tmpDir, `${prefix}-${randomUUID()}.part`);
}

/**
 * Removes temp files older than `olderThanMs` from the store's temp folder: what a process killed
 * mid-upload or mid-parse left behind. Age is the file's own modification time (the file system's
 * clock), so a file still being written, here or by another node sharing the store, is kept.
 * Returns how many were removed.
 */
export async function sweepStaleTemp(dir: string, olderThanMs: number): Promise<number> {
  const tmpDir = path.join(dir, "tmp");
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const name of names) {
    const file = path.join(tmpDir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs > cutoff) continue;
    if (
      await unlink(file).then(
        () => true,
        () => false,
      )
    )
      removed++;
  }
  return removed;
}

/** Makes a rename durable. Some platforms cannot fsync a directory; that is not an error. */
async function syncDir(dir: string) {
  const dh = await open(dir, "r").catch(() => undefined);
  if (!dh) return;
  try {
    await dh.sync();
  } catch {
    // EISDIR/EINVAL/EPERM on platforms without directory fsync.
  } finally {
    await dh.close();
  }
}

/**
 * Opens a stored file for reading, with its size and first bytes; undefined when the file is
 * missing (a deleted or never-synced data directory). The caller owns the handle.
 */
export async function openBlob(dir: string, sha256: string) {
  const fh = await open(blobPath(dir, sha256), "r").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (!fh) return undefined;
  try {
    const { size } = await fh.stat();
    const { buffer, bytesRead } = await fh.read({ buffer: Buffer.alloc(HEAD_BYTES), position: 0 });
    return { fh, size, head: buffer.subarray(0, bytesRead) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}
