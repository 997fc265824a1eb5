/** The notifications domain's own tables (the notifications table itself is in db/schema.ts). */

export interface NotificationMutesTable {
  user_id: number;
  ticket_id: number;
  /** Null: until the person unmutes. */
  until: string | null;
  created_at: string;
}

export interface NotificationTables {
  notification_mutes: NotificationMutesTable;
}
