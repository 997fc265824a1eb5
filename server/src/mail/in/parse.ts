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
  /** The text part without quoted history and signature (email-reply-parser). */
  visibleText: string;
  /** Where quoted history starts in the HTML, or -1. */
  htmlQuoteAt: number;
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
  timer?: NodeJS.Timeout;
}

const WORKER_URL = new URL("./parse-worker.mjs", import.meta.url);

export class ParserPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private seq = 0;
  private closed = false;

  /**
   * @param size threads parsing at once (a hung message blocks only its own thread)
   * @param timeoutMs how long one message may take before it is quarantined
   * @param heapMb heap limit of a thread, so a decompression-bomb-like message cannot exhaust the process
   */
  constructor(
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly heapMb = 768,
  ) {}

  /** Starts the threads now, so the first message does not wait for them to load. */
  warm() {
    while (this.slots.length < this.size) this.spawn();
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
    for (const job of this.queue.splice(0)) job.reject(new Error("the parser pool is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private pump() {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        if (this.slots.length < this.size) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => this.fail(slot!, new PoisonError("quarantined", `parsing took longer than ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      // Moved, not cloned: the thread gets its own copy's memory without a second serialisation.
      const copy = new Uint8Array(job.raw.byteLength);
      copy.set(job.raw);
      slot.worker.postMessage({ id: job.id, raw: copy }, [copy.buffer]);
    }
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
    this.slots = this.slots.filter((s) => s !== slot);
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate();
    job?.reject(err);
    if (!this.closed) this.pump();
  }
}
