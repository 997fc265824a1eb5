/** Words for roles and people, shared by the admin pages. */
import type { Role } from "@tessera/contracts";

export const ROLE_LABELS: Record<Role, string> = { requester: "Requester", agent: "Agent", supervisor: "Supervisor", admin: "Admin" };

/** What each role may do, shown under the role picker. */
export const ROLE_HELP: Record<Role, string> = {
  requester: "Files requests in the support portal and follows their own (and their organization's, when it shares them).",
  agent: "Works the tickets of their teams, the triage queue, and tickets assigned to them.",
  supervisor: "An agent who can also add and remove members of their own teams.",
  admin: "Sees every ticket and can change every setting on these pages.",
};

export const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/** The same check the server makes, so a typo is caught before sending. */
export const looksLikeEmail = (s: string) => /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/.test(s.trim());

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Facilities' queue", "Service Desk's queue". */
export const possessive = (name: string) => (/s$/i.test(name) ? `${name}'` : `${name}'s`);
