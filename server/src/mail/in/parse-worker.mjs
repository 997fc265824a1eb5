/**
 * Runs in a worker thread: parses one raw message with mailparser and hands back plain data.
 * Plain JavaScript on purpose: a worker is started by Node itself, outside any TypeScript loader.
 * A message that crashes or hangs the parser takes only this thread with it (see parse.ts).
 *
 * The message streams through the parser (from its spool file, or from a buffer in slices), and
 * each attachment streams, decoded, into a temp file of the attachment store, hashed on the way:
 * memory holds the text parts, never a whole message or file. The main thread moves the temp
 * files into place (or deletes them) once it knows what the message is.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, unlink } from "node:fs/promises";
import path from "node:path";
import { pipeline, Readable, Transform } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { MailParser } from "mailparser";
import { Joiner, Splitter } from "@zone-eu/mailsplit";
import iconv from "iconv-lite";
import { readCharsetsRight, textFromHtml } from "./charset.mjs";

const JAPANESE = /^(iso-?2022-?jp.*|shift_?jis|sjis|euc-?jp|cp932|windows-?31j)$/i;
const UTF8ISH = /^(utf-?8|us-?ascii|ascii|ansi_x3\.4-1968)$/i;

/** Charsets a part declares that nothing here can decode (they fall back to UTF-8). */
function unknownCharsets(raw) {
  const out = new Set();
  const head = raw.length > 4_000_000 ? raw.subarray(0, 4_000_000) : raw;
  for (const m of head.toString("latin1").matchAll(/charset\s*=\s*"?([^";\s]{1,60})/gi)) {
    const cs = m[1].trim();
    if (UTF8ISH.test(cs) || JAPANESE.test(cs) || iconv.encodingExists(cs)) continue;
    out.add(cs);
  }
  return [...out];
}

const addresses = (v) => (!v ? [] : (Array.isArray(v) ? v : [v]).flatMap((a) => a.value ?? [])).flatMap(flat);
const flat = (a) => (a.group ? a.group.flatMap(flat) : a.address ? [{ address: a.address.toLowerCase(), name: a.name ?? "" }] : []);
const header = (mail, name) => {
  const v = mail.headers.get(name);
  if (v == null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "object" && "value" in v) return String(v.value);
  return String(v);
};

/** Where attachments are written (the store's temp folder) and the largest one kept (see parse.ts). */
const { tmpDir, maxAttachmentBytes } = workerData ?? {};
/** Parts whose first bytes bounce detection reads (loops.ts): those stay in memory, up to this much. */
const REPORT_PART = /^(message\/(rfc822|rfc822-headers|global|global-headers|delivery-status)|text\/rfc822-headers)$/i;
const REPORT_KEEP = 256 * 1024;
const HEAD_BYTES = 16;

/**
 * Writes one attachment's decoded bytes to a temp file (fsynced), hashing them. A file over the
 * attachment cap is only counted: it is not attached (the raw original still holds it).
 */
async function saveAttachment(a, tag, written) {
  const file = path.join(tmpDir, `${tag}-${written.length}.part`);
  written.push(file);
  const fh = await open(file, "wx", 0o600);
  const hash = createHash("sha256");
  const head = [];
  const kept = [];
  let keptLength = 0;
  let size = 0;
  let over = false;
  try {
    for await (const chunk of a.content) {
      size += chunk.length;
      if (REPORT_PART.test(a.contentType) && keptLength < REPORT_KEEP) {
        kept.push(chunk.subarray(0, REPORT_KEEP - keptLength));
        keptLength += Math.min(chunk.length, REPORT_KEEP - keptLength);
      }
      if (over) continue;
      if (size > maxAttachmentBytes) {
        over = true;
        continue;
      }
      if (size - chunk.length < HEAD_BYTES) head.push(chunk.subarray(0, HEAD_BYTES));
      hash.update(chunk);
      await fh.write(chunk);
    }
    if (!over) await fh.sync();
  } finally {
    await fh.close();
  }
  if (over) await unlink(file).catch(() => {});
  a.size = size;
  a.kept = new Uint8Array(Buffer.concat(kept, keptLength));
  a.file = over ? null : { path: file, sha256: hash.digest("hex"), head: new Uint8Array(Buffer.concat(head).subarray(0, HEAD_BYTES)) };
}

/** Parses a message as mailparser's simpleParser would (same fields), with attachments written to disk. */
function parseStreaming(input, options, tag) {
  return new Promise((resolve, reject) => {
    const written = [];
    const mail = { attachments: [] };
    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      input.destroy();
      parser.destroy();
      Promise.all(written.map((f) => unlink(f).catch(() => {}))).then(() => reject(err));
    };
    const parser = new MailParser({ ...options, checksumAlgo: false });
    parser.on("error", fail);
    parser.on("headers", (headers) => (mail.headers = headers));
    let reading = false;
    const reader = () => {
      reading = true;
      const data = parser.read();
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === "text") {
        for (const key of ["text", "html", "textAsHtml"]) if (key in data) mail[key] = data[key];
      }
      if (data.type !== "attachment") return reader();
      mail.attachments.push(data);
      saveAttachment(data, tag, written).then(() => {
        data.release();
        reader();
      }, fail);
    };
    parser.on("readable", () => {
      if (!reading) reader();
    });
    parser.on("end", () => {
      if (settled) return;
      settled = true;
      for (const key of ["subject", "references", "date", "to", "from", "cc", "bcc", "message-id", "in-reply-to", "reply-to"]) {
        if (mail.headers?.has(key)) mail[key.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = mail.headers.get(key);
      }
      mail.headers ??= new Map();
      resolve(mail);
    });
    input.once("error", fail).pipe(parser);
  });
}

