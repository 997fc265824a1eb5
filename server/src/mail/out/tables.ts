/** Row types of the outbound mail and alert tables (see the 0005-mail-out migration). */
export interface MailOutTables {}
