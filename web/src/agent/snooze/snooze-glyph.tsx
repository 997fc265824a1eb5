/** A snoozed ticket's row: a small moon with the time it returns, or an alarm once it is back. */
import { Tooltip } from "@mantine/core";
import { IconBell, IconMoon } from "@tabler/icons-react";
import type { TicketSummary } from "@tessera/contracts";
import { formatSnooze } from "./snooze-time.ts";

export function SnoozeGlyph({ ticket }: { ticket: Pick<TicketSummary, "snoozed_until" | "back_from_snooze"> }) {
  if (ticket.snoozed_until) {
    const label = `Snoozed until ${formatSnooze(ticket.snoozed_until)}`;
    return (
      <Tooltip label={label}>
        <IconMoon size={12} aria-label={label} role="img" style={{ color: "var(--mantine-color-gray-6)", flexShrink: 0 }} />
      </Tooltip>
    );
  }
  if (ticket.back_from_snooze) {
    return (
      <Tooltip label="Back from snooze">
        <IconBell size={12} aria-label="Back from snooze" role="img" style={{ color: "var(--mantine-color-violet-6)", flexShrink: 0 }} />
      </Tooltip>
    );
  }
  return null;
}