/**
 * Most encoded bytes of one text part (a body, not an attached file) that are read. The app shows
 * at most 2 million characters of a body (body.ts), and the whole message stays in the raw
 * original; a longer body would only cost memory and time here, in the sanitiser and in the index,
 * a megabyte of text at a time (a 49 MiB HTML body took the process from 230 MiB to 2 GiB).
 */
const TEXT_PART_MAX = 2 * 1024 * 1024;

/**
 * Cuts inline text parts at TEXT_PART_MAX (mailsplit: the message's MIME structure as a stream,
 * put back together as it was); `cut.happened` tells whether it did.
 */
function capTextParts(source, cut) {
  let node = null;
  let seen = 0;
  const cap = new Transform({
    objectMode: true,
    transform(item, _enc, done) {
      if (item.type === "node") {
        node = item;
        seen = 0;
      } else if (item.type === "body" && node && /^text\//.test(node.contentType || "text/plain") && node.disposition !== "attachment" && !node.filename) {
        if (seen >= TEXT_PART_MAX) return done();
        seen += item.value.length;
        if (seen > TEXT_PART_MAX) cut.happened = true;
        if (seen > TEXT_PART_MAX) item.value = item.value.subarray(0, item.value.length - (seen - TEXT_PART_MAX));
      }
      done(null, item);
    },
  });
  return pipeline(source, new Splitter(), cap, new Joiner(), () => {});
}

/** The message as a stream (its spool file, or a buffer handed over in slices), its text parts capped. */
function inputOf(job, cut = {}) {
  if (job.path) return capTextParts(createReadStream(job.path, { highWaterMark: 256 * 1024 }), cut);
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  return capTextParts(
    Readable.from(
      (function* () {
        for (let at = 0; at < raw.length; at += 256 * 1024) yield raw.subarray(at, at + 256 * 1024);
      })(),
    ),
    cut,
  );
}

const CUT_NOTE = "(The message is longer than shown here; download the original for the rest.)";

/** Says where a cut body ends: the HTML at its last whole tag, so the note is not swallowed by a half-written one. */
function markCut(mail) {
  if (mail.html) mail.html = `${mail.html.slice(0, mail.html.lastIndexOf(">") + 1)}<p><em>${CUT_NOTE}</em></p>`;
  if (mail.text) mail.text = `${mail.text}\n\n${CUT_NOTE}`;
}

/** The first bytes of the message, where its charset declarations are looked for. */
async function headOf(job) {
  if (!job.path) return Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  const fh = await open(job.path, "r");
  try {
    const { buffer, bytesRead } = await fh.read({ buffer: Buffer.alloc(4_000_000), position: 0 });
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function parse(job) {
  await mkdir(tmpDir, { recursive: true });
  const cut = { happened: false };
  const mail = await parseStreaming(
    inputOf(job, cut),
    { keepCidLinks: true, keepDeliveryStatus: true, skipTextLinks: true, skipImageLinks: true, skipTextToHtml: true, skipHtmlToText: true },
    job.tag,
  );
  // mailparser's own text-from-HTML reads the whole body (up to 2 MiB) into html-to-text, which
  // took a hundred MiB per thread: the text is read from the part a ticket shows instead.
  if (!mail.text && mail.html) mail.text = textFromHtml(mail.html);
  await readCharsetsRight(() => inputOf(job), mail);
  if (cut.happened) markCut(mail);
  const raw = await headOf(job);
  const refs = mail.references ? (Array.isArray(mail.references) ? mail.references : [mail.references]) : [];
  const ct = mail.headers.get("content-type");
  return {
    from: addresses(mail.from)[0] ?? null,
    fromHeader: header(mail, "from") !== undefined,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    subject: mail.subject ?? "",
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    messageId: mail.messageId ?? null,
    inReplyTo: mail.inReplyTo ?? null,
    references: refs.flatMap((r) => r.match(/<[^<>\s]+>/g) ?? []),
    autoSubmitted: header(mail, "auto-submitted") ?? null,
    precedence: header(mail, "precedence") ?? null,
    xAutoreply: header(mail, "x-autoreply") ?? header(mail, "x-autorespond") ?? header(mail, "x-auto-response-suppress") ?? null,
    listId: header(mail, "list-id") ?? null,
    contentType: ct && typeof ct === "object" ? { value: ct.value, params: ct.params ?? {} } : null,
    text: mail.text ?? "",
    html: mail.html || "",
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      disposition: a.contentDisposition ?? null,
      cid: a.cid ?? null,
      related: !!a.related,
      content: a.kept,
      size: a.size,
      file: a.file,
    })),
    unknownCharsets: unknownCharsets(raw),
  };
}

parentPort.on("message", async (job) => {
  const { id } = job;
  try {
    // Attachments are on disk: what goes back is small (text parts, names, hashes).
    parentPort.postMessage({ id, ok: true, result: await parse(job) });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String(err?.message ?? err).slice(0, 500) });
  }
});

// Loading mailparser takes a while; the time limit starts only once this thread is ready.
parentPort.postMessage({ ready: true });
