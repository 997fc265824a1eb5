/** Values of admin-defined custom fields, checked against each field's type. */
import type { Reader } from "../context.ts";
import { invalid } from "../errors.ts";

type Value = string | number | boolean | null;
export interface FieldDef {
  id: number;
  key: string;
  label: string;
  type: string;
  options: string;
  required: number;
  visible_to_requester: number;
  active: number;
}

export const FIELDS_KEY = "custom_fields";

export async function loadFields(r: Reader): Promise<FieldDef[]> {
  return r.memo.get(FIELDS_KEY, () => r.db.selectFrom("custom_fields").selectAll().orderBy("id").execute());
}

function check(def: FieldDef, value: Value): string | undefined {
  const field = `custom_fields.${def.key}`;
  if (value === null) return undefined;
  switch (def.type) {
    case "text":
      if (typeof value !== "string") throw invalid(field, "must be text");
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(field, "must be a number");
      return String(value);
    case "boolean":
      if (typeof value !== "boolean") throw invalid(field, "must be true or false");
      return String(value);
    case "date":
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw invalid(field, "must be a date like 2026-12-31");
      return value;
    case "select": {
      const options = JSON.parse(def.options) as string[];
      if (typeof value !== "string" || !options.includes(value)) throw invalid(field, `must be one of: ${options.join(", ")}`);
      return value;
    }
  }
  throw invalid(field, "has an unknown type");
}

/**
 * Checks the given values and returns what to store: [field id, stored text or null to clear].
 * On create, required fields must be present.
 */
export function validateFieldValues(defs: FieldDef[], values: Record<string, Value> | undefined, opts: { creating: boolean; requester: boolean }) {
  const out: Array<[number, string | null]> = [];
  for (const [key, value] of Object.entries(values ?? {})) {
    const def = defs.find((d) => d.key === key && d.active);
    if (!def || (opts.requester && !def.visible_to_requester)) throw invalid(`custom_fields.${key}`, "is not a field of this desk");
    out.push([def.id, check(def, value) ?? null]);
  }
  if (opts.creating) {
    for (const def of defs) {
      if (!def.active || !def.required || (opts.requester && !def.visible_to_requester)) continue;
      const given = out.find(([id]) => id === def.id);
      if (!given || given[1] === null || given[1] === "") throw invalid(`custom_fields.${def.key}`, `${def.label} is required`);
    }
  }
  return out;
}

export function parseStoredValue(def: FieldDef, stored: string): unknown {
  if (def.type === "number") return Number(stored);
  if (def.type === "boolean") return stored === "true";
  return stored;
}
