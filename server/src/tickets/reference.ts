/**
 * Ticket references: the "INC-1042" a person reads, says and types. A reference is the type's
 * prefix and the ticket's number; the number alone is unique, the prefix is for people.
 * This module imports nothing of the domain, so anything may use it without pulling in the
 * ticket service.
 */
import { TYPE_PREFIX, type TicketType } from "@tessera/contracts";

/** "INC-1042" for incident number 1042; TKT for a type the contracts do not know. */
export function referenceOf(t: { type: string; number: number }): string {
  const prefix = TYPE_PREFIX[t.type as TicketType] ?? "TKT";
  return `${prefix}-${t.number}`;
}

/** Parses "42", "1042", "INC-1042" into a lookup by id or by number; undefined for anything else. */
export function parseTicketKey(key: string | number): { id?: number; number?: number } | undefined {
  if (typeof key === "number") return { id: key };
  const ref = /^([A-Za-z]{2,5})-(\d{1,9})$/.exec(key.trim());
  if (ref) return { number: Number(ref[2]) };
  if (/^\d{1,9}$/.test(key.trim())) return { id: Number(key) };
  return undefined;
}
