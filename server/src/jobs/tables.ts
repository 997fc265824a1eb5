/** The jobs tables' row types live with the database layer (db/tables/jobs.ts), which depends on no domain. */
export type * from "../db/tables/jobs.ts";
