/**
 * SLAs: business-hour calendars, ordered policies with targets per priority, each ticket's clock
 * and the outcome of every target. Durations a person configures are whole minutes; durations
 * Tessera measures are seconds (business seconds unless the name says otherwise).
 */
import { z } from "zod";
import { Instant, NamedRef } from "./common.ts";
import { Channel, Priority, StatusCategory, TicketType } from "./enums.ts";

export const SLA_TARGET_KINDS = ["first_response", "next_response", "resolution"] as const;
/**
 * first_response: the first public reply of an agent; next_response: an agent's public answer to
 * each later requester message; resolution: the ticket resolved.
 */
export const SlaTargetKind = z.enum(SLA_TARGET_KINDS);
export type SlaTargetKind = z.infer<typeof SlaTargetKind>;

export const SLA_BADGE_STATES = ["breached", "at_risk", "on_track", "paused", "met", "none"] as const;
/** What a countdown badge shows; the list's `sort=sla` orders by it in this order, then by due time. */
export const SlaBadgeState = z.enum(SLA_BADGE_STATES);
export type SlaBadgeState = z.infer<typeof SlaBadgeState>;

/** The list filter `sla=`: badge states, or `breaching_soon` (at risk or breached, ticket still open). */
export const SlaListFilter = z.enum([...SLA_BADGE_STATES, "breaching_soon"]);
export type SlaListFilter = z.infer<typeof SlaListFilter>;

/** The countdown a list row and a ticket carry (agents only; requesters get null). */
export const SlaBadge = z.object({
  state: SlaBadgeState,
  /** The target due next (the one breached, when one is). */
  kind: SlaTargetKind.nullable(),
  due_at: Instant.nullable().describe("null while the clock is paused or when nothing is due"),
  /** Business time left before due_at; negative once breached; frozen while paused. */
  remaining_business_seconds: z.number().int().nullable(),
});
export type SlaBadge = z.infer<typeof SlaBadge>;

// ---- calendars -----------------------------------------------------------------------------

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** "HH:MM" on a 24-hour clock; "24:00" is the end of the day. */
export const TimeOfDay = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time such as "09:00" (00:00 to 24:00)');
/** "YYYY-MM-DD", a date in the calendar's own time zone. */
export const LocalDate = z.iso.date("must be a date such as 2026-12-25");

/** A working shift starting on `day`. A shift that ends the next morning says `overnight: true`. */
export const Shift = z
  .object({
    day: Weekday,
    start: TimeOfDay,
    end: TimeOfDay,
    overnight: z.boolean().default(false).describe("the shift ends on the following day (22:00 to 06:00)"),
  })
  .strict();
export type Shift = z.infer<typeof Shift>;

/** A day (or an inclusive range of days) without working time; `yearly` repeats it every year. */
export const Holiday = z
  .object({
    name: z.string().trim().min(1).max(100),
    date: LocalDate,
    end_date: LocalDate.nullable().optional().describe("last day of a range, inclusive"),
    yearly: z.boolean().default(false),
  })
  .strict();
export type Holiday = z.infer<typeof Holiday>;

export const CalendarInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** An IANA time zone such as Europe/Paris. */
    time_zone: z.string().trim().min(1).max(64),
    hours: z.array(Shift).max(100),
    holidays: z.array(Holiday).max(1000).default([]),
  })
  .strict();
export type CalendarInput = z.infer<typeof CalendarInput>;
export const CalendarUpdateInput = CalendarInput.partial().strict();
export type CalendarUpdateInput = z.infer<typeof CalendarUpdateInput>;

export const Calendar = z.object({
  id: z.number().int(),
  name: z.string(),
  time_zone: z.string(),
  hours: z.array(Shift),
  holidays: z.array(Holiday),
  /** The 24×7 calendar every install starts with; it cannot be deleted. */
  is_default: z.boolean(),
  weekly_business_minutes: z.number().int(),
  /** Policies that count in this calendar (a calendar in use cannot be deleted). */
  policies: z.array(NamedRef),
  created_at: Instant,
  updated_at: Instant,
});
export type Calendar = z.infer<typeof Calendar>;

