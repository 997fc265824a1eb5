/**
 * Canned replies, macros and snooze: the shapes of their API, and the placeholders both the
 * server (macro replies and notes) and the web app (canned replies in the composer) fill in.
 */
import { z } from "zod";
import { Instant, UserRef } from "./common.ts";
import { Priority } from "./enums.ts";
import { Ticket } from "./tickets.ts";

// ---- placeholders ----

/** Every placeholder Tessera fills, with what it becomes. Anything else is left as written. */
export const PLACEHOLDERS = [
  { key: "requester.first_name", label: "Requester's first name" },
  { key: "requester.name", label: "Requester's full name" },
  { key: "ticket.reference", label: "Ticket reference, e.g. INC-1042" },
  { key: "ticket.subject", label: "Ticket subject" },
  { key: "agent.first_name", label: "Your first name" },
  { key: "agent.name", label: "Your full name" },
] as const;
export type PlaceholderKey = (typeof PLACEHOLDERS)[number]["key"];
export type PlaceholderValues = Record<PlaceholderKey, string>;

const PLACEHOLDER = /\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}/gi;

/** "Jane Q. Doe" → "Jane"; an address-like name ("jane.doe") is used whole. */
export const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? "";

export function placeholderValues(input: { requester: { name: string }; ticket: { reference: string; subject: string }; agent: { name: string } }): PlaceholderValues {
  return {
    "requester.first_name": firstNameOf(input.requester.name),
    "requester.name": input.requester.name.trim(),
    "ticket.reference": input.ticket.reference,
    "ticket.subject": input.ticket.subject,
    "agent.first_name": firstNameOf(input.agent.name),
    "agent.name": input.agent.name.trim(),
  };
}

/**
 * Fills `{{requester.first_name}}` and the other known placeholders. An unknown one (a typo
 * such as `{{requester.firstname}}`) stays visible as written, so the agent sees it before
 * sending rather than the requester reading a silent gap.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const v = (values as Record<string, string>)[key.toLowerCase()];
    return v === undefined ? whole : v;
  });
}

/** The placeholders in a text that Tessera does not know, for a warning while editing. */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(PLACEHOLDERS.map((p) => p.key));
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((m) => !known.has(m.replace(/[{}\s]/g, "").toLowerCase())))];
}

// ---- who sees a canned reply or macro ----

/**
 * `personal`: the owner only. `team`: the members of one team. `everyone`: every agent.
 * Agents may keep personal ones and share canned replies with their own teams; shared macros
 * and anything for everyone are made by supervisors and admins.
 */
export const ReplyScope = z.enum(["personal", "team", "everyone"]);
export type ReplyScope = z.infer<typeof ReplyScope>;

const Title = z.string().trim().min(1, "must not be empty").max(120);
const TeamId = z.number().int().positive().nullable();

// ---- canned replies ----

export const CannedReply = z.object({
  id: z.number().int(),
  title: z.string(),
  /** Plain text with placeholders; the composer fills them before inserting. */
  body: z.string(),
  scope: ReplyScope,
  team: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  owner: UserRef.nullable(),
  /** True when the caller may change or delete it. */
  editable: z.boolean(),
  created_at: Instant,
  updated_at: Instant,
});
export type CannedReply = z.infer<typeof CannedReply>;

export const CannedReplyInput = z
  .object({
    title: Title,
    body: z.string().trim().min(1, "must not be empty").max(20_000, "must be at most 20,000 characters"),
    scope: ReplyScope.default("personal"),
    /** Required for `team`; must be empty otherwise. */
    team_id: TeamId.optional(),
  })
  .strict();
export type CannedReplyInput = z.input<typeof CannedReplyInput>;
export const CannedReplyUpdateInput = CannedReplyInput.partial().strict();

/** GET /api/canned-replies: `usable` (default) lists what the caller can insert; `shared` lists every shared one (admins). */
export const ReplyListQuery = z.object({ list: z.enum(["usable", "shared"]).default("usable") }).strict();

// ---- macros ----

const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_.:/-]*$/u, "tags are letters, digits and _ . : / -");
const MacroText = z.string().trim().min(1, "must not be empty (leave it out instead)").max(20_000);

