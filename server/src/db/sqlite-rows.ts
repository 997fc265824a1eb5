/**
 * Rows of a SQLite read as plain objects, built more cheaply than better-sqlite3 builds them.
 *
 * better-sqlite3 makes each row object by setting its keys one by one, which for wide rows costs
 * more than everything else: a list page's rows statement (25 tickets, 36 columns) took 145 µs
 * with better-sqlite3's objects and 71 µs as arrays (`raw` mode), of which SQLite's own work is
 * about 8 µs. Read as arrays and made into objects by a function written once for the statement's
 * columns, it takes 75 µs. Only statements that have returned more than one row are read this
 * way; a lookup of one row keeps better-sqlite3's objects.
 *
 * The column names are taken again whenever the database's schema changed (its schema_version,
 * read before each run, about 2 µs): a table altered since (by this connection or another
 * process) is read with its new columns, as better-sqlite3 would.
 */
import type SQLite from "better-sqlite3";

type Row = Record<string, unknown>;

/** What Kysely's SQLite driver uses of a statement. */
export interface ReaderStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  run(...params: unknown[]): SQLite.RunResult;
}

/** A function making a row object from an array of values, keys in the columns' order (a later column of the same name wins, as in better-sqlite3). */
function rowMaker(names: string[]): (values: unknown[]) => Row {
  // A key an object literal treats specially: built entry by entry instead.
  if (names.includes("__proto__")) return (v) => Object.fromEntries(names.map((n, i) => [n, v[i]]));
  return new Function("v", `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(", ")}};`) as (values: unknown[]) => Row;
}

/** `stmt`, a reader, with its rows built as above; `schemaVersion` reads the database's schema_version. */
export function cheapRows(stmt: SQLite.Statement, schemaVersion: () => number): ReaderStatement {
  // Set once the statement has returned more than one row; it is then in raw mode for good.
  let wide = false;
  let version = -1;
  let columns = -1;
  let make: (values: unknown[]) => Row = () => ({});

  // The maker for the columns as they are now; `first` (a row just read) catches a change made between the version's read and the run.
  const maker = (v: number, first: unknown[] | undefined) => {
    if (v !== version || (first && first.length !== columns)) {
      const names = stmt.columns().map((c) => c.name);
      version = v;
      columns = names.length;
      make = rowMaker(names);
    }
    return make;
  };

  return {
    reader: stmt.reader,
    readonly: stmt.readonly,
    all(...params) {
      if (!wide) {
        const rows = stmt.all(...params);
        if (rows.length > 1) {
          wide = true;
          stmt.raw(true);
        }
        return rows;
      }
      const v = schemaVersion();
      const values = stmt.all(...params) as unknown[][];
      return values.map(maker(v, values[0]));
    },
    *iterate(...params) {
      if (!wide) return yield* stmt.iterate(...params);
      const v = schemaVersion();
      for (const values of stmt.iterate(...params) as IterableIterator<unknown[]>) yield maker(v, values)(values);
    },
    run: (...params) => stmt.run(...params),
  };
}
