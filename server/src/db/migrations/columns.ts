/** Column types that differ by engine, and column sets many tables repeat, for migrations only. */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from "kysely";

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

type Table = CreateTableBuilder<any, any>;
type OnDelete = "cascade" | "set null";
type DataType = Parameters<Table["addColumn"]>[1];

/** A required reference to another table's row, deleted with it. */
const belongsTo = (table: string) => (c: ColumnDefinitionBuilder) => c.notNull().references(`${table}.id`).onDelete("cascade");
/** An optional reference to another table's row. */
const refersTo = (table: string, onDelete: OnDelete) => (c: ColumnDefinitionBuilder) => c.references(`${table}.id`).onDelete(onDelete);

/** Required columns of one type, in the order given. */
const required =
  (type: DataType, ...names: string[]) =>
  (t: Table) =>
    names.reduce((table, name) => table.addColumn(name, type, (c) => c.notNull()), t);

/** Flag columns (0 or 1, 0 unless set), in the order given. */
const flags =
  (...names: string[]) =>
  (t: Table) =>
    names.reduce((table, name) => table.addColumn(name, "integer", (c) => c.notNull().defaultTo(0)), t);

/** A table keyed by a text column named `key`. */
const keyed = <T extends string>(t: CreateTableBuilder<T, any>) => t.addColumn("key", "text", (c) => c.primaryKey());

/**
 * Who a saved item is shared with: personal (owner only), team (team_id's members) or everyone.
 * Deleting a team deletes what was shared with it; a person is disabled rather than deleted, so
 * their own stay.
 */
const sharing = (t: Table) =>
  t
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("owner_id", "integer", refersTo("users", "set null"))
    .addColumn("team_id", "integer", refersTo("teams", "cascade"));

export function columns(db: Kysely<any>) {
  const pg = isPostgres(db);
  /** An instant: timestamptz on PostgreSQL, ISO 8601 text on SQLite. */
  const instant = pg ? ("timestamptz" as const) : ("text" as const);

  /** Auto-incrementing integer primary key. */
  const id = <T extends string>(t: CreateTableBuilder<T, any>) => (pg ? t.addColumn("id", "serial", (c) => c.primaryKey()) : t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()));

  /** created_at and updated_at, both required. */
  const timestamps = required(instant, "created_at", "updated_at");

  /** One single-column index per column, named `<table>_<column without _id>`. */
  async function indexEach(table: string, cols: string[]) {
    for (const col of cols)
      await db.schema
        .createIndex(`${table}_${col.replace(/_id$/, "")}`)
        .on(table)
        .column(col)
        .execute();
  }

  return {
    id,
    instant,
    flag: (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0),
    now: pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
    belongsTo,
    refersTo,
    required,
    flags,
    keyed,
    timestamps,
    indexEach,
    /**
     * Creates a table of saved items people share (canned replies, macros): an id, the `item`
     * columns, who it is shared with, timestamps, and an index each on owner and team.
     */
    async sharedItemTable(name: string, item: (t: Table) => Table) {
      await id(db.schema.createTable(name)).$call(item).$call(sharing).$call(timestamps).execute();
      await indexEach(name, ["owner_id", "team_id"]);
    },
    /**
     * Creates a table keyed by a pair of rows, `[column, table]` each, and deleted with either;
     * `more` adds the columns that follow the pair.
     */
    pairTable(name: string, [a, aTable]: [string, string], [b, bTable]: [string, string], more: (t: Table) => Table = (t) => t) {
      return db.schema.createTable(name).addColumn(a, "integer", belongsTo(aTable)).addColumn(b, "integer", belongsTo(bTable)).$call(more).addPrimaryKeyConstraint(`${name}_pk`, [a, b]).execute();
    },
  };
}
