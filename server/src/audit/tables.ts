/** The audit tables' row types live with the database layer (db/tables/audit.ts), which depends on no domain. */
export type * from "../db/tables/audit.ts";
