// SLA policy drafts: labels, durations as typed, and converting and checking a policy being edited.
import {
  PRIORITIES,
  SLA_TARGET_KINDS,
  type Channel,
  type Escalation,
  type PauseCategory,
  type Policy,
  type PolicyInput,
  type Priority,
  type PriorityTargets,
  type SlaTargetKind,
  type TicketType,
} from "@tessera/contracts";
import { KIND_LABELS } from "../ui/sla.ts";

export const TYPE_LABELS: Record<TicketType, string> = { incident: "Incident", service_request: "Service request", problem: "Problem", change: "Change" };
export const CHANNEL_LABELS: Record<Channel, string> = { web: "Web portal", email: "Email", api: "API", phone: "Phone", chat: "Chat", alert: "Monitoring alert" };
export const PAUSE_LABELS: Record<PauseCategory, string> = {
  awaiting_requester: "Waiting on the requester",
  awaiting_third_party: "Waiting on a third party",
  awaiting_approval: "Waiting for approval",
};

// ---- durations as people type them ------------------------------------------------------

/** "30m", "4h", "2h 30m", "1.5h" or a plain number of minutes → minutes; null when unreadable. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+(?:[.,]\d+)?)h)?(?:(\d+)m(?:in)?)?$/.exec(s);
  if (!m || (!m[1] && !m[2])) return null;
  const minutes = Math.round(Number((m[1] ?? "0").replace(",", ".")) * 60) + Number(m[2] ?? 0);
  return minutes > 0 ? minutes : null;
}
export const durationText = (minutes: number | null | undefined) =>
  minutes == null ? "" : minutes % 60 === 0 ? `${minutes / 60}h` : minutes > 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;

// ---- the draft ----------------------------------------------------------------------------

export type TargetTexts = Record<SlaTargetKind, string>;
export interface PolicyDraft {
  name: string;
  description: string;
  active: boolean;
  calendar_id: string;
  types: TicketType[];
  priorities: Priority[];
  category_ids: string[];
  organization_ids: string[];
  channels: Channel[];
  targets: Record<Priority, TargetTexts>;
  warn_percent: number;
  pause_on: PauseCategory[];
  escalations: Escalation[];
}

export const noTargets = (): TargetTexts => ({ first_response: "", next_response: "", resolution: "" });
export const DEFAULT_ESCALATIONS: Escalation[] = [
  { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }] },
  { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_supervisors" }] },
];

export function draftOf(p: Policy): PolicyDraft {
  const targets = Object.fromEntries(
    PRIORITIES.map((pr) => {
      const t = p.targets[pr];
      return [pr, t ? { first_response: durationText(t.first_response), next_response: durationText(t.next_response), resolution: durationText(t.resolution) } : noTargets()];
    }),
  ) as Record<Priority, TargetTexts>;
  return {
    name: p.name,
    description: p.description,
    active: p.active,
    calendar_id: String(p.calendar.id),
    types: p.conditions.types,
    priorities: p.conditions.priorities,
    category_ids: p.conditions.category_ids.map(String),
    organization_ids: p.conditions.organization_ids.map(String),
    channels: p.conditions.channels,
    targets,
    warn_percent: p.warn_percent,
    pause_on: p.pause_on,
    escalations: p.escalations,
  };
}

export function newDraft(calendarId: string): PolicyDraft {
  return {
    name: "",
    description: "",
    active: true,
    calendar_id: calendarId,
    types: [],
    priorities: [],
    category_ids: [],
    organization_ids: [],
    channels: [],
    targets: {
      P1: { first_response: "30m", next_response: "1h", resolution: "4h" },
      P2: { first_response: "1h", next_response: "4h", resolution: "8h" },
      P3: { first_response: "4h", next_response: "8h", resolution: "24h" },
      P4: { first_response: "8h", next_response: "16h", resolution: "40h" },
    },
    warn_percent: 75,
    pause_on: ["awaiting_requester", "awaiting_third_party"],
    escalations: DEFAULT_ESCALATIONS,
  };
}

export function targetsOf(t: TargetTexts): PriorityTargets | undefined {
  const out = { first_response: parseDuration(t.first_response), next_response: parseDuration(t.next_response), resolution: parseDuration(t.resolution) };
  return out.first_response === null && out.next_response === null && out.resolution === null ? undefined : out;
}

export function inputOf(d: PolicyDraft): PolicyInput {
  const targets: PolicyInput["targets"] = {};
  for (const pr of PRIORITIES) {
    const t = targetsOf(d.targets[pr]);
    if (t) targets[pr] = t;
  }
  return {
    name: d.name.trim(),
    description: d.description.trim(),
    active: d.active,
    calendar_id: Number(d.calendar_id),
    conditions: { types: d.types, priorities: d.priorities, category_ids: d.category_ids.map(Number), organization_ids: d.organization_ids.map(Number), channels: d.channels },
    targets,
    warn_percent: d.warn_percent,
    pause_on: d.pause_on,
    escalations: d.escalations,
  };
}

export function checkDraft(d: PolicyDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give the policy a name";
  if (!d.calendar_id) found.calendar_id = "Pick the calendar its targets count in";
  for (const pr of PRIORITIES) {
    for (const k of SLA_TARGET_KINDS) {
      const text = d.targets[pr][k];
      if (text.trim() && parseDuration(text) === null) found.targets = `${pr} ${KIND_LABELS[k].toLowerCase()}: write it as 30m, 4h or 2h 30m`;
    }
  }
  if (!found.targets && !PRIORITIES.some((pr) => targetsOf(d.targets[pr]))) found.targets = "Set at least one target";
  d.escalations.forEach((e, i) => {
    if (!e.actions.length) found.escalations = `Escalation ${i + 1}: add an action, or remove it`;
    for (const a of e.actions) {
      if (a.type === "notify_user" && !a.user_id) found.escalations = `Escalation ${i + 1}: pick the agent to notify`;
      if (a.type === "reassign_team" && !a.team_id) found.escalations = `Escalation ${i + 1}: pick the team to move the ticket to`;
    }
  });
  return found;
}

export const FIELDS = ["name", "description", "active", "calendar_id", "conditions", "targets", "warn_percent", "pause_on", "escalations"] as const;
