/** Row types of the inbound mail tables (see the 0004-mail-in migration). */

/** Every Message-ID received or sent (with angle brackets), and the ticket it threads into. */
export interface MailThreadIdsTable {
  message_id: string;
  ticket_id: number;
  comment_id: number | null;
  direction: "in" | "out";
  created_at: string;
}

export interface MailInTables {
  mail_thread_ids: MailThreadIdsTable;
}
