/**
 * Parsing with a time limit. mailparser (well kept, handles charsets such as ISO-2022-JP and
 * Windows-1252, quoted-printable, base64 and inline cid: parts) runs in a small pool of worker
 * threads: a message that hangs the parser is stopped by terminating its thread, and one that
 * crashes it (or exhausts the thread's heap) takes only that thread down. Either way the caller
 * gets a PoisonError and quarantines the message, while the other threads keep parsing the
 * messages behind it.
 */
import { readdir, unlink } from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";

export interface Address {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  disposition: string | null;
  cid: string | null;
  related: boolean;
  /**
   * The first bytes (up to 256 KiB) of a report part (message/*, text/rfc822-headers), which
   * bounce detection reads; empty for other parts, whose bytes are only in `file`.
   */
  content: Uint8Array;
  /** Decoded size in bytes. */
  size: number;
  /**
   * The decoded bytes in a temp file of the attachment store (fsynced), with their sha256 and
   * first bytes; null when the part is over the attachment cap (it stays in the raw original).
   * Whoever parses owns the file: store it (storeParts) or delete it (discardParts).
   */
  file: { path: string; sha256: string; head: Uint8Array } | null;
}

export interface ParsedMail {
  from: Address | null;
  fromHeader: boolean;
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  subject: string;
  /** The Date header as an ISO instant, when it parses. */
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  autoSubmitted: string | null;
  precedence: string | null;
  xAutoreply: string | null;
  listId: string | null;
  contentType: { value: string; params: Record<string, string> } | null;
  text: string;
  html: string;
  attachments: ParsedAttachment[];
  /** Declared charsets no decoder here knows; their text was read as UTF-8. */
  unknownCharsets: string[];
}

/** The parser failed on this message: it threw, hung past the limit, or crashed its thread. */
export class PoisonError extends Error {
  constructor(
    readonly kind: "unparseable" | "quarantined",
    message: string,
  ) {
    super(message);
  }
}

/** A message to parse: its bytes, or the spool file that holds them (read as a stream). */
export type RawInput = Buffer | { path: string };

interface Job {
  id: number;
  raw: RawInput;
  resolve: (m: ParsedMail) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The thread has loaded the parser; only then does a job's time limit start. */
  ready: boolean;
  job?: Job;
  /** When the current job was handed to the thread (performance.now()). */
  since?: number;
  timer?: NodeJS.Timeout;
  /** Retires an extra thread that has been idle for a while. */
  idle?: NodeJS.Timeout;
}

/** A message taking longer than this gets company: another thread starts for the ones behind it. */
const SLOW_MS = 250;
/** An extra thread idle this long is stopped again. */
const IDLE_MS = 30_000;

const WORKER_URL = new URL("./parse-worker.mjs", import.meta.url);

