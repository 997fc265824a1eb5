/**
 * Alertmanager's and the generic payload, brought to one shape. `key` tells one notification
 * from another for the same alert: its status and the start of the firing episode, so a retried
 * or repeated delivery of the same news is recognised and changes nothing.
 */
import type { AlertmanagerAlert, AlertmanagerPayload, GenericAlert } from "@tessera/contracts";

export interface IncomingAlert {
  source: string;
  fingerprint: string;
  status: "firing" | "resolved";
  severity: string;
  /** One line, for the ticket subject. */
  title: string;
  /** The details, as plain text. */
  details: string;
  key: string;
  /** When it stopped firing, for a resolved alert. */
  endedAt: string | null;
}

const oneLine = (s: string) =>
  s
    .replace(/[\p{Cc}]+/gu, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
// Alertmanager sends 0001-01-01T00:00:00Z as the end of an alert still firing.
const realTime = (t: string | undefined) => (t && !t.startsWith("0001-") ? t : null);

export function fromAlertmanager(p: AlertmanagerPayload, a: AlertmanagerAlert): IncomingAlert {
  const labels = { ...p.commonLabels, ...a.labels };
  const notes = { ...p.commonAnnotations, ...a.annotations };
  const name = labels.alertname ?? "";
  const summary = notes.summary ?? notes.title ?? notes.message ?? "";
  const title = oneLine(name && summary && !summary.includes(name) ? `${name}: ${summary}` : summary || name || `Alert ${a.fingerprint}`);
  const lines = [
    `${name || "Alert"} is ${a.status}${labels.severity ? ` (severity ${labels.severity})` : ""}, since ${a.startsAt}${a.status === "resolved" && realTime(a.endsAt) ? `, resolved at ${a.endsAt}` : ""}.`,
    ...(notes.description ? ["", notes.description] : []),
    "",
    "Labels:",
    ...Object.entries(labels).map(([k, v]) => `  ${k} = ${v}`),
    ...(Object.keys(notes).length ? ["", "Annotations:", ...Object.entries(notes).map(([k, v]) => `  ${k} = ${v}`)] : []),
    "",
    `Fingerprint: ${a.fingerprint}`,
    `Group key: ${p.groupKey}`,
    `Receiver: ${p.receiver}`,
    ...(a.generatorURL ? [`Source: ${a.generatorURL}`] : []),
    ...(p.externalURL ? [`Alertmanager: ${p.externalURL}`] : []),
    ...(p.truncatedAlerts ? [`(Alertmanager left out ${p.truncatedAlerts} alerts of this group.)`] : []),
  ];
  return {
    source: "alertmanager",
    fingerprint: a.fingerprint,
    status: a.status,
    severity: labels.severity ?? "",
    title,
    details: lines.join("\n"),
    key: `${a.status}:${a.startsAt}`,
    endedAt: realTime(a.endsAt),
  };
}

export function fromGeneric(g: GenericAlert): IncomingAlert {
  const details = typeof g.details === "string" ? g.details : JSON.stringify(g.details, null, 2);
  return {
    source: g.source,
    fingerprint: g.fingerprint,
    status: g.status,
    severity: g.severity,
    title: oneLine(g.summary),
    details: [`${g.summary} (${g.status}, severity ${g.severity})`, ...(details ? ["", details] : []), "", `Source: ${g.source}`, `Fingerprint: ${g.fingerprint}`].join("\n"),
    // No start time in the generic payload: the status alone tells news from a repeat.
    key: g.status,
    endedAt: null,
  };
}

/** The firing episode a key belongs to ("" when the payload has none). */
export const episodeOf = (key: string) => key.slice(key.indexOf(":") + 1 || key.length);
