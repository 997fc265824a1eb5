/**
 * A bell line in words: "Ann Lee replied on REQ-1042", "3 replies from Ann Lee on REQ-1042",
 * "SLA breached on REQ-1042 ×4".
 */
import type { Notification } from "@tessera/contracts";

type Words = { one: (who: string, on: string) => string; many?: (n: number, who: string, on: string) => string; label: string };

const by = (n: Notification) => {
  const name = n.actor?.name ?? "someone";
  return n.actor_count > 1 ? `${name} and ${n.actor_count - 1} other${n.actor_count > 2 ? "s" : ""}` : name;
};

const WORDS: Record<string, Words> = {
  mention: { label: "Mentions", one: (who, on) => `${who} mentioned you${on}`, many: (n, who, on) => `${n} mentions of you${on} by ${who}` },
  assigned: { label: "Assigned", one: (who, on) => `${who} assigned you${on}`, many: (n, who, on) => `Assigned to you ${n} times${on} (latest by ${who})` },
  requester_reply: { label: "Replies", one: (who, on) => `${who} replied${on}`, many: (n, who, on) => `${n} replies from ${who}${on}` },
  snooze_ended: { label: "Back from snooze", one: (_w, on) => `Back from snooze${on}` },
  sla_warning: { label: "SLA at risk", one: (_w, on) => `SLA at risk${on}` },
  sla_breach: { label: "SLA breached", one: (_w, on) => `SLA breached${on}` },
  auto_closed: { label: "Closed automatically", one: (_w, on) => `Closed automatically${on}` },
  mail_held: { label: "Held mail", one: (_w, on) => `Held mail waits for your decision${on}` },
};

/** The line's headline. */
export function describeLine(n: Notification): string {
  const on = n.ticket_reference ? ` on ${n.ticket_reference}` : "";
  const words = WORDS[n.kind] ?? { label: n.kind, one: (_w: string, o: string) => `${n.kind.replace(/_/g, " ")}${o}` };
  if (n.count === 1) return words.one(by(n), on);
  return words.many ? words.many(n.count, by(n), on) : `${words.one(by(n), on)} ×${n.count}`;
}
