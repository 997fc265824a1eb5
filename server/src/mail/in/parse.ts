/**
 * Parsing with a time limit. mailparser (well kept, handles charsets such as ISO-2022-JP and
 * Windows-1252, quoted-printable, base64 and inline cid: parts) runs in a small pool of worker
 * threads: a message that hangs the parser is stopped by terminating its thread, and one that
 * crashes it (or exhausts the thread's heap) takes only that thread down. Either way the caller
 * gets a PoisonError and quarantines the message, while the other threads keep parsing the
 * messages behind it.
 */
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
  content: Uint8Array;
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

interface Job {
  id: number;
  raw: Buffer;
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
   * @param heapMb heap limit of a thread, so a decompression-bomb-like message cannot exhaust the process
   */
  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly heapMb = 768,
  ) {}

  /** Starts the first thread now, so the first message does not wait for it to load. */
  warm() {
    if (!this.slots.length) this.spawn();
  }

  parse(raw: Buffer): Promise<ParsedMail> {
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
      // Moved, not cloned: the thread gets its own copy's memory without a second serialisation.
      const copy = new Uint8Array(job.raw.byteLength);
      copy.set(job.raw);
      slot.worker.postMessage({ id: job.id, raw: copy }, [copy.buffer]);
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

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
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
      else job.reject(new PoisonError("unparseable", msg.error ?? "the parser failed"));
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
    void slot.worker.terminate();
    job?.reject(err);
    if (!this.closed) this.pump();
  }
}
