/** Monitoring alerts as a ticket channel: Prometheus Alertmanager's webhook and a generic JSON one. */
import { z } from "zod";
import { Priority } from "./enums.ts";

/** RFC 3339 as Alertmanager writes it, nanoseconds and all (endsAt of a firing alert is 0001-01-01T00:00:00Z). */
const Rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, "must be an RFC 3339 time such as 2026-11-25T10:00:00Z");
const Labels = z.record(z.string().max(200, "label names are at most 200 characters"), z.string().max(10_000, "label values are at most 10,000 characters"));
const AlertStatus = z.enum(["firing", "resolved"], { error: 'must be "firing" or "resolved"' });

export const AlertmanagerAlert = z.object({
  status: AlertStatus,
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: Rfc3339,
  endsAt: Rfc3339.optional(),
  generatorURL: z.string().max(2000).default(""),
  /** Alertmanager's identity of the alert (a hash of its labels): one open ticket per fingerprint. */
  fingerprint: z.string().trim().min(1, "must not be empty").max(200),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const AlertmanagerPayload = z.object({
  version: z.literal("4", { error: 'Tessera takes Alertmanager webhook payloads of version "4"' }),
  groupKey: z.string().max(2000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: AlertStatus,
  receiver: z.string().max(200),
  groupLabels: Labels.default({}),
  commonLabels: Labels.default({}),
  commonAnnotations: Labels.default({}),
  externalURL: z.string().max(2000).default(""),
  alerts: z.array(AlertmanagerAlert).min(1, "must hold at least one alert").max(1000, "must hold at most 1,000 alerts"),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

export const GenericAlert = z
  .object({
    /** The monitoring system, e.g. "zabbix" or "uptime-kuma"; fingerprints are unique within a source. */
    source: z.string().trim().min(1, "must not be empty").max(100),
    fingerprint: z.string().trim().min(1, "must not be empty").max(200),
    /** Mapped to a priority by the alert settings (critical, error, warning, info …). */
    severity: z.string().trim().toLowerCase().min(1, "must not be empty").max(40),
    summary: z.string().trim().min(1, "must not be empty").max(300),
    /** Free text, or an object shown as JSON. */
    details: z.union([z.string().max(20_000), z.record(z.string(), z.unknown())]).default(""),
    status: AlertStatus,
  })
  .strict();
export type GenericAlert = z.infer<typeof GenericAlert>;

export const ALERT_OUTCOMES = ["created", "noted", "repeat", "resolved", "noted_resolved", "ignored"] as const;
/**
 * `created` a new incident; `noted` a firing alert on its open ticket; `repeat` the same
 * notification again (a retry: nothing changed); `resolved` noted and resolved the ticket;
 * `noted_resolved` noted the recovery; `ignored` a recovery of an alert with no ticket.
 */
export const AlertOutcome = z.enum(ALERT_OUTCOMES);
export type AlertOutcome = z.infer<typeof AlertOutcome>;

export const AlertResult = z.object({
  source: z.string(),
  fingerprint: z.string(),
  status: AlertStatus,
  outcome: AlertOutcome,
  ticket_id: z.number().int().nullable(),
  reference: z.string().nullable(),
  message: z.string(),
});
export type AlertResult = z.infer<typeof AlertResult>;

/**
 * The monitoring alert a ticket tracks, as agents see it on the ticket. `occurrences` counts
 * every firing notification, repeats included; repeats reach it (and `last_seen_at`) within
 * TESSERA_ALERT_REPEAT_FLUSH_SECONDS.
 */
export const TicketAlert = z.object({
  source: z.string(),
  fingerprint: z.string(),
  /** What the last notification said. */
  last_status: AlertStatus,
  occurrences: z.number().int(),
  first_seen_at: z.string().describe("ISO 8601 instant in UTC"),
  last_seen_at: z.string().describe("ISO 8601 instant in UTC"),
});
export type TicketAlert = z.infer<typeof TicketAlert>;

export const AlertResponse = z.object({ results: z.array(AlertResult) });
export type AlertResponse = z.infer<typeof AlertResponse>;

export const AlertSettings = z
  .object({
    /** Severity (lower case) → priority of the incident it opens. */
    severity_priorities: z.record(z.string().trim().toLowerCase().min(1).max(40), Priority),
    /** Priority for a severity not in the map. */
    default_priority: Priority,
    /** Resolve the incident when the alert reports it is resolved (with a note saying so). */
    resolve_on_resolved: z.boolean(),
    /** Team that gets new alert incidents; null leaves them in the triage queue. */
    team_id: z.number().int().positive().nullable(),
  })
  .strict();
export type AlertSettings = z.infer<typeof AlertSettings>;
