/**
 * The SLA countdown of a list row (and the ticket header): the target due next and the time
 * left until its deadline, counting down on the page's shared minute clock. Colour follows the
 * time left (grey on track; amber at risk: 15 minutes or less, or the policy's warning reached;
 * red and negative once breached), and the same meaning is always in the text, an icon and the
 * label read aloud: a pause icon while the clock is stopped, a tick once the target is met.
 */
import { Tooltip } from "@mantine/core";
import { IconAlarm, IconCheck, IconFlame, IconPlayerPauseFilled } from "@tabler/icons-react";
import type { SlaBadge as SlaBadgeData } from "@tessera/contracts";
import { formatCountdown, formatDue, KIND_LABELS, KIND_SHORT, useMinuteClock } from "../../ui/sla.ts";
import classes from "./sla-badge.module.css";

/** At or under this much time left, a running target turns amber whatever its share. */
const AT_RISK_SECONDS = 15 * 60;

export type BadgeLook = "on_track" | "at_risk" | "breached" | "paused" | "met";

export interface BadgeReading {
  look: BadgeLook;
  /** "2h 10m", "-15m", or null for a met target. */
  text: string | null;
  /** What the tooltip and a screen reader say. */
  label: string;
}

/** What the badge shows at `nowMs`: the server's state, moved on by the time passed since. */
export function readBadge(sla: SlaBadgeData, nowMs: number): BadgeReading | null {
  if (sla.state === "none" || !sla.kind) return null;
  const kind = KIND_LABELS[sla.kind];
  if (sla.state === "met") return { look: "met", text: null, label: `${kind} target met` };
  if (sla.state === "paused") {
    const left = sla.remaining_business_seconds;
    const text = left === null ? "Paused" : left < 0 ? `-${formatCountdown(left)}` : formatCountdown(left);
    const label =
      left === null ? `${kind}: clock paused` : left < 0 ? `${kind} breached by ${formatCountdown(left)}; clock paused` : `${kind}: clock paused with ${formatCountdown(left)} of business time left`;
    return { look: "paused", text, label };
  }
  const business = sla.remaining_business_seconds;
  const left = sla.due_at ? Math.round((Date.parse(sla.due_at) - nowMs) / 1000) : business;
  if (left === null) return null;
  const due = sla.due_at ? formatDue(sla.due_at) : null;
  if (left <= 0 || sla.state === "breached") {
    const over = left <= 0 ? left : (business ?? 0);
    return { look: "breached", text: `-${formatCountdown(over)}`, label: `${kind} breached${due ? `: was due ${due}` : ""}, ${formatCountdown(over)} overdue` };
  }
  const risky = sla.state === "at_risk" || left <= AT_RISK_SECONDS || (business !== null && business <= AT_RISK_SECONDS);
  const businessWords = business !== null && business < left - 60 ? ` (${formatCountdown(business)} of business time)` : "";
  return {
    look: risky ? "at_risk" : "on_track",
    text: formatCountdown(left),
    label: `${kind} due ${due ?? "soon"}, in ${formatCountdown(left)}${businessWords}${risky ? ", at risk" : ""}`,
  };
}

const ICONS: Record<BadgeLook, React.ReactNode> = {
  on_track: <IconAlarm size={12} aria-hidden="true" />,
  at_risk: <IconAlarm size={12} aria-hidden="true" />,
  breached: <IconFlame size={12} aria-hidden="true" />,
  paused: <IconPlayerPauseFilled size={10} aria-hidden="true" />,
  met: <IconCheck size={12} aria-hidden="true" />,
};

/**
 * The badge, or nothing when no SLA applies. `withKind` puts the target's short name (FRT,
 * NRT, RES) before the time; rows leave it to the tooltip when space is short.
 */
export function SlaBadge({ sla, withKind = true, size = "sm" }: { sla: SlaBadgeData | null | undefined; withKind?: boolean; size?: "sm" | "md" }) {
  // Re-rendered every minute by the shared clock; reads the exact time when it renders.
  useMinuteClock();
  if (!sla) return null;
  const reading = readBadge(sla, Date.now());
  if (!reading) return null;
  return (
    <Tooltip label={reading.label} openDelay={300}>
      <span className={`${classes.badge} tabular`} data-look={reading.look} data-size={size} role="img" aria-label={`SLA: ${reading.label}`}>
        {ICONS[reading.look]}
        {withKind && sla.kind && reading.look !== "met" && <span className={classes.kind}>{KIND_SHORT[sla.kind]}</span>}
        {reading.text ?? "Met"}
      </span>
    </Tooltip>
  );
}
