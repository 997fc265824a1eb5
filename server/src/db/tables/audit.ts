/** Row type of the audit trail (migration 2026-12-07-0008-audit). */
import type { Generated } from "kysely";

export interface AuditEventsTable {
  id: Generated<number>;
  created_at: string;
  /** Who acted; null for an anonymous caller (a failed sign-in) or Tessera itself. */
  actor_id: number | null;
  /** The actor's name and email when it happened, so the entry reads the same later. */
  actor_name: string | null;
  actor_email: string | null;
  /** web (a browser session), api (an API token), or system. */
  via: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  /** JSON: the changed fields before and after, with secrets redacted. */
  before: string | null;
  after: string | null;
  /** JSON: anything else worth knowing (the reason a sign-in failed, a token's name). */
  detail: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
}
