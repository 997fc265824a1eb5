/**
 * SLA figures in words, shared by the agent workspace, the portal and the admin pages: the
 * names of the targets, durations at most two units long ("45m", "3h 20m", "2d 4h"), and one
 * minute clock that every countdown on the page reads, so badges tick together without a
 * timer per row.
 */
import type { SlaTarget, SlaTargetKind } from "@tessera/contracts";
import { useSyncExternalStore } from "react";

export const KIND_LABELS: Record<SlaTargetKind, string> = {
  first_response: "First response",
  next_response: "Next response",
  resolution: "Resolution",
};

/** Short names for tight places (a list row's badge). */
export const KIND_SHORT: Record<SlaTargetKind, string> = { first_response: "FRT", next_response: "NRT", resolution: "RES" };

/** A target's name: "Next response (message 2)" from the second message on. */
export const targetName = (t: Pick<SlaTarget, "kind" | "cycle">) => `${KIND_LABELS[t.kind]}${t.kind === "next_response" && t.cycle > 1 ? ` (message ${t.cycle})` : ""}`;

/**
 * A duration as a countdown shows it: at most two units, no seconds, anything under a minute
 * as "1m" (a deadline never reads "0m" while it is still ahead).
 */
export function formatCountdown(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(Math.abs(seconds) / 60));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** Business minutes as an admin types them, in words: 90 → "1 h 30 min", 1440 → "24 h". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

const dueFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
/** "Mon 7 Dec, 10:00" in the reader's own time zone. */
export const formatDue = (iso: string) => dueFormat.format(new Date(iso));

// ---- one shared minute clock -------------------------------------------------------------

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 60_000);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now, refreshed once a minute for every component that reads it. */
export function useMinuteClock(): number {
  return useSyncExternalStore(subscribe, () => now);
}
