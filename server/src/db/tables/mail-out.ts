/** Row types of the outbound mail and alert tables (see the 0005-mail-out migration). */
import type { Generated } from "kysely";

export type MailKind = "acknowledgement" | "reply" | "resolved" | "auto_closed" | "mention" | "assigned";
/** queued → sending → sent, or back to queued for a retry, or failed; suppressed: decided not to send. */
export type OutboxState = "queued" | "sending" | "sent" | "failed" | "suppressed";

export interface MailOutboxTable {
  id: Generated<number>;
  kind: MailKind;
  ticket_id: number;
  comment_id: number | null;
  recipient_user_id: number | null;
  to_address: string;
  to_name: string;
  /** Who made the change the mail reports. */
  actor_id: number | null;
  /** RFC 3834: `auto-replied` for acknowledgements, `auto-generated` for notices. */
  auto_submitted: string;
  state: OutboxState;
  /** Delivery attempts that reached the mail server and got an answer. */
  attempts: number;
  next_attempt_at: string;
  /** While `sending`: the claim lapses at this instant (a node that died mid-send). */
  lease_until: string | null;
  claim_token: string | null;
  last_error: string | null;
  /** Why a suppressed message was not sent. */
  skip_reason: string | null;
  /** Set when the message is composed, with the rendered parts below. */
  message_id: string | null;
  /** The display name of From: the replying agent's, or the desk's. */
  from_name: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  in_reply_to: string | null;
  /** Message-IDs separated by spaces. */
  thread_references: string | null;
  /** JSON: ids of the attachments copied into the message. */
  attachment_ids: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface MailTemplatesTable {
  kind: string;
  subject: string;
  text_body: string;
  html_body: string;
  updated_by_id: number | null;
  updated_at: string;
}

export interface MailAutoReplyCountsTable {
  address: string;
  window_start: string;
  count: number;
}

export interface AlertIncidentsTable {
  source: string;
  fingerprint: string;
  ticket_id: number;
  last_status: "firing" | "resolved";
  /** What the last notification said (status and start), so a retried delivery is recognised. */
  last_key: string;
  /** Firing notifications received for the ticket it tracks, repeats included (repeats are written in batches: alerts/repeats.ts). */
  occurrences: number;
  first_seen_at: string;
  last_seen_at: string;
}

export interface MailOutTables {
  mail_outbox: MailOutboxTable;
  mail_templates: MailTemplatesTable;
  mail_auto_reply_counts: MailAutoReplyCountsTable;
  alert_incidents: AlertIncidentsTable;
}
