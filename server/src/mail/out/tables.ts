/** The mail/out tables' row types live with the database layer (db/tables/mail-out.ts), which depends on no domain. */
export type * from "../../db/tables/mail-out.ts";
