/**
 * Inbound messages on their way in are spooled to a temp file of the attachment store while they
 * arrive, hashed (sha256 of the bytes, and the fingerprint) on the way: the listener holds a
 * chunk at a time, never a whole message. A message kept large becomes its stored original by a
 * rename; the spool file is removed whatever happens.
 */
import { createHash } from "node:crypto";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { tempPath } from "../../attachments/storage.ts";
import { Fingerprinter } from "./raw.ts";

/** A whole message in a spool file. */
export interface SpooledRaw {
  path: string;
  size: number;
  /** sha256 (hex) of the bytes, the content address of the stored original. */
  sha256: string;
  /** The fingerprint of raw.ts, for recognising a second delivery of the same message. */
  fingerprint: string;
}

/** A message as a caller hands it in: in memory, or spooled to disk. */
export type RawMessage = Buffer | SpooledRaw;

export const rawSize = (raw: RawMessage) => (Buffer.isBuffer(raw) ? raw.length : raw.size);

export class Spool {
  private readonly hash = createHash("sha256");
  private readonly fingerprint = new Fingerprinter();
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async open(attachmentsDir: string): Promise<Spool> {
    const file = await tempPath(attachmentsDir, "spool");
    // "wx": never reuse an existing file; 0o600: mail is not for other local users.
    return new Spool(file, await open(file, "wx", 0o600));
  }

  async write(chunk: Buffer) {
    this.size += chunk.length;
    this.hash.update(chunk);
    this.fingerprint.update(chunk);
    await this.fh.write(chunk);
  }

  /** Closes the file; the result names it. Not fsynced: whoever keeps it for good syncs it. */
  async finish(): Promise<SpooledRaw> {
    await this.fh.close();
    return { path: this.path, size: this.size, sha256: this.hash.digest("hex"), fingerprint: this.fingerprint.digest() };
  }

  /** Removes the spool file (already moved into the store, or not wanted). */
  async discard() {
    await this.fh.close().catch(() => {});
    await unlink(this.path).catch(() => {});
  }
}
