import type { Kysely } from "kysely";

/**
 * What each API token may do: its scopes, space-separated (`tickets:read tickets:write`). Tokens
 * made before scopes existed keep doing everything their owner can: `all`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("api_tokens")
    .addColumn("scopes", "text", (col) => col.notNull().defaultTo("all"))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("Forward-only migration; restore a backup instead.");
}