/** What a macro does. Every key is optional; at least one must be set. */
export const MacroActions = z
  .object({
    status: z.string().min(1).max(40).optional(),
    priority: Priority.optional(),
    /** A user id, `me` (whoever applies it), or null to unassign. */
    assignee: z.union([z.literal("me"), z.number().int().positive(), z.null()]).optional(),
    team_id: TeamId.optional(),
    add_tags: z.array(Tag).max(20).optional(),
    remove_tags: z.array(Tag).max(20).optional(),
    /** A public reply to the requester (plain text, placeholders filled). */
    reply: MacroText.optional(),
    /** An internal note (plain text, placeholders filled). */
    note: MacroText.optional(),
  })
  .strict()
  .refine((a) => Object.values(a).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), "a macro must change or add something");
export type MacroActions = z.infer<typeof MacroActions>;

export const Macro = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  actions: MacroActions,
  scope: ReplyScope,
  team: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  owner: UserRef.nullable(),
  editable: z.boolean(),
  created_at: Instant,
  updated_at: Instant,
});
export type Macro = z.infer<typeof Macro>;

export const MacroInput = z
  .object({
    name: Title,
    description: z.string().trim().max(500).default(""),
    actions: MacroActions,
    scope: ReplyScope.default("personal"),
    team_id: TeamId.optional(),
  })
  .strict();
export type MacroInput = z.input<typeof MacroInput>;
export const MacroUpdateInput = z
  .object({ name: Title, description: z.string().trim().max(500), actions: MacroActions, scope: ReplyScope, team_id: TeamId })
  .partial()
  .strict();

/** One change a macro would make on a ticket, in words ready to show. */
export const MacroChange = z.object({
  field: z.enum(["status", "priority", "assignee", "team", "tags", "reply", "note"]),
  /** What it is now and what it becomes, as labels ("Open" → "Waiting on customer"); tags: "+refund", "-vip". */
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type MacroChange = z.infer<typeof MacroChange>;

export const MacroPreview = z.object({
  macro: z.object({ id: z.number().int(), name: z.string() }),
  ticket: z.object({ id: z.number().int(), reference: z.string(), version: z.number().int() }),
  /** Only what would differ on this ticket; parts that change nothing are left out. */
  changes: z.array(MacroChange),
  /** The reply and note as they would be posted, placeholders filled. */
  reply: z.string().nullable(),
  note: z.string().nullable(),
  /** Why applying would fail or do less than the macro says, in words. */
  problems: z.array(z.string()),
});
export type MacroPreview = z.infer<typeof MacroPreview>;

export const MacroApplyInput = z
  .object({
    ticket: z.union([z.number().int().positive(), z.string().trim().min(1).max(40)]),
    /** The ticket version the preview was made from; a newer ticket is refused with 409. */
    version: z.number().int().positive(),
  })
  .strict();
export const MacroPreviewQuery = z.object({ ticket: z.string().trim().min(1).max(40) }).strict();

export const MacroApplication = z.object({
  id: z.number().int(),
  macro: z.object({ id: z.number().int(), name: z.string() }),
  ticket_id: z.number().int(),
  changes: z.array(MacroChange),
  /** Ids of the reply and note posted; Undo does not take them back. */
  comment_ids: z.array(z.number().int()),
  version: z.number().int(),
  undone_at: Instant.nullable(),
  created_at: Instant,
});
export type MacroApplication = z.infer<typeof MacroApplication>;

export const MacroApplyResult = z.object({ application: MacroApplication, ticket: Ticket });
export type MacroApplyResult = z.infer<typeof MacroApplyResult>;

export const MacroUndoResult = z.object({
  application: MacroApplication,
  /** Fields that could not go back, and why (e.g. a ticket never returns to New). */
  kept: z.array(z.string()),
  ticket: Ticket,
});
export type MacroUndoResult = z.infer<typeof MacroUndoResult>;

// ---- snooze ----

export const SnoozeInput = z
  .object({
    /** When the ticket comes back; at least a minute ahead and at most a year. */
    until: z.iso.datetime({ offset: true }),
  })
  .strict();
export type SnoozeInput = z.infer<typeof SnoozeInput>;
