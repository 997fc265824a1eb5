/**
 * What resolving a ticket asks for, decided once for the resolve dialog and the composer's
 * Ctrl/Cmd+Shift+Enter. The server holds the same rule (`isIncidentLike` in
 * server/src/tickets/service.ts) and refuses a resolve without a root cause; this copy only
 * lets the agent be asked before sending rather than told off after.
 */
import type { Ticket } from "@tessera/contracts";

/** Incidents and problems need a root cause before they can be resolved. */
export const typeNeedsRootCause = (type: string) => type === "incident" || type === "problem";

/** True when resolving this ticket now would be refused for want of a root cause. */
export const rootCauseMissing = (ticket: Pick<Ticket, "type" | "root_cause">) => typeNeedsRootCause(ticket.type) && !ticket.root_cause?.trim();

/** A ticket that is already resolved, closed or cancelled is not resolved again. */
export const canResolve = (ticket: Pick<Ticket, "status">) => !["resolved", "closed", "cancelled"].includes(ticket.status.category);
