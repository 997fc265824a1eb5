import { z } from "zod";
import { Instant, NamedRef } from "./common.ts";

/** Which tab of the composer the draft was written in. */
export const DraftMode = z.enum(["reply", "note"]);
export type DraftMode = z.infer<typeof DraftMode>;

/** The same ceiling as a comment's body, so any draft can be sent as it is. */
export const DRAFT_BODY_MAX = 200_000;

/** The signed-in agent's unsent reply or note on one ticket. */
export const ReplyDraft = z.object({
  ticket_id: z.number().int(),
  mode: DraftMode,
  body: z.string().describe("plain text as typed in the composer"),
  /** Teammates picked with @ while writing a note. */
  mentions: z.array(NamedRef),
  updated_at: Instant,
  /** Send it back as `version` with the next save; a save based on an older version is refused with 409. */
  version: z.number().int(),
});
export type ReplyDraft = z.infer<typeof ReplyDraft>;

export const ReplyDraftInput = z
  .object({
    mode: DraftMode,
    /** Empty (or only spaces) deletes the draft. */
    body: z.string().max(DRAFT_BODY_MAX, "must be at most 200,000 characters, the most a reply can hold"),
    mentions: z
      .array(z.object({ id: z.number().int().positive(), name: z.string().max(200) }).strict())
      .max(50)
      .default([]),
    /** The version this save is based on: 0 when you saw no draft. Leave it out to overwrite whatever is stored. */
    version: z.number().int().min(0).optional(),
  })
  .strict();
export type ReplyDraftInput = z.infer<typeof ReplyDraftInput>;

/** Someone's draft on a ticket, as the team sees it: who, which mode, since when (never the text). */
export const DraftMarker = z.object({ user: NamedRef, mode: DraftMode, updated_at: Instant });
export type DraftMarker = z.infer<typeof DraftMarker>;
