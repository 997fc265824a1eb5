import { trimEndWhere } from "../text/trim-end.ts";

/**
 * Uploaded file names are shown in the UI and offered back on download, and nothing else: the
 * stored path comes from the content hash. Still, a name must not smuggle a path, control or
 * bidi characters (which can disguise "gpj.exe" as "exe.jpg"), or characters that Windows
 * refuses, into someone's download folder.
 */

/** Longest name kept, in characters (code points), extension included. */
export const MAX_FILENAME_LENGTH = 200;
const FALLBACK = "file";
// Longest tail treated as an extension worth keeping when a name is shortened.
const MAX_EXTENSION_LENGTH = 20;

// Control characters and invisible formatting characters (bidi overrides, zero-width, BOM).
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
// Characters Windows forbids in names; `/` and `\` are gone already with the directories.
const FORBIDDEN = /[<>:"|?*]/g;
// Device names Windows treats specially whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * The display name for an upload: basename only (both `/` and `\` separate directories),
 * Unicode NFC, no control or forbidden characters, runs of whitespace collapsed to one space,
 * no leading dots (no hidden files, no `..`), at most MAX_FILENAME_LENGTH characters with the
 * extension kept; "file" when nothing is left.
 */
export function sanitizeFilename(raw: string | undefined | null): string {
  let name = (raw ?? "").normalize("NFC");
  name = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
  name = name
    .replace(/\s+/gu, " ")
    .replace(INVISIBLE, "")
    .replace(FORBIDDEN, "")
    .replace(/ {2,}/g, " ")
    .replace(/^[\s.]+/u, "");
  // Windows drops trailing dots and spaces, which would change the extension the user sees.
  name = trimEndWhere(name, /[\s.]/u);
  if (RESERVED.test(name)) name = `_${name}`;
  name = truncateKeepingExtension(name, MAX_FILENAME_LENGTH);
  return name || FALLBACK;
}

function truncateKeepingExtension(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot) : "";
  const extChars = Array.from(ext);
  const keepExt = extChars.length > 1 && extChars.length <= MAX_EXTENSION_LENGTH && !/\s/.test(ext);
  if (!keepExt) return chars.slice(0, max).join("").trimEnd();
  const stem = Array.from(name.slice(0, dot))
    .slice(0, max - extChars.length)
    .join("")
    .replace(/[\s.]+$/u, "");
  return stem + ext;
}

/**
 * A Content-Disposition value (RFC 6266): an ASCII `filename` for old clients and the exact
 * name as UTF-8 in `filename*` (RFC 8187). The ASCII fallback drops anything that could break
 * the quoted string or be percent-decoded by a client.
 */
export function contentDisposition(kind: "attachment" | "inline", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%;]/g, "_") || FALLBACK;
  // encodeURIComponent leaves ' ( ) * unescaped; RFC 8187 attr-char does not allow them.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
