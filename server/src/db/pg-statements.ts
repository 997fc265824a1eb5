/**
 * Named server-side prepared statements on PostgreSQL.
 *
 * PostgreSQL parses, analyses and plans every statement sent unnamed; for the small reads the app
 * makes most, planning is most of the database's own CPU. A SQL text compiled once by prepared.ts
 * has a statement name: the first time a connection runs it, the connection prepares it under that
 * name, and later runs only bind and execute it. PostgreSQL keeps the plan (after five runs a
 * generic one, when its estimated cost is no worse than the custom plans': plan_cache_mode).
 *
 * Hazards, and what is done about them (server/test/pg-statements.test.ts):
 * - A table changed after a statement was prepared (a migration run by another process): PostgreSQL
 *   plans the statement again by itself, unless the columns it returns changed (`select *` after a
 *   column was added), which fails with "cached plan must not change result type". The connection
 *   then takes a new name for that text. Outside a transaction the statement runs again once under
 *   it; inside one the error stands, since it has aborted the transaction and a retry would hide that.
 * - Each connection keeps at most MAX_PER_CONNECTION statements; further texts run unnamed.
 * - A pool's search_path is fixed when its connections open (connect.ts), so a name always resolves
 *   the same tables; suites in their own schemas have their own pools.
 * - A pooler in transaction mode (pgbouncer) hands each transaction to any server connection, where
 *   a name prepared on another does not exist: TESSERA_PG_PREPARE=off sends every statement unnamed.
 */
import type pg from "pg";

/** Statements one connection keeps prepared: prepared.ts compiles one text per query (about 60) and, for some, per caller shape. */
export const MAX_PER_CONNECTION = 400;

type Send = (...args: unknown[]) => Promise<pg.QueryResult>;

/** PostgreSQL's answer to a statement whose prepared plan now returns other columns. */
export const isStalePlan = (err: unknown) => (err as { code?: string }).code === "0A000" && /cached plan must not change result type/.test(String((err as Error).message));

/**
 * Makes `client` run the texts `nameOf` names as named prepared statements. Only the form Kysely
 * uses, `query(text, values)` returning a promise, is changed; every other call passes through.
 */
export function prepareNamedStatements(client: pg.PoolClient, nameOf: (sql: string) => string | undefined): void {
  const send = client.query.bind(client) as Send;
  // The name each text has on this connection; a text whose plan went stale gets a new one.
  const names = new Map<string, string>();
  let renamed = 0;
  const inTransaction = () => (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus() !== "I";

  const query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length > 2 || typeof text !== "string" || !(values === undefined || Array.isArray(values))) return send(...args);
    let name = names.get(text);
    if (name === undefined) {
      const base = nameOf(text);
      if (base === undefined || names.size >= MAX_PER_CONNECTION) return send(...args);
      name = base;
      names.set(text, name);
    }
    const stale = name;
    return send({ name, text, values }).catch(async (err: unknown) => {
      if (!isStalePlan(err)) throw err;
      const fresh = `${nameOf(text)}_${++renamed}`;
      names.set(text, fresh);
      if (inTransaction()) throw err;
      await send(`deallocate "${stale}"`).catch(() => {});
      return send({ name: fresh, text, values });
    });
  };
  (client as unknown as { query: typeof query }).query = query;
}
