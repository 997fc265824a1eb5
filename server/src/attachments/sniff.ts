/**
 * What a stored file is. The type the uploader's browser claims is never trusted: it is whatever
 * the sender says, and a "image/png" that is really HTML would run script on our origin if it
 * were ever rendered. Raster images and PDF are recognised by their magic bytes; anything else
 * gets the type its (sanitised) name implies, which is only ever served as a download.
 */
import mime from "mime";

const OCTET_STREAM = "application/octet-stream";

/** Raster image types a browser renders without running anything; the only ones served inline. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Types we only assign when the bytes prove them, never from a name alone. */
const SNIFFED_TYPES: ReadonlySet<string> = new Set([...INLINE_IMAGE_TYPES, "application/pdf"]);

const startsWith = (head: Buffer, bytes: number[], at = 0) => head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The type proven by the first bytes (12 are enough), or undefined. */
export function sniffType(head: Buffer): string | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "image/gif";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(head, ascii("%PDF-"))) return "application/pdf";
  return undefined;
}

/**
 * The content type to store: the sniffed type when the bytes prove one; otherwise the type of
 * the name's extension, except that an extension claiming an image or PDF the bytes do not
 * prove falls back to application/octet-stream (a stored image type always means "verified").
 */
export function detectContentType(head: Buffer, safeName: string): string {
  const sniffed = sniffType(head);
  if (sniffed) return sniffed;
  const byName = mime.getType(safeName);
  if (!byName || SNIFFED_TYPES.has(byName)) return OCTET_STREAM;
  return byName;
}
