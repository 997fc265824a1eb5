/**
 * Inbound messages on their way in: a small one is gathered in memory (most mail; it goes into
 * the database whole anyway), a large one is spooled to a temp file of the attachment store as
 * it arrives, hashed (sha256 of the bytes, and the fingerprint) on the way, so the listener holds
 * a chunk at a time, never a whole large message. A message kept large becomes its stored
 * original by a link; the spool file is removed whatever happens.
 */
import { createHash } from "node:crypto";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { tempPath } from "../../attachments/storage.ts";
import { Fingerprinter } from "./raw.ts";

/** Raw originals up to this size stay in memory and are kept in the database (mail_raw); larger ones are spooled and go to the file store. */
export const RAW_IN_DATABASE_MAX = 256 * 1024;

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
  /** The bytes so far, while the message is small enough to stay in memory. */
  private held: Buffer[] = [];
  private file: { path: string; fh: FileHandle } | undefined;

  /** @param attachmentsDir the attachment store, whose temp folder takes the spool file */
  constructor(private readonly attachmentsDir: string) {}

  async write(chunk: Buffer) {
    this.size += chunk.length;
    if (!this.file && this.size <= RAW_IN_DATABASE_MAX) {
      this.held.push(chunk);
      return;
    }
    if (!this.file) {
      const path = await tempPath(this.attachmentsDir, "spool");
      // "wx": never reuse an existing file; 0o600: mail is not for other local users.
      this.file = { path, fh: await open(path, "wx", 0o600) };
      const earlier = this.held;
      this.held = [];
      for (const b of earlier) await this.append(b);
    }
    await this.append(chunk);
  }

  /** The whole message: in memory when small, else the spool file (closed; not fsynced, whoever keeps it syncs it). */
  async finish(): Promise<RawMessage> {
    if (!this.file) return Buffer.concat(this.held);
    await this.file.fh.close();
    return { path: this.file.path, size: this.size, sha256: this.hash.digest("hex"), fingerprint: this.fingerprint.digest() };
  }

  /** Removes the spool file (already linked into the store, or not wanted). */
  async discard() {
    this.held = [];
    if (!this.file) return;
    await this.file.fh.close().catch(() => {});
    await unlink(this.file.path).catch(() => {});
  }

  private async append(chunk: Buffer) {
    this.hash.update(chunk);
    this.fingerprint.update(chunk);
    await this.file!.fh.write(chunk);
  }
}
