/** The mail/in tables' row types live with the database layer (db/tables/mail-in.ts), which depends on no domain. */
export type * from "../../db/tables/mail-in.ts";
