/** The notifications tables' row types live with the database layer (db/tables/notifications.ts), which depends on no domain. */
export type * from "../db/tables/notifications.ts";