// ---- policies ------------------------------------------------------------------------------

const Minutes = z.number().int("must be whole minutes").positive("must be more than 0 minutes").max(525_600, "must be at most 525,600 minutes (365 days)");

/** Targets of one priority, in business minutes; null means no target of that kind. */
export const PriorityTargets = z
  .object({
    first_response: Minutes.nullable().default(null),
    next_response: Minutes.nullable().default(null),
    resolution: Minutes.nullable().default(null),
  })
  .strict();
export type PriorityTargets = z.infer<typeof PriorityTargets>;

/** Targets per priority; a priority left out has no SLA under this policy. */
export const PolicyTargets = z.object({ P1: PriorityTargets.optional(), P2: PriorityTargets.optional(), P3: PriorityTargets.optional(), P4: PriorityTargets.optional() }).strict();
export type PolicyTargets = z.infer<typeof PolicyTargets>;

/** Which tickets a policy applies to; an empty or missing list matches anything. */
export const PolicyConditions = z
  .object({
    types: z.array(TicketType).max(10).default([]),
    priorities: z.array(Priority).max(10).default([]),
    category_ids: z.array(z.number().int().positive()).max(500).default([]),
    organization_ids: z.array(z.number().int().positive()).max(500).default([]),
    channels: z.array(Channel).max(10).default([]),
  })
  .strict();
export type PolicyConditions = z.infer<typeof PolicyConditions>;

export const PAUSE_CATEGORIES = ["awaiting_requester", "awaiting_third_party", "awaiting_approval"] as const;
export const PauseCategory = z.enum(PAUSE_CATEGORIES);
export type PauseCategory = z.infer<typeof PauseCategory>;

export const EscalationAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("notify_assignee") }).strict(),
  z.object({ type: z.literal("notify_supervisors").describe("the supervisors who are members of the ticket's team") }).strict(),
  z.object({ type: z.literal("notify_user"), user_id: z.number().int().positive() }).strict(),
  z.object({ type: z.literal("reassign_team"), team_id: z.number().int().positive() }).strict(),
  z.object({ type: z.literal("raise_priority").describe("one step: P4 to P3, P3 to P2, P2 to P1") }).strict(),
]);
export type EscalationAction = z.infer<typeof EscalationAction>;

/** What happens at a level: `warning` (the policy's share of a target used) or `breach`. */
export const Escalation = z
  .object({
    level: z.enum(["warning", "breach"]),
    /** Target kinds this applies to; empty means every kind. */
    kinds: z.array(SlaTargetKind).max(3).default([]),
    actions: z.array(EscalationAction).min(1).max(10),
  })
  .strict();
export type Escalation = z.infer<typeof Escalation>;

export const PolicyInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000).default(""),
    active: z.boolean().default(true),
    conditions: PolicyConditions.default({ types: [], priorities: [], category_ids: [], organization_ids: [], channels: [] }),
    calendar_id: z.number().int().positive(),
    targets: PolicyTargets,
    /** The warning fires when this share of a target is used. */
    warn_percent: z.number().int().min(1).max(99).default(75),
    /** Status categories in which the clock stops counting. */
    pause_on: z.array(PauseCategory).max(3).default(["awaiting_requester", "awaiting_third_party"]),
    /** Default: at a warning the assignee is told; at a breach the assignee and the team's supervisors. */
    escalations: z
      .array(Escalation)
      .max(20)
      .default([
        { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }] },
        { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_supervisors" }] },
      ]),
  })
  .strict();
