/** The replies tables' row types live with the database layer (db/tables/replies.ts), which depends on no domain. */
export type * from "../db/tables/replies.ts";
