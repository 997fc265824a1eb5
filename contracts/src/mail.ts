/** Inbound mail: mailboxes, their health, failed mail, held messages and received messages. */
import { z } from "zod";
import { Email, Instant } from "./common.ts";
import { TicketType } from "./enums.ts";

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or IP address");
const Folder = z.string().trim().min(1).max(200);
/** An address (ann@example.com) or a domain (example.com) allowed to open tickets. */
const SenderPattern = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^([^\s@<>]+@)?[a-z0-9.-]+\.[a-z]{2,}$/, "must be an address (ann@example.com) or a domain (example.com)");

export const MailboxImapInput = z
  .object({
    host: Host,
    port: z.number().int().min(1).max(65535).optional(),
    tls: z.boolean().default(true),
    user: z.string().trim().min(1).max(254),
    /** Write-only: never returned. Omit on update to keep the stored one. */
    password: z.string().min(1).max(1000).optional(),
    folder: Folder.default("INBOX"),
  })
  .strict();

export const MailboxInput = z
  .object({
    address: Email,
    name: z.string().trim().min(1).max(200),
    active: z.boolean().default(true),
    /** IMAP settings to poll this mailbox; null for an address reached over SMTP or the MTA pipe only. */
    imap: MailboxImapInput.nullable().default(null),
    /** What is done to a message on the IMAP server once its ticket or comment is stored. */
    processed_action: z.enum(["seen", "move"]).default("seen"),
    processed_folder: Folder.nullable().default(null),
    /** On first connection: take only mail arriving from now on, or import what is there (original dates, no automatic answers). */
    history_mode: z.enum(["new_only", "import"]).default("new_only"),
    team_id: z.number().int().positive().nullable().default(null),
    category_id: z.number().int().positive().nullable().default(null),
    ticket_type: TicketType.nullable().default(null),
    /** Only known people, and the addresses and domains listed, may open new tickets here. */
    restrict_senders: z.boolean().default(false),
    allowed_senders: z.array(SenderPattern).max(500).default([]),
  })
  .strict();
export type MailboxInput = z.infer<typeof MailboxInput>;

export const MailboxUpdateInput = z
  .object({
    address: Email,
    name: z.string().trim().min(1).max(200),
    active: z.boolean(),
    imap: MailboxImapInput.nullable(),
    processed_action: z.enum(["seen", "move"]),
    processed_folder: Folder.nullable(),
    history_mode: z.enum(["new_only", "import"]),
    team_id: z.number().int().positive().nullable(),
    category_id: z.number().int().positive().nullable(),
    ticket_type: TicketType.nullable(),
    restrict_senders: z.boolean(),
    allowed_senders: z.array(SenderPattern).max(500),
  })
  .partial()
  .strict();
export type MailboxUpdateInput = z.infer<typeof MailboxUpdateInput>;

export const Mailbox = z.object({
  id: z.number().int(),
  address: z.string(),
  name: z.string(),
  active: z.boolean(),
  imap: z.object({ host: z.string(), port: z.number().int(), tls: z.boolean(), user: z.string(), folder: z.string(), has_password: z.boolean() }).nullable(),
  processed_action: z.enum(["seen", "move"]),
  processed_folder: z.string().nullable(),
  history_mode: z.enum(["new_only", "import"]),
  team_id: z.number().int().nullable(),
  category_id: z.number().int().nullable(),
  ticket_type: TicketType.nullable(),
  restrict_senders: z.boolean(),
  allowed_senders: z.array(z.string()),
  created_at: Instant,
  updated_at: Instant,
});
export type Mailbox = z.infer<typeof Mailbox>;

export const MailboxHealth = z.object({
  mailbox_id: z.number().int(),
  address: z.string(),
  /** ok; error (the last attempt failed); stale (no successful fetch for three poll intervals); pending (not fetched yet); smtp_only (nothing to poll). */
  status: z.enum(["ok", "error", "stale", "pending", "smtp_only", "inactive"]),
  last_success_at: Instant.nullable(),
  /** Seconds the oldest message waiting has been in the mailbox (0 when none waits). */
  lag_seconds: z.number().int(),
  waiting: z.number().int(),
  last_error: z.string().nullable(),
  last_error_at: Instant.nullable(),
});
export type MailboxHealth = z.infer<typeof MailboxHealth>;

export const FAILED_MAIL_REASONS = ["unparseable", "quarantined", "no_from", "too_large", "unknown_charset", "sender_not_allowed"] as const;