export class ParserPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private seq = 0;
  private closed = false;

  private slowCheck: NodeJS.Timeout | undefined;

  /**
   * One thread parses while messages are quick: on a small machine a second one would only fight
   * the main thread for a core. When a message has been parsing for SLOW_MS while others wait,
   * another thread starts (up to `size`), so one hung message never holds up the rest.
   *
   * @param size most threads parsing at once
   * @param timeoutMs how long one message may take before it is quarantined
   * @param files where attachments are written (a temp folder on the attachment store's file
   *   system, so storing one is a rename) and the largest one written, in bytes
   * @param heapMb heap limit of a thread, so a decompression-bomb-like message cannot exhaust the process
   */
  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly files: { tmpDir: string; maxAttachmentBytes: number },
    private readonly heapMb = 768,
  ) {}

  /** Starts the first thread now, so the first message does not wait for it to load. */
  warm() {
    if (!this.slots.length) this.spawn();
  }

  parse(raw: RawInput): Promise<ParsedMail> {
    if (this.closed) return Promise.reject(new Error("the parser pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.seq, raw, resolve, reject });
      this.pump();
    });
  }

  async close() {
    this.closed = true;
    clearTimeout(this.slowCheck);
    for (const s of this.slots) clearTimeout(s.idle);
    for (const job of this.queue.splice(0)) job.reject(new Error("the parser pool is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private pump() {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        if (this.slots.length < this.size && (this.slots.length === 0 || this.slowest() >= SLOW_MS)) this.spawn();
        else if (this.slots.length < this.size) this.checkAgain();
        return;
      }
      const job = this.queue.shift()!;
      clearTimeout(slot.idle);
      slot.job = job;
      slot.since = performance.now();
      slot.timer = setTimeout(() => this.fail(slot!, new PoisonError("quarantined", `parsing took longer than ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      if (!Buffer.isBuffer(job.raw)) {
        slot.worker.postMessage({ id: job.id, tag: this.tagOf(job), path: job.raw.path });
        continue;
      }
      // Moved, not cloned: the thread gets its own copy's memory without a second serialisation.
      const copy = new Uint8Array(job.raw.byteLength);
      copy.set(job.raw);
      slot.worker.postMessage({ id: job.id, tag: this.tagOf(job), raw: copy }, [copy.buffer]);
    }
  }

  /** How long the longest-running current job has been parsing, in ms. */
  private slowest(): number {
    const now = performance.now();
    return Math.max(0, ...this.slots.filter((s) => s.job && s.since !== undefined).map((s) => now - s.since!));
  }

  /** Looks again once the running jobs could count as slow. */
  private checkAgain() {
    if (this.slowCheck) return;
    this.slowCheck = setTimeout(() => {
      this.slowCheck = undefined;
      this.pump();
    }, SLOW_MS);
    this.slowCheck.unref();
  }

  /** Stops an extra thread once it has had nothing to do for IDLE_MS. */
  private retireWhenIdle(slot: Slot) {
    if (this.slots.length <= 1) return;
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      if (slot.job || this.slots.length <= 1 || this.closed) return;
      this.slots = this.slots.filter((s) => s !== slot);
      void slot.worker.terminate();
    }, IDLE_MS);
    slot.idle.unref();
  }

  /** The name prefix of a job's attachment temp files: unique across threads and processes. */
  private tagOf(job: Job) {
    return `mail-${process.pid}-${this.instance}-${job.id}`;
  }

  private readonly instance = Math.random().toString(36).slice(2, 10);

  /** Deletes what a failed job left in the temp folder (a stopped thread cannot clean up after itself). */
  private removeTemps(job: Job) {
    const prefix = `${this.tagOf(job)}-`;
    void readdir(this.files.tmpDir)
      .then((names) => Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => unlink(path.join(this.files.tmpDir, n)).catch(() => {}))))
      .catch(() => {});
  }

  private spawn(): Slot {
    // A small young generation: the thread streams (chunks come and go), and a default-sized one
    // per thread added about 60 MiB to the process under four large messages (bench/mail-memory.ts).
    const worker = new Worker(WORKER_URL, { workerData: this.files, resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 8 } });
    worker.unref();
    const slot: Slot = { worker, ready: false };
    worker.on("message", (msg: { ready?: boolean; id: number; ok: boolean; result?: ParsedMail; error?: string }) => {
      if (msg.ready) {
        slot.ready = true;
        return this.pump();
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      if (msg.ok) job.resolve(msg.result!);
      else {
        this.removeTemps(job);
        job.reject(new PoisonError("unparseable", msg.error ?? "the parser failed"));
      }
      this.pump();
      if (!slot.job) this.retireWhenIdle(slot);
    });
    worker.on("error", (err) => this.fail(slot, new PoisonError("quarantined", `the parser crashed: ${err.message}`)));
    worker.on("exit", () => {
      if (this.slots.includes(slot)) this.fail(slot, new PoisonError("quarantined", "the parser thread stopped"));
    });
    this.slots.push(slot);
    return slot;
  }

  /** Ends a slot's thread (hung or crashed), fails its job, and lets a fresh thread take the queue. */
  private fail(slot: Slot, err: Error) {
    clearTimeout(slot.timer);
    clearTimeout(slot.idle);
    this.slots = this.slots.filter((s) => s !== slot);
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate().then(() => job && this.removeTemps(job));
    job?.reject(err);
    if (!this.closed) this.pump();
  }
}
