/**
 * Queries built and compiled once, run many times.
 *
 * Building a Kysely chain and compiling it to SQL costs more CPU than running a small query on
 * SQLite. A hot query is therefore written once as a function of named parameters; the first
 * run on a database builds it with placeholder values, compiles it, and remembers which
 * compiled parameter is which name. Every later run only puts the caller's values into the
 * parameter array and hands the same SQL text to the driver (which, on SQLite, keeps the
 * prepared statement by that text: connect.ts).
 *
 *   const ticketById = prepared<{ id: number }, TicketRow>((db, p) => db.selectFrom("tickets").selectAll().where("id", "=", p.id));
 *   const t = await ticketById.first(tx.db, { id: 7 });
 *
 * Rules, checked where they can be:
 * - a parameter must reach the SQL as a bound value (`where`, `values`, `set`, `${}` in sql``);
 *   one used where Kysely would inline or transform it (sql.lit, sql.raw, a list for `in`) is
 *   refused when the query is compiled;
 * - anything else the builder reads is fixed at the first compile: pass every value that varies
 *   as a parameter;
 * - a compiled query is kept per database (per Kysely instance, shared by its transactions), so
 *   one definition serves SQLite and PostgreSQL alike.
 *
 * Every compiled SQL text is also given a statement name (`statementName`): on PostgreSQL the
 * connection prepares a named text once and runs it from then on without planning it again
 * (pg-statements.ts), unless the query asks to be planned for each run's values (`planEachRun`).
 * Names come from a counter, so one text always has one name in a process.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from "kysely";
import type { Database } from "./schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** A parameter's place-holder in the built query, found again among the compiled parameters. */
class Slot {
  constructor(readonly name: string) {}
  // Turned into text or a number at build time, a parameter would be fixed at its first value.
  [Symbol.toPrimitive](): never {
    throw new Error(`prepared query: parameter "${this.name}" is converted at build time; pass the converted value as the parameter`);
  }
  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

/** The parameters as the builder sees them: each one typed as its value, so Kysely checks its use. */
export type Params<P> = { readonly [K in keyof P]: P[K] };

interface Compiled {
  sql: string;
  query: CompiledQuery["query"];
  queryId: CompiledQuery["queryId"];
  /** Per compiled parameter: the name of the caller's value, or a value fixed at build time. */
  slots: Array<{ name: string } | { value: unknown }>;
}

/** A query compiled once per database and run with named parameters. */
export interface Prepared<P, R> {
  /** Every row the query returns. */
  all(db: Executor, args: P): Promise<R[]>;
  /** The first row, or undefined. */
  first(db: Executor, args: P): Promise<R | undefined>;
  /** The driver's whole answer: rows, and the rows changed by a write. */
  run(db: Executor, args: P): Promise<QueryResult<R>>;
  /** The SQL text as compiled for `db` (compiling it if it is not yet). */
  sqlFor(db: Executor): string;
}

export interface PreparedOptions {
  /**
   * PostgreSQL plans the query for each run's values instead of keeping a plan (it is sent
   * unnamed). For queries whose best plan depends on the values: a list filtered and sorted over
   * the whole table, where a plan kept for one agent (who watches a few tickets) walked a million
   * rows for another, 100 ms instead of 1. A lookup by key keeps its plan.
   */
  planEachRun?: boolean;
}

/**
 * Defines a query of named parameters `P` returning rows `R`. `build` must be a pure function of
 * the database and the parameters; it runs once per database.
 */
export function prepared<P extends object, R = unknown>(build: (db: Kysely<Database>, p: Params<P>) => Compilable<R>, opts: PreparedOptions = {}): Prepared<P, R> {
  // Keyed by the database's adapter: one per Kysely instance, shared with its transactions.
  const byDb = new WeakMap<object, Compiled>();

  const compiledFor = (db: Executor): Compiled => {
    const key = db.getExecutor().adapter;
    let c = byDb.get(key);
    if (!c) {
      c = compile(db, build);
      if (!opts.planEachRun && !statementNames.has(c.sql)) statementNames.set(c.sql, `tessera_${statementNames.size + 1}`);
      byDb.set(key, c);
    }
    return c;
  };

  const run = (db: Executor, args: P): Promise<QueryResult<R>> => {
    const c = compiledFor(db);
    const parameters = c.slots.map((s) => ("name" in s ? (args as Record<string, unknown>)[s.name] : s.value));
    return db.executeQuery<R>({ sql: c.sql, parameters, query: c.query, queryId: c.queryId });
  };

  return {
    run,
    all: async (db, args) => (await run(db, args)).rows,
    first: async (db, args) => (await run(db, args)).rows[0],
    sqlFor: (db) => compiledFor(db).sql,
  };
}

// Bounded by the program: one text per prepared() definition, dialect and caller shape (tickets/policy.ts).
const statementNames = new Map<string, string>();

/** The statement name of a SQL text compiled by prepared(), or undefined for any other text. */
export function statementName(sql: string): string | undefined {
  return statementNames.get(sql);
}

function compile<P extends object, R>(db: Executor, build: (db: Kysely<Database>, p: Params<P>) => Compilable<R>): Compiled {
  const used = new Set<string>();
  const params = new Proxy({} as Params<P>, {
    get(_, name) {
      if (typeof name !== "string") return undefined;
      used.add(name);
      return new Slot(name);
    },
  });
  const compiled = build(db, params).compile();
  const slots = compiled.parameters.map((v) => (v instanceof Slot ? { name: v.name } : { value: v }));
  for (const name of used) {
    if (!slots.some((s) => "name" in s && s.name === name)) throw new Error(`prepared query: parameter "${name}" does not reach the SQL as a bound value`);
  }
  return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
}
