/**
 * PostgreSQL cannot store the NUL character in text (a 500 there, stored on SQLite), and no field
 * of ours has a use for it. One hook refuses it in the path, query and JSON body of every route,
 * naming the field, so both databases give the same 400.
 */
import { invalid } from "../errors.ts";
import type { App } from "./types.ts";

// Deeper than any of our schemas; a pathological body stops being walked here and fails validation.
const MAX_DEPTH = 20;

/** The path of the first string (or key) holding a NUL, e.g. "body.requester.email". */
export function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const p = Array.isArray(value) ? `${path}.${key}` : `${path}.${key.replaceAll("\u0000", "\\0")}`;
    if (key.includes("\u0000")) return p;
    const found = findNul(v, p, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function registerNulGuard(app: App) {
  app.addHook("preValidation", async (req) => {
    const field = findNul(req.params, "params") ?? findNul(req.query, "querystring") ?? findNul(req.body, "body");
    if (field) throw invalid(field, "must not contain the NUL character");
  });
}
