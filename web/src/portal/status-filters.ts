import type { StatusCategory } from "@tessera/contracts";

const ACTIVE: StatusCategory[] = ["new", "open", "awaiting_requester", "awaiting_third_party", "awaiting_approval"];

/** The tabs of "My requests"; drafts are left out (they are not sent yet). */
export const STATUS_FILTERS = [
  { value: "open", label: "Open", categories: ACTIVE },
  { value: "waiting", label: "Waiting for you", categories: ["awaiting_requester"] },
  { value: "resolved", label: "Resolved", categories: ["resolved"] },
  { value: "closed", label: "Closed", categories: ["closed", "cancelled"] },
  { value: "all", label: "All", categories: [...ACTIVE, "resolved", "closed", "cancelled"] },
] as const satisfies ReadonlyArray<{ value: string; label: string; categories: readonly StatusCategory[] }>;

export type StatusFilter = (typeof STATUS_FILTERS)[number]["value"];

/** Requests that still need someone: the desk's work, the requester's reply, or a confirmation. */
export const UNFINISHED: StatusCategory[] = [...ACTIVE, "resolved"];
