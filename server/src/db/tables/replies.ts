/** Row types of canned replies, macros and their applications (see the 0006-replies migration). */
import type { Generated } from "kysely";

export type ReplyScopeColumn = "personal" | "team" | "everyone";

export interface CannedRepliesTable {
  id: Generated<number>;
  title: string;
  /** Plain text with {{placeholders}}. */
  body: string;
  scope: ReplyScopeColumn;
  owner_id: number | null;
  team_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface MacrosTable {
  id: Generated<number>;
  name: string;
  description: string;
  /** JSON: MacroActions (contracts/src/replies.ts). */
  actions: string;
  scope: ReplyScopeColumn;
  owner_id: number | null;
  team_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface MacroApplicationsTable {
  id: Generated<number>;
  macro_id: number | null;
  macro_name: string;
  ticket_id: number;
  actor_id: number;
  /** JSON: the fields the macro changed, with their values before (TicketUpdateInput keys). */
  before: string;
  /** JSON: MacroChange[] as shown to the agent. */
  changes: string;
  /** JSON: ids of the reply and note the macro posted. */
  comment_ids: string;
  /** The ticket's version right after the macro; Undo needs the ticket still there. */
  version: number;
  created_at: string;
  undone_at: string | null;
}

export interface RepliesTables {
  canned_replies: CannedRepliesTable;
  macros: MacrosTable;
  macro_applications: MacroApplicationsTable;
}

/** The snooze columns the migration adds to `tickets`, declared by the domain that owns them. */
declare module "../schema.ts" {
  interface TicketsTable {
    /** Out of the agents' queues until then; after it passes, "back from snooze" until an agent acts. */
    snoozed_until: string | null;
    snoozed_by_id: number | null;
    /** When the snooze ended (time ran out or the requester replied), until an agent acts. */
    snooze_returned_at: string | null;
  }
}
