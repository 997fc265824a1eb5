/** The drafts tables' row types live with the database layer (db/tables/drafts.ts), which depends on no domain. */
export type * from "../db/tables/drafts.ts";