export type PolicyInput = z.input<typeof PolicyInput>;
export const PolicyUpdateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(1000),
    active: z.boolean(),
    conditions: PolicyConditions,
    calendar_id: z.number().int().positive(),
    targets: PolicyTargets,
    warn_percent: z.number().int().min(1).max(99),
    pause_on: z.array(PauseCategory).max(3),
    escalations: z.array(Escalation).max(20),
  })
  .partial()
  .strict();
export type PolicyUpdateInput = z.infer<typeof PolicyUpdateInput>;

export const Policy = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  /** Place in the order policies are tried, from 1 and without gaps; the first that matches a ticket times it. */
  position: z.number().int().positive(),
  active: z.boolean(),
  conditions: PolicyConditions,
  calendar: z.object({ id: z.number().int(), name: z.string(), time_zone: z.string() }),
  targets: PolicyTargets,
  warn_percent: z.number().int(),
  pause_on: z.array(PauseCategory),
  escalations: z.array(Escalation),
  created_at: Instant,
  updated_at: Instant,
});
export type Policy = z.infer<typeof Policy>;

export const PolicyOrderInput = z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) }).strict();

/** "A P2 incident created at <time> under this policy (or calendar) is due at ...". */
export const SlaPreviewInput = z
  .object({
    /** Use a saved policy's calendar and targets... */
    policy_id: z.number().int().positive().optional(),
    /** ...or a saved calendar, or an unsaved one being edited... */
    calendar_id: z.number().int().positive().optional(),
    calendar: CalendarInput.omit({ name: true }).optional(),
    /** ...with these targets (default: the policy's for the priority). */
    targets: PriorityTargets.optional(),
    priority: Priority.default("P2"),
    type: TicketType.default("incident"),
    /** Default: now. */
    created_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type SlaPreviewInput = z.infer<typeof SlaPreviewInput>;

export const SlaPreview = z.object({
  created_at: Instant,
  priority: Priority,
  type: TicketType,
  calendar: z.object({ id: z.number().int().nullable(), name: z.string(), time_zone: z.string() }),
  targets: z.array(
    z.object({
      kind: SlaTargetKind,
      target_minutes: z.number().int(),
      due_at: Instant,
      /** The deadline on the calendar's wall clock, e.g. "Tue 1 Dec 2026, 11:00 (Europe/Paris)". */
      due_local: z.string(),
      sentence: z.string(),
    }),
  ),
});
export type SlaPreview = z.infer<typeof SlaPreview>;

export const SlaSettings = z.object({
  /** A resolved ticket closes after this many days without an answer from the requester; 0 turns it off. */
  auto_close_days: z.number().int().min(0).max(365),
});
export type SlaSettings = z.infer<typeof SlaSettings>;

// ---- a ticket's SLA ------------------------------------------------------------------------

export const SlaTargetState = z.enum(["running", "paused", "met", "breached", "stopped"]);
export type SlaTargetState = z.infer<typeof SlaTargetState>;

export const SlaOutcome = z.object({
  result: z.enum(["met", "breached"]),
  /** How early (met) or how late (breached), in business seconds. */
  by_business_seconds: z.number().int(),
  used_business_seconds: z.number().int(),
  recorded_at: Instant,
});
export type SlaOutcome = z.infer<typeof SlaOutcome>;

export const SlaTarget = z.object({
  kind: SlaTargetKind,
  /** 1 for first response and resolution; next response counts each requester message. */
  cycle: z.number().int(),
  target_minutes: z.number().int(),
  state: SlaTargetState,
  started_at: Instant,
  due_at: Instant.nullable().describe("null while paused"),
  warn_at: Instant.nullable(),
  met_at: Instant.nullable(),
  warned_at: Instant.nullable(),
  breached_at: Instant.nullable(),
  used_business_seconds: z.number().int(),
  remaining_business_seconds: z.number().int(),
  /** Final once the target is met (a reopened ticket's resolution runs again). */
  outcome: SlaOutcome.nullable(),
});
export type SlaTarget = z.infer<typeof SlaTarget>;

export const SlaClockState = z.enum(["running", "paused", "stopped", "none"]);

/** Every recorded outcome of the ticket's targets, oldest first, kept forever. */
export const SlaOutcomeRecord = SlaOutcome.extend({
  kind: SlaTargetKind,
  cycle: z.number().int(),
  policy_name: z.string(),
  priority: Priority,
  target_minutes: z.number().int(),
});

/** The policy timing a ticket; its id is null once the policy was deleted (the name stays). */
export const SlaPolicyRef = z.object({ id: z.number().int().nullable(), name: z.string() });

export const TicketSla = z.object({
  audience: z.literal("agent"),
  ticket_id: z.number().int(),
  policy: SlaPolicyRef.nullable(),
  calendar: z.object({ id: z.number().int(), name: z.string(), time_zone: z.string() }).nullable(),
  priority: Priority,
  clock: z.object({
    state: SlaClockState,
    since: Instant.nullable(),
    pause_reason: StatusCategory.nullable(),
    used_business_seconds: z.number().int(),
    /** Wall-clock time spent paused, and how much of it was business time. */
    paused_seconds: z.number().int(),
    paused_business_seconds: z.number().int(),
    /** How many times the clock was paused, counting a pause still going on now. */
    pauses: z.number().int().nonnegative(),
  }),
  badge: SlaBadge,
  targets: z.array(SlaTarget),
  outcomes: z.array(SlaOutcomeRecord),
});
export type TicketSla = z.infer<typeof TicketSla>;

/** What a requester sees: when to expect an answer and a resolution, nothing internal. */
export const RequesterSla = z.object({
  audience: z.literal("requester"),
  ticket_id: z.number().int(),
  first_response: z.object({ expected_at: Instant.nullable(), done_at: Instant.nullable() }).nullable(),
  resolution: z.object({ expected_at: Instant.nullable(), done_at: Instant.nullable() }).nullable(),
});
export type RequesterSla = z.infer<typeof RequesterSla>;

export const TicketSlaView = z.discriminatedUnion("audience", [TicketSla, RequesterSla]);
export type TicketSlaView = z.infer<typeof TicketSlaView>;

export const SLA_TIMELINE_KINDS = ["counting", "outside_hours", "holiday", "paused", "stopped", "not_started"] as const;

/** One stretch of the clock's life. */
export const SlaTimelineEntry = z.object({
  kind: z.enum(SLA_TIMELINE_KINDS),
  from: Instant,
  to: Instant.nullable().describe("null: still going"),
  /** The status category that paused or stopped the clock, or the holiday's name. */
  reason: z.string().nullable(),
  business_seconds: z.number().int().describe("business time counted in this stretch"),
  sentence: z.string(),
});
export type SlaTimelineEntry = z.infer<typeof SlaTimelineEntry>;

export const SlaDeadlineExplanation = z.object({
  kind: SlaTargetKind,
  cycle: z.number().int(),
  target_minutes: z.number().int(),
  started_at: Instant,
  due_at: Instant.nullable(),
  state: SlaTargetState,
  used_business_seconds: z.number().int(),
  paused_seconds: z.number().int(),
  sentence: z.string().describe("how the deadline was computed, in words that can be read to a requester"),
});

export const SlaExplain = z.object({
  ticket_id: z.number().int(),
  policy: SlaPolicyRef.nullable(),
  calendar: z.object({ id: z.number().int(), name: z.string(), time_zone: z.string() }).nullable(),
  summary: z.string(),
  timeline: z.array(SlaTimelineEntry),
  /** True when the timeline was cut to its newest entries. */
  truncated: z.boolean(),
  deadlines: z.array(SlaDeadlineExplanation),
  /** Policy matches, changes and recomputations, from the audit trail. */
  changes: z.array(z.object({ at: Instant, action: z.string(), via: z.string(), sentence: z.string() })),
});
export type SlaExplain = z.infer<typeof SlaExplain>;