export const FailedMail = z.object({
  id: z.number().int(),
  mailbox_id: z.number().int().nullable(),
  source: z.string(),
  reason: z.enum(FAILED_MAIL_REASONS),
  error: z.string(),
  from_address: z.string().nullable(),
  subject: z.string().nullable(),
  size: z.number().int(),
  attempts: z.number().int(),
  status: z.enum(["open", "reprocessed", "discarded"]),
  ticket_id: z.number().int().nullable(),
  raw_url: z.string(),
  created_at: Instant,
  updated_at: Instant,
});
export type FailedMail = z.infer<typeof FailedMail>;

export const FailedMailQuery = z.object({ status: z.enum(["open", "reprocessed", "discarded", "all"]).default("open") });

/** What re-processing did: the message's outcome now, and the ticket it reached, if any. */
export const ReprocessResult = z.object({
  outcome: z.string(),
  ticket_id: z.number().int().nullable(),
  failed: FailedMail,
});

export const HeldMail = z.object({
  id: z.number().int(),
  ticket: z.object({ id: z.number().int(), reference: z.string(), subject: z.string() }),
  from_address: z.string(),
  subject: z.string(),
  /** not_a_party: the sender is not the requester, a watcher or an agent; unverified_agent: an agent's address without a signed reference; message_id_reused: another message already came with this Message-ID; auto_reply_loop: a fresh message answering our acknowledgement, taken for an autoresponder (see loop_reason). */
  reason: z.enum(["not_a_party", "unverified_agent", "message_id_reused", "auto_reply_loop"]),
  /** Why the message gets no automatic answer, when it gets none (for auto_reply_loop: what gave the loop away). */
  loop_reason: z.string().nullable(),
  status: z.enum(["held", "accepted_reply", "accepted_ticket", "rejected"]),
  body: z.string().describe("sanitised HTML of the whole message"),
  raw_url: z.string(),
  received_at: Instant,
  decided_at: Instant.nullable(),
  result_ticket_id: z.number().int().nullable(),
});
export type HeldMail = z.infer<typeof HeldMail>;

export const HeldMailQuery = z.object({ status: z.enum(["held", "decided", "all"]).default("held") });

/**
 * People a message copied in who wait for an agent before they become watchers: the message
 * was not proven to come from its sender (recognised by its subject tag alone, or threaded by a
 * Message-ID Tessera did not sign, with no DMARC pass from a trusted mail server).
 */
export const HeldCopies = z.object({
  id: z.number().int(),
  ticket: z.object({ id: z.number().int(), reference: z.string(), subject: z.string() }),
  from_address: z.string(),
  addresses: z.array(z.object({ address: z.string(), name: z.string() })),
  /** tag_only: a reply recognised only by its subject tag; unsigned_thread: threaded by a Message-ID Tessera did not sign; tagged_new_ticket: a new request carrying another ticket's tag. */
  reason: z.enum(["tag_only", "unsigned_thread", "tagged_new_ticket"]),
  status: z.enum(["held", "accepted", "rejected"]),
  subject: z.string(),
  raw_url: z.string(),
  received_at: Instant,
  decided_at: Instant.nullable(),
});
export type HeldCopies = z.infer<typeof HeldCopies>;

export const HeldDecision = z
  .object({
    /** reply: the message becomes a public reply on its ticket and the sender a watcher; ticket: it opens a new ticket of its own. */
    as: z.enum(["reply", "ticket"]),
  })
  .strict();

/** A message received on a ticket, for agents: how it was judged, and its original. */
export const ReceivedMail = z.object({
  id: z.number().int(),
  message_id: z.string(),
  from_address: z.string(),
  subject: z.string(),
  sent_at: Instant.nullable(),
  received_at: Instant,
  source: z.string(),
  outcome: z.enum(["ticket", "reply", "held", "bounce", "ignored"]),
  comment_id: z.number().int().nullable(),
  no_auto_reply: z.boolean(),
  loop_reason: z.string().nullable(),
  /** Remote images were blocked; their URLs are in data-remote-src for the agent to load. */
  remote_images: z.boolean(),
  full_body: z.string().describe("sanitised HTML of the whole message, quoted history included"),
  /** The reply shows only part of the message (quoted history hidden, or too long to show): full_body has the rest. */
  trimmed: z.boolean(),
  raw_url: z.string(),
});
export type ReceivedMail = z.infer<typeof ReceivedMail>;
