/** Snooze presets in the agent's own time zone, and how a snooze time reads. */

export interface SnoozePreset {
  id: "later" | "tomorrow" | "week";
  label: string;
  until: Date;
}

const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayTime = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

const atNine = (d: Date) => {
  const x = new Date(d);
  x.setHours(9, 0, 0, 0);
  return x;
};

/**
 * Later today: three hours on, to the hour (offered only while that is still today).
 * Tomorrow: 09:00. Next week: Monday 09:00.
 */
export function snoozePresets(now = new Date()): SnoozePreset[] {
  const out: SnoozePreset[] = [];
  const later = new Date(now.getTime() + 3 * 3600_000);
  if (later.getMinutes() || later.getSeconds()) later.setHours(later.getHours() + 1, 0, 0, 0);
  if (later.toDateString() === now.toDateString()) out.push({ id: "later", label: "Later today", until: later });
  const tomorrow = atNine(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  out.push({ id: "tomorrow", label: "Tomorrow", until: tomorrow });
  const daysToMonday = (8 - now.getDay()) % 7 || 7;
  out.push({ id: "week", label: "Next week", until: atNine(new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday)) });
  return out;
}

/** "16:00" today, otherwise "Thu 26 Nov, 09:00". */
export function formatSnooze(iso: string | Date, now = new Date()): string {
  const d = new Date(iso);
  return d.toDateString() === now.toDateString() ? time.format(d) : dayTime.format(d);
}

/** A Date as the value of an <input type="datetime-local"> (local time, to the minute). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
