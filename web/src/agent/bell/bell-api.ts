/** The bell's own calls: muting a ticket's notifications (the list and read calls are in api/agent.ts). */
import { NotificationMute } from "@tessera/contracts";
import { api, apiNoContent } from "../../api/client.ts";

/** Mutes a ticket's notifications for the signed-in agent until `until` (null: until unmuted). */
export const muteTicketNotifications = (ticketId: number, until: string | null) => api(`/api/tickets/${ticketId}/notification-mute`, NotificationMute, { method: "PUT", json: { until } });

export const unmuteTicketNotifications = (ticketId: number) => apiNoContent(`/api/tickets/${ticketId}/notification-mute`, { method: "DELETE" });

/** The mute lengths offered, each with the instant it ends, computed in the agent's own time zone. */
export function muteChoices(now = new Date()): Array<{ label: string; until: string | null }> {
  const tomorrow8 = new Date(now);
  tomorrow8.setDate(tomorrow8.getDate() + 1);
  tomorrow8.setHours(8, 0, 0, 0);
  return [
    { label: "For 1 hour", until: new Date(now.getTime() + 3_600_000).toISOString() },
    { label: "Until tomorrow 08:00", until: tomorrow8.toISOString() },
    { label: "For 1 week", until: new Date(now.getTime() + 7 * 86_400_000).toISOString() },
    { label: "Until I unmute", until: null },
  ];
}

/** "until 14:05", "until Tue 08:00", "until you unmute". */
export function describeMuteEnd(until: string | null, now = new Date()): string {
  if (!until) return "until you unmute";
  const at = new Date(until);
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (at.toDateString() === now.toDateString()) return `until ${time}`;
  if (at.getTime() - now.getTime() < 6 * 86_400_000) return `until ${at.toLocaleDateString([], { weekday: "short" })} ${time}`;
  return `until ${at.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}
