/** Row types of the SLA tables (see the 0003-sla migration). */
export interface SlaTables {}
