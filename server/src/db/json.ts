/**
 * A list or an object of related rows as one JSON column, so that a page is read in one statement
 * instead of one per related table. Each engine aggregates with its own functions (Kysely's
 * helpers); SQLite answers the column as text and PostgreSQL as parsed JSON, and readJson()
 * takes either.
 *
 * Inside the JSON, PostgreSQL writes an instant in its own form ("…+00:00", microseconds), not as
 * the ISO text every other column arrives in (connect.ts): pass such values through instantOf().
 */
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type Simplify } from "kysely";
import * as pg from "kysely/helpers/postgres";
import * as sqlite from "kysely/helpers/sqlite";
import type { DialectName } from "./connect.ts";
import { isoFromPg } from "./pg-time.ts";

/**
 * The rows of `subquery` (explicit selections only, in its own order) as a JSON array of objects;
 * `[]` when there are none.
 */
export function jsonArrayFrom<O>(dialect: DialectName, subquery: SelectQueryBuilder<any, any, O>): RawBuilder<Array<Simplify<O>> | string> {
  return (dialect === "postgres" ? pg.jsonArrayFrom(subquery) : sqlite.jsonArrayFrom(subquery)) as RawBuilder<Array<Simplify<O>> | string>;
}

/**
 * A JSON object of the given keys and values: select it from a subquery of one row (`.limit`),
 * never wrap such a subquery in jsonObjectFrom(), which SQLite runs many times slower.
 */
export function jsonBuildObject<O extends Record<string, Expression<unknown>>>(dialect: DialectName, obj: O): RawBuilder<{ [K in keyof O]: O[K] extends Expression<infer T> ? T : never } | string> {
  return (dialect === "postgres" ? pg.jsonBuildObject(obj) : sqlite.jsonBuildObject(obj)) as RawBuilder<{ [K in keyof O]: O[K] extends Expression<infer T> ? T : never } | string>;
}

/** `expr` when `cond` holds, else SQL null: a column some callers may not see. */
export function onlyIf<T>(cond: boolean, expr: RawBuilder<T>): RawBuilder<T | null> {
  return cond ? (expr as RawBuilder<T | null>) : sql<T | null>`null`;
}

/** A JSON column as read from either engine. */
export function readJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

/** An instant read from inside a JSON column, in the ISO form of every other instant (PostgreSQL writes its own form there). */
export function instantOf(dialect: DialectName, value: string): string {
  return dialect === "postgres" ? isoFromPg(value) : value;
}
