/** How a snooze shows: a moon with the time it returns, or "Back from snooze" once it has. */
import { Badge, Tooltip } from "@mantine/core";
import { IconBell, IconMoon } from "@tabler/icons-react";
import type { TicketSummary } from "@tessera/contracts";
import { openReplyTool } from "../macros/macro-tools.tsx";
import { formatSnooze } from "./snooze-time.ts";

/** In the ticket header: a button that opens the snooze dialog (to wake it or move the time). */
export function SnoozeBadge({ ticket }: { ticket: Pick<TicketSummary, "reference" | "snoozed_until" | "back_from_snooze"> }) {
  if (ticket.snoozed_until) {
    return (
      <Tooltip label="Snoozed: out of My open tickets and the unassigned queue until then. Click to wake it or change the time (z).">
        <Badge
          component="button"
          type="button"
          variant="light"
          color="gray"
          leftSection={<IconMoon size={12} />}
          style={{ cursor: "pointer" }}
          onClick={() => openReplyTool({ kind: "snooze", ticketKey: ticket.reference })}
        >
          Snoozed until {formatSnooze(ticket.snoozed_until)}
        </Badge>
      </Tooltip>
    );
  }
  if (ticket.back_from_snooze) {
    return (
      <Badge variant="light" color="violet" leftSection={<IconBell size={12} />}>
        Back from snooze
      </Badge>
    );
  }
  return null;
}
