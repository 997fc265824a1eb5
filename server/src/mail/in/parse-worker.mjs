/**
 * Runs in a worker thread: parses one raw message with mailparser and hands back plain data.
 * Plain JavaScript on purpose: a worker is started by Node itself, outside any TypeScript loader.
 * A message that crashes or hangs the parser takes only this thread with it (see parse.ts).
 */
import { parentPort } from "node:worker_threads";
import { simpleParser } from "mailparser";
import iconv from "iconv-lite";
import { readCharsetsRight } from "./charset.mjs";

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

async function parse(raw) {
  const mail = await simpleParser(raw, { keepCidLinks: true, keepDeliveryStatus: true, skipTextLinks: true, skipImageLinks: true, skipTextToHtml: true });
  await readCharsetsRight(raw, mail);
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
      content: a.content,
    })),
    unknownCharsets: unknownCharsets(raw),
  };
}

parentPort.on("message", async ({ id, raw }) => {
  try {
    const result = await parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
    // Attachment bytes are moved to the main thread rather than copied.
    const transfer = [];
    for (const a of result.attachments) {
      const own = new Uint8Array(a.content.byteLength);
      own.set(a.content);
      a.content = own;
      transfer.push(own.buffer);
    }
    parentPort.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String(err?.message ?? err).slice(0, 500) });
  }
});

// Loading mailparser takes a while; the time limit starts only once this thread is ready.
parentPort.postMessage({ ready: true });
