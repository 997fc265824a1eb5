/** Row types of the event log's consumer cursors and the ticket events' transaction id (see the 0014-event-log migration). */
import type { ColumnType } from "kysely";

/** A bigint column: the PostgreSQL driver reads it as a string, SQLite as a number. */
export type BigIntColumn = ColumnType<string | number, string | number | undefined, string | number>;

/** Set by the database only (see the 0014-event-log migration): never inserted or changed. */
export type XactIdColumn = ColumnType<string | number, never, never>;

export interface EventConsumersTable {
  /** The consumer's name as listed in events/reactions.ts. */
  name: string;
  /** The (transaction id, event id) pair of the last event this consumer has handled. */
  cursor_xact: BigIntColumn;
  cursor_id: BigIntColumn;
  updated_at: string;
}

export interface EventTables {
  event_consumers: EventConsumersTable;
}
