/** The sla tables' row types live with the database layer (db/tables/sla.ts), which depends on no domain. */
export type * from "../db/tables/sla.ts";
