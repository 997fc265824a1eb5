/** Row types of the inbound mail tables (see the 0004-mail-in migration). */
import type { Generated } from "kysely";

type Flag = number;

/** Every Message-ID received or sent (with angle brackets), and the ticket it threads into. */
export interface MailThreadIdsTable {
  message_id: string;
  ticket_id: number;
  comment_id: number | null;
  direction: "in" | "out";
  created_at: string;
}

export type ProcessedAction = "seen" | "move";
export type HistoryMode = "new_only" | "import";

export interface MailboxesTable {
  id: Generated<number>;
  /** The address mail is sent to, lower-case. */
  address: string;
  name: string;
  active: Flag;
  /** Null for an address reached only over SMTP or the MTA pipe. */
  imap_host: string | null;
  imap_port: number | null;
  imap_tls: Flag;
  imap_user: string | null;
  /** Sealed (see secret-box.ts); never leaves the server. */
  imap_password: string | null;
  imap_folder: string;
  processed_action: ProcessedAction;
  processed_folder: string | null;
  history_mode: HistoryMode;
  team_id: number | null;
  category_id: number | null;
  ticket_type: string | null;
  /** 1: only known people, or the addresses and domains in allowed_senders, may open tickets. */
  restrict_senders: Flag;
  /** JSON array of addresses ("ann@example.com") and domains ("example.com"). */
  allowed_senders: string;
  created_at: string;
  updated_at: string;
}

export interface MailboxSyncTable {
  mailbox_id: number;
  uidvalidity: string | null;
  last_uid: number;
  history_uid: number;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  waiting: number;
  oldest_waiting_at: string | null;
  updated_at: string;
}

/** A raw original small enough to keep in the database, by its sha256. */
export interface MailRawTable {
  sha256: string;
  bytes: Buffer;
  created_at: string;
}

export type MailSource = "smtp" | "imap" | "pipe" | "reprocess" | "held";
export type MailOutcome = "ticket" | "reply" | "held" | "bounce" | "ignored";

export interface MailMessagesTable {
  id: Generated<number>;
  message_id: string;
  fingerprint: string;
  mailbox_id: number | null;
  source: MailSource;
  raw_sha256: string;
  raw_size: number;
  from_address: string;
  from_user_id: number | null;
  subject: string;
  sent_at: string | null;
  outcome: MailOutcome;
  ticket_id: number | null;
  comment_id: number | null;
  no_auto_reply: Flag;
  loop_reason: string | null;
  remote_images: Flag;
  full_html: string;
  /** sha256 of the text with whitespace and case folded: the same words again are recognised. */
  body_sha256: string | null;
  created_at: string;
}

export type FailedReason = "unparseable" | "quarantined" | "no_from" | "too_large" | "unknown_charset" | "sender_not_allowed";

export interface MailFailedTable {
  id: Generated<number>;
  mailbox_id: number | null;
  source: MailSource;
  raw_sha256: string;
  raw_size: number;
  reason: FailedReason;
  error: string;
  from_address: string | null;
  subject: string | null;
  attempts: number;
  status: "open" | "reprocessed" | "discarded";
  resolved_by_id: number | null;
  resolved_at: string | null;
  ticket_id: number | null;
  created_at: string;
  updated_at: string;
}

export type HeldReason = "not_a_party" | "unverified_agent" | "message_id_reused" | "auto_reply_loop";

export interface MailHeldTable {
  id: Generated<number>;
  mail_message_id: number;
  ticket_id: number;
  reason: HeldReason;
  status: "held" | "accepted_reply" | "accepted_ticket" | "rejected";
  decided_by_id: number | null;
  decided_at: string | null;
  result_ticket_id: number | null;
  created_at: string;
}

/**
 * Why the people a message copied in wait for an agent: tag_only (a reply recognised by its
 * subject tag alone), unsigned_thread (threaded by a Message-ID that is not one of our signed
 * ones), tagged_new_ticket (a new request carrying another ticket's tag).
 */
export type CopiesReason = "tag_only" | "unsigned_thread" | "tagged_new_ticket";

export interface MailHeldCopiesTable {
  id: Generated<number>;
  ticket_id: number;
  mail_message_id: number;
  from_address: string;
  /** JSON: [{address, name}], lower-case addresses. */
  addresses: string;
  reason: CopiesReason;
  status: "held" | "accepted" | "rejected";
  decided_by_id: number | null;
  decided_at: string | null;
  created_at: string;
}

export interface MailInTables {
  mail_thread_ids: MailThreadIdsTable;
  mailboxes: MailboxesTable;
  mailbox_sync: MailboxSyncTable;
  mail_raw: MailRawTable;
  mail_messages: MailMessagesTable;
  mail_failed: MailFailedTable;
  mail_held: MailHeldTable;
  mail_held_copies: MailHeldCopiesTable;
}
