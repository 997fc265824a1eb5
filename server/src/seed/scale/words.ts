/**
 * What a seeded desk is made of: its teams and categories, and the words of its tickets and
 * conversations. The words are data, kept in words.json; this module gives them their types.
 */
import type { TicketType } from "@tessera/contracts";
import words from "./words.json" with { type: "json" };

export interface CategorySpec {
  name: string;
  team: string;
  type: TicketType;
  // Subjects may hold {asset}, {host}, {app}, {code}, {room}: filled per ticket, so that search finds a few tickets, not all.
  children: Array<{ name: string; subjects: string[] }>;
}

/** Word lists, by what they are: apps, rooms, hosts, openings, agent_replies, notes, tags, ... */
export const WORDS = words;
export const TEAMS: Array<{ name: string; description: string }> = words.teams;
export const CATEGORIES = words.categories as CategorySpec[];
/** [name, domain] */
export const ORGANIZATIONS = words.organizations as Array<[string, string]>;

/** Tiny files the attachment rows point at (stored once, shared by every row naming them). */
export const ATTACHMENT_FILES: Array<{ filename: string; bytes: Buffer }> = [
  { filename: "screenshot.png", bytes: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==", "base64") },
  { filename: "error-log.txt", bytes: Buffer.from("2026-01-12 09:14:02 ERROR connection reset by peer\n") },
  { filename: "quote.pdf", bytes: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") },
];
