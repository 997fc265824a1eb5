/** Column types that differ by engine, for migrations only. */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from "kysely";

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function columns(db: Kysely<any>) {
  const pg = isPostgres(db);
  return {
    /** Auto-incrementing integer primary key. */
    id<T extends string>(t: CreateTableBuilder<T, any>) {
      return pg ? t.addColumn("id", "serial", (c) => c.primaryKey()) : t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
    },
    /** An instant: timestamptz on PostgreSQL, ISO 8601 text on SQLite. */
    instant: pg ? ("timestamptz" as const) : ("text" as const),
    flag: (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0),
    now: pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
  };
}
