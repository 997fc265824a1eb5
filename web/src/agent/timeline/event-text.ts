/** The audit trail in words: one short line per event, with the names of what changed. */
import type { Category, TicketEvent } from "@tessera/contracts";
import type { Directory } from "../../api/agent-queries.ts";
import { formatCountdown, formatDue, KIND_LABELS } from "../../ui/sla.ts";
import { TYPE_LABELS } from "../list/filter-bar.tsx";

/** Events the timeline shows as messages instead (the comment itself), or not at all. */
const SHOWN_ELSEWHERE = new Set(["created", "reply_added", "note_added", "mentioned"]);
const QUIET_FIELDS = new Set(["organization_id", "priority_overridden"]);

export function isShownAsLine(e: TicketEvent): boolean {
  if (SHOWN_ELSEWHERE.has(e.action)) return false;
  if (e.action === "field_changed" && e.field && QUIET_FIELDS.has(e.field)) return false;
  return true;
}

const LINK_WORDS: Record<string, string> = {
  related: "as related to",
  parent: "as a child of",
  child: "as the parent of",
  duplicate_of: "as a duplicate of",
  duplicated_by: "as duplicated by",
  caused_by: "as caused by",
  causes: "as the cause of",
};

function str(v: unknown): string {
  if (v === null || v === undefined || v === "") return "nothing";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** Who an event is by: the person, or what acted on its own (an SLA policy, auto-close). */
export function eventActor(e: TicketEvent): string {
  // The SLA follows the ticket on its own: whoever changed the ticket did not choose the policy.
  if (SLA_OWN_EVENTS.has(e.action)) return "SLA";
  if (e.actor) return e.actor.name;
  if (e.via.startsWith("major_incident")) return "Major incident";
  if (e.via.startsWith("sla:")) return `SLA “${e.via.slice(4)}”`;
  if (e.via === "auto_close") return "Auto-close";
  return "Tessera";
}

const SLA_OWN_EVENTS = new Set(["sla_policy_changed", "sla_terms_changed", "sla_outcome"]);

const kindWords = (k: unknown) => (KIND_LABELS[k as keyof typeof KIND_LABELS] ?? String(k ?? "SLA")).toLowerCase();

const ESCALATION_WORDS: Record<string, string> = {
  notify_assignee: "notified the assignee",
  notify_supervisors: "notified the team's supervisors",
  notify_user: "notified an agent",
  reassign_team: "moved it to another team",
  raise_priority: "raised the priority",
};

/** An SLA event in words, or null when it is not one. */
function describeSlaEvent(e: TicketEvent, user: (id: unknown) => string): string | null {
  const o = e.old_value as Record<string, any> | null;
  const n = e.new_value as Record<string, any> | null;
  switch (e.action) {
    case "sla_warning":
      return `warned: the ${kindWords(n?.kind)} target is nearly used up${n?.due_at ? `, due ${formatDue(n.due_at)}` : ""}`;
    case "sla_breached":
      return n?.met_late
        ? `recorded the ${kindWords(n?.kind)} as met late: its target was breached`
        : `breached: the ${kindWords(n?.kind)} target${n?.due_at ? ` was due ${formatDue(n.due_at)}` : " has passed"}`;
    case "sla_escalated": {
      const at = `at the ${n?.level === "warning" ? "warning" : "breach"} of the ${kindWords(n?.kind)}`;
      const what = ESCALATION_WORDS[String(n?.action)] ?? String(n?.action ?? "escalated").replace(/_/g, " ");
      if (n?.skipped) return `skipped an escalation ${at} (${String(n?.action ?? "").replace(/_/g, " ")}): ${n.skipped}`;
      if (n?.action === "notify_user" && Array.isArray(n.user_ids)) return `escalated ${at}: notified ${n.user_ids.map(user).join(", ")}`;
      if (n?.action === "reassign_team" && n.team) return `escalated ${at}: moved it to ${n.team}`;
      if (n?.action === "raise_priority" && n.from) return `escalated ${at}: raised the priority ${n.from} → ${n.to}`;
      return `escalated ${at}: ${what}`;
    }
    case "sla_recomputed": {
      const before = (Array.isArray(e.old_value) ? e.old_value : []) as Array<{ kind: string; cycle: number; due_at: string | null }>;
      const after = (Array.isArray(n?.targets) ? n.targets : []) as Array<{ kind: string; cycle: number; due_at: string | null }>;
      const moved = after
        .map((t) => ({ t, b: before.find((x) => x.kind === t.kind && x.cycle === t.cycle) }))
        .filter(({ t, b }) => (b?.due_at ?? null) !== t.due_at && t.due_at)
        .map(({ t, b }) => `${kindWords(t.kind)} ${b?.due_at ? formatDue(b.due_at) : "none"} → ${formatDue(t.due_at!)}`);
      return `recomputed the SLA${n?.policy ? ` under “${n.policy}”` : ""}${moved.length ? `: ${moved.join("; ")}` : "; no deadline moved"}`;
    }
    case "sla_policy_changed":
      if (!o && n) return `policy “${n.name}” applies (${n.priority})`;
      if (o && !n) return `policy “${o.name}” no longer applies: no policy matches`;
      return `policy changed from “${o?.name}” to “${n?.name}” (${n?.priority})`;
    case "sla_terms_changed":
      return `targets changed with the priority, ${o?.priority} → ${n?.priority}`;
    case "sla_outcome":
      return n?.result === "met"
        ? `${kindWords(n?.kind)} target met, ${formatCountdown(n?.by_business_seconds ?? 0)} to spare`
        : `${kindWords(n?.kind)} target missed by ${formatCountdown(n?.by_business_seconds ?? 0)}`;
    default:
      return null;
  }
}

const HELD_WHY: Record<string, string> = {
  not_a_party: "the sender is not part of this ticket",
  unverified_agent: "it claims to be from an agent but is not a reply to mail sent to them",
  message_id_reused: "it reuses the Message-ID of another message",
  auto_reply_loop: "it answers our acknowledgement like an autoresponder (a mail loop)",
};

const clip = (s: unknown, n = 160) => {
  const t = String(s ?? "")
    .replace(/\s+/g, " ")
    .trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** An email or alert event in words, or null when it is not one. */
function describeMailEvent(e: TicketEvent, d: Directory): string | null {
  const n = e.new_value as Record<string, any> | null;
  switch (e.action) {
    case "mail_bounced":
      return `noted a bounce: mail to ${n?.recipient ?? "the requester"} could not be delivered${n?.status ? ` (${n.status})` : ""}${n?.diagnostic ? `: ${clip(n.diagnostic)}` : ""}`;
    case "mail_auto_reply":
      return `noted an automatic answer from ${n?.from ?? "the requester"}${n?.subject ? ` (“${clip(n.subject, 80)}”)` : ""}; it was not added as a reply`;
    case "mail_held":
      return `held a message from ${n?.from ?? "someone"} for an agent to accept or reject: ${HELD_WHY[String(n?.reason)] ?? "it needs a person to decide"}`;
    case "mail_held_accepted":
      return n?.as === "ticket" ? "accepted a held message as a new ticket" : "accepted a held message as a reply; its sender now follows the ticket";
    case "mail_held_rejected":
      return "rejected a held message; it reached nobody";
    case "mail_copies_held":
      return `held the people ${n?.from ?? "a sender"} copied in (${clip((n?.addresses ?? []).join(", "), 200)}) for an agent to add as watchers or not: the sender is not proven`;
    case "mail_copies_accepted":
      return `added the people copied on held mail as watchers (${clip((n?.addresses ?? []).join(", "), 200)})`;
    case "mail_copies_rejected":
      return `declined the people copied on held mail (${clip((n?.addresses ?? []).join(", "), 200)}); they do not follow the ticket`;
    case "alert_recovered":
      return `reported that the alert ${n?.fingerprint ?? ""}${n?.source ? ` from ${n.source}` : ""} cleared; the ticket was already resolved`;
    case "reopened":
      if (e.via === "email") return "reopened it by replying by email";
      if (e.via === "alert") return "reopened it: the alert fired again";
      return null;
    case "linked":
      // Only mail intake links tickets as someone who is not staff: a reply to a closed ticket.
      if (e.actor && !d.users.has(e.actor.id) && n?.kind === "related" && typeof n.ticket_id === "number") {
        return n.ticket_id < e.ticket_id
          ? `replied by email to ${n.reference}, which was closed, so this new ticket follows it up`
          : `replied by email after it was closed; the reply opened ${n.reference}`;
      }
      return null;
    default:
      return null;
  }
}

/** "changed the status from Open to Waiting on requester", without the actor's name. */
export function describeEvent(e: TicketEvent, d: Directory, categories: Category[] | undefined): string {
  const status = (k: unknown) => d.statuses.get(String(k))?.label ?? str(k);
  const user = (id: unknown) => (id == null ? "nobody" : (d.users.get(Number(id))?.name ?? `user #${id}`));
  const team = (id: unknown) => (id == null ? "no team" : (d.teams.get(Number(id))?.name ?? `team #${id}`));
  const category = (id: unknown) => (id == null ? "none" : (categories?.find((c) => c.id === Number(id))?.path ?? `#${id}`));
  const nv = e.new_value as Record<string, unknown> | null;
  const sla = describeSlaEvent(e, user);
  if (sla) return sla;
  const mail = describeMailEvent(e, d);
  if (mail) return mail;
  switch (e.action) {
    case "status_changed":
      if (e.via === "auto_close") return `closed it: resolved, and no answer from the requester since (was ${status(e.old_value)})`;
      return `changed the status from ${status(e.old_value)} to ${status(e.new_value)}`;
    case "priority_overridden":
      return `set the priority to ${str(e.new_value)} (was ${str(e.old_value)})`;
    case "reopened":
      return nv?.by === "reply" ? "reopened it by replying" : "reopened it";
    case "resolution_confirmed":
      return "confirmed the resolution";
    case "linked":
      return `linked it ${LINK_WORDS[String(nv?.kind)] ?? "to"} ${str(nv?.reference)}`;
    case "unlinked":
      return "removed a link";
    case "merged_into":
      return `merged it into ${str(nv?.reference)}`;
    case "merged_from":
      return `merged ${str(nv?.reference)} into this ticket`;
    case "split_to":
      return `split ${str(nv?.reference)} off from a comment`;
    case "split_from":
      return `made this ticket from a comment on ${str(nv?.reference)}`;
    case "snoozed":
      return `snoozed it until ${new Date(String(e.new_value)).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}`;
    case "unsnoozed":
      return "woke it from snooze";
    case "snooze_ended":
      return (nv as { by?: string } | null)?.by === "requester_reply" ? "back from snooze: the requester replied" : "back from snooze";
    case "macro_applied":
      return `applied the macro “${str(nv?.name)}”`;
    case "macro_undone":
      return `undid the macro “${str(nv?.name)}”`;
    case "field_changed":
      break;
    default:
      return e.action.replace(/_/g, " ");
  }
  const field = e.field ?? "";
  switch (field) {
    case "assignee_id":
      if (e.new_value == null) return `unassigned it (was ${user(e.old_value)})`;
      return e.actor && Number(e.new_value) === e.actor.id ? "took it" : `assigned it to ${user(e.new_value)}`;
    case "team_id":
      return e.new_value == null ? "took it off its team" : `moved it to ${team(e.new_value)}`;
    case "category_id":
      return `set the category to ${category(e.new_value)}`;
    case "priority":
      return `priority ${str(e.old_value)} → ${str(e.new_value)}`;
    case "type":
      return `changed the type to ${TYPE_LABELS[e.new_value as keyof typeof TYPE_LABELS] ?? str(e.new_value)}`;
    case "subject":
      return `renamed it to “${str(e.new_value)}”`;
    case "description":
      return "edited the description";
    case "impact":
    case "urgency":
      return `set ${field} to ${str(e.new_value)}`;
    case "requester_id":
      return "changed the requester";
    case "resolution_note":
      return e.new_value ? `wrote the resolution note: “${str(e.new_value)}”` : "cleared the resolution note";
    case "root_cause":
      return e.new_value ? `recorded the root cause: “${str(e.new_value)}”` : "cleared the root cause";
    case "is_major_incident":
      return e.new_value ? "marked it a major incident" : "unmarked it as a major incident";
    case "watchers":
      return "changed the watchers";
    case "tags": {
      const before = new Set((e.old_value as string[] | null) ?? []);
      const after = new Set((e.new_value as string[] | null) ?? []);
      const added = [...after].filter((t) => !before.has(t)).map((t) => `+${t}`);
      const removed = [...before].filter((t) => !after.has(t)).map((t) => `−${t}`);
      return `tags ${[...added, ...removed].join(" ")}`;
    }
    default:
      if (field.startsWith("custom_fields.")) return `set ${field.slice(14).replace(/_/g, " ")} to ${str(e.new_value)}`;
      return `changed ${field.replace(/_/g, " ")}`;
  }
}

/** What an event is about, for naming a burst of them in one line. */
type Topic = { group: "change" | "other" | "mail" | "sla"; noun: string; plural?: string };

const SLA_TOPICS: Record<string, Topic> = {
  sla_warning: { group: "sla", noun: "warning" },
  sla_breached: { group: "sla", noun: "breach", plural: "breaches" },
  sla_escalated: { group: "sla", noun: "escalation" },
  sla_recomputed: { group: "sla", noun: "recompute" },
  sla_policy_changed: { group: "sla", noun: "policy change" },
  sla_terms_changed: { group: "sla", noun: "target change" },
};

const OTHER_NOUNS: Record<string, string> = {
  linked: "link",
  unlinked: "link",
  merged_into: "merge",
  merged_from: "merge",
  split_to: "split",
  split_from: "split",
  snoozed: "snooze",
  unsnoozed: "snooze",
  snooze_ended: "snooze",
  macro_applied: "macro",
  macro_undone: "macro",
  alert_recovered: "alert",
};

const FIELD_NOUNS: Record<string, string> = {
  assignee_id: "assignee",
  team_id: "team",
  category_id: "category",
  requester_id: "requester",
  is_major_incident: "major incident",
  resolution_note: "resolution note",
  root_cause: "root cause",
};

function topicOf(e: TicketEvent): Topic {
  const n = e.new_value as Record<string, unknown> | null;
  if (e.action === "sla_escalated" && n?.skipped) return { group: "sla", noun: "skipped escalation" };
  // "first response met": the outcome is the news, and the same target is not met twice in a burst.
  if (e.action === "sla_outcome") return { group: "sla", noun: `${kindWords(n?.kind)} ${n?.result === "met" ? "met" : "missed"}`, plural: `${kindWords(n?.kind)} outcomes` };
  if (SLA_TOPICS[e.action]) return SLA_TOPICS[e.action];
  if (e.action.startsWith("mail_")) return { group: "mail", noun: e.action === "mail_bounced" ? "bounce" : e.action === "mail_auto_reply" ? "automatic answer" : "held mail" };
  if (OTHER_NOUNS[e.action]) return { group: "other", noun: OTHER_NOUNS[e.action] };
  if (e.action === "status_changed" || e.action === "reopened" || e.action === "resolution_confirmed") return { group: "change", noun: "status" };
  if (e.action === "priority_overridden") return { group: "change", noun: "priority" };
  if (e.action === "field_changed" && e.field) {
    if (e.field.startsWith("custom_fields.")) return { group: "change", noun: e.field.slice(14).replace(/_/g, " ") };
    return { group: "change", noun: FIELD_NOUNS[e.field] ?? e.field.replace(/_/g, " ") };
  }
  return { group: "other", noun: e.action.replace(/_/g, " ") };
}

/** Nouns in the order first seen, each with how many times. */
function tally(topics: Topic[]): Array<{ topic: Topic; count: number }> {
  const byNoun = new Map<string, { topic: Topic; count: number }>();
  for (const t of topics) {
    const seen = byNoun.get(t.noun);
    if (seen) seen.count++;
    else byNoun.set(t.noun, { topic: t, count: 1 });
  }
  return [...byNoun.values()];
}

const plural = (t: Topic, count: number) => (count === 1 ? t.noun : (t.plural ?? `${t.noun}s`));

/** "warning", or "2 warnings": a lone one needs no number. */
const counted = (x: { topic: Topic; count: number }) => (x.count === 1 ? x.topic.noun : `${x.count} ${plural(x.topic, x.count)}`);

/**
 * A burst of events named in one line, kind by kind: "status change · SLA first response met",
 * "3 changes: status, priority, assignee · 5 SLA events: 2 warnings, 2 escalations, breach".
 */
export function describeBurst(events: TicketEvent[]): string {
  const topics = events.map(topicOf);
  const parts: string[] = [];
  const of = (g: Topic["group"]) => topics.filter((t) => t.group === g);
  const changes = of("change");
  if (changes.length === 1) parts.push(`${changes[0].noun} change`);
  else if (changes.length)
    parts.push(
      `${changes.length} changes: ${tally(changes)
        .map((x) => x.topic.noun)
        .join(", ")}`,
    );
  const others = of("other");
  if (others.length)
    parts.push(
      `${others.length} ${others.length === 1 ? "other event" : "other events"}: ${tally(others)
        .map((x) => x.topic.noun)
        .join(", ")}`,
    );
  const mail = of("mail");
  if (mail.length)
    parts.push(
      `${mail.length} mail ${mail.length === 1 ? "event" : "events"}: ${tally(mail)
        .map((x) => x.topic.noun)
        .join(", ")}`,
    );
  const sla = tally(of("sla"));
  if (sla.length === 1) parts.push(`${sla[0].count === 1 ? "" : `${sla[0].count} `}SLA ${plural(sla[0].topic, sla[0].count)}`);
  else if (sla.length > 1) parts.push(`${sla.reduce((n, x) => n + x.count, 0)} SLA events: ${sla.map(counted).join(", ")}`);
  return parts.join(" · ");
}
