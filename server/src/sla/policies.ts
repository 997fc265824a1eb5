/**
 * Which policy times a ticket (the first active one, in the admin's order, whose conditions all
 * hold) and what it asks of that ticket: its targets for the ticket's priority, the calendar,
 * the warning share and the statuses that pause the clock.
 */
import type { Priority, SlaTargetKind } from "@tessera/contracts";
import type { Reader } from "../context.ts";
import { type PolicyRecord, loadPolicies } from "./definitions.ts";

/** The ticket fields a policy is matched on. */
export interface MatchFacts {
  type: string;
  priority: string;
  category_id: number | null;
  organization_id: number | null;
  channel: string;
}

export const factsOf = (t: MatchFacts): MatchFacts => ({ type: t.type, priority: t.priority, category_id: t.category_id, organization_id: t.organization_id, channel: t.channel });

/**
 * A policy's rules for one ticket, as stored with its clock: editing the policy later changes
 * the ticket only when it is matched again (a matched field changes) or recomputed.
 */
export interface Terms {
  policy_id: number;
  policy_name: string;
  calendar_id: number;
  priority: string;
  /** Business minutes per target kind; null: no target of that kind. */
  targets: Record<SlaTargetKind, number | null>;
  warn_percent: number;
  pause_on: string[];
  /** Set when the policy has no targets for `priority` and these are another priority's (see nearestTerms). */
  targets_of?: string;
}

/** Most urgent first. */
const PRIORITY_ORDER: Priority[] = ["P1", "P2", "P3", "P4"];

/** A category and its ancestors, nearest first (a policy on "Hardware" covers "Hardware › Laptops"). */
async function categoryLineage(r: Reader, categoryId: number | null): Promise<number[]> {
  const out: number[] = [];
  for (let id: number | null | undefined = categoryId; id != null && out.length < 20;) {
    out.push(id);
    id = (await r.db.selectFrom("categories").select("parent_id").where("id", "=", id).executeTakeFirst())?.parent_id;
  }
  return out;
}

export function policyMatches(p: PolicyRecord, facts: MatchFacts, lineage: number[]): boolean {
  const c = p.conditions;
  if (!p.active) return false;
  if (c.types.length && !c.types.includes(facts.type as never)) return false;
  if (c.priorities.length && !c.priorities.includes(facts.priority as never)) return false;
  if (c.channels.length && !c.channels.includes(facts.channel as never)) return false;
  if (c.organization_ids.length && (facts.organization_id == null || !c.organization_ids.includes(facts.organization_id))) return false;
  if (c.category_ids.length && !lineage.some((id) => c.category_ids.includes(id))) return false;
  return true;
}

export function termsOf(p: PolicyRecord, priority: string): Terms {
  const t = p.targets[priority as Priority];
  return {
    policy_id: p.id,
    policy_name: p.name,
    calendar_id: p.calendar_id,
    priority,
    targets: { first_response: t?.first_response ?? null, next_response: t?.next_response ?? null, resolution: t?.resolution ?? null },
    warn_percent: p.warn_percent,
    pause_on: p.pause_on,
  };
}

/** The policy that times a ticket with these facts now, and its terms; undefined: none applies. */
export async function matchPolicy(r: Reader, facts: MatchFacts): Promise<{ policy: PolicyRecord; terms: Terms } | undefined> {
  const policies = await loadPolicies(r);
  // Walking up the category tree costs a query per level: only when some policy looks at categories.
  const lineage = policies.some((p) => p.active && p.conditions.category_ids.length) ? await categoryLineage(r, facts.category_id) : [];
  const policy = policies.find((p) => policyMatches(p, facts, lineage));
  if (!policy) return undefined;
  const terms = termsOf(policy, facts.priority);
  // A ticket more urgent than every priority the policy has targets for is timed by its strictest
  // ones: leaving the most urgent tickets untimed is never what a contract means. A less urgent
  // priority left without targets stays untimed: that is how an admin says "no SLA for P4".
  const strictest = PRIORITY_ORDER.find((x) => hasTargets(termsOf(policy, x)));
  if (!hasTargets(terms) && strictest && PRIORITY_ORDER.indexOf(facts.priority as Priority) < PRIORITY_ORDER.indexOf(strictest)) {
    return { policy, terms: { ...termsOf(policy, strictest), priority: facts.priority, targets_of: strictest } };
  }
  return { policy, terms };
}

export const hasTargets = (t: Terms | undefined): t is Terms => !!t && Object.values(t.targets).some((m) => m != null);

/**
 * The terms of the priority nearest to `priority` that the policy has targets for (the more urgent
 * one on a tie), for a ticket the policy already times whose priority changed to one it has no
 * targets for. Dropping the ticket out of its SLA would hide exactly the ticket that just became
 * more urgent (a VIP ticket raised to P1 by a breach) from SLA sorting and "Breaching soon"; a
 * service desk keeps it under its contract's strictest applicable targets instead, and says so
 * in the ticket's events. Undefined when the policy has no targets at all.
 */
export function nearestTerms(p: PolicyRecord, priority: string): Terms | undefined {
  const at = PRIORITY_ORDER.indexOf(priority as Priority);
  const candidates = PRIORITY_ORDER.filter((x) => hasTargets(termsOf(p, x))).sort(
    (a, b) => Math.abs(PRIORITY_ORDER.indexOf(a) - at) - Math.abs(PRIORITY_ORDER.indexOf(b) - at) || PRIORITY_ORDER.indexOf(a) - PRIORITY_ORDER.indexOf(b),
  );
  if (at < 0 || !candidates.length) return undefined;
  return { ...termsOf(p, candidates[0]), priority, targets_of: candidates[0] };
}
