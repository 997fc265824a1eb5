/** Row type of reply drafts (migration 2026-12-07-0009-reply-drafts). */

export interface ReplyDraftsTable {
  ticket_id: number;
  /** The agent writing; one draft per ticket and agent. */
  user_id: number;
  mode: "reply" | "note";
  /** The composer's plain text, as typed (mentions are written as "@Name"). */
  body: string;
  /** JSON: [{id, name}] of teammates picked with @ while writing a note. */
  mentions: string;
  updated_at: string;
  /** Goes up by one on each save; a save naming an older version is refused. */
  version: number;
}

export interface DraftTables {
  reply_drafts: ReplyDraftsTable;
}
