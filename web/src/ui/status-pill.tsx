import { Badge, type MantineColor } from "@mantine/core";
import type { StatusCategory } from "@tessera/contracts";

/**
 * What each status category means to the person looking, as a colour; the pill always says it
 * in words too (dot + text, never colour alone). Amber: with the desk. Orange: waiting for the
 * requester. Green: resolved. Grey: finished.
 */
const COLOURS: Record<StatusCategory, MantineColor> = {
  draft: "gray",
  new: "yellow",
  open: "yellow",
  awaiting_requester: "orange",
  awaiting_third_party: "yellow",
  awaiting_approval: "yellow",
  resolved: "teal",
  closed: "gray",
  cancelled: "gray",
};

export function StatusPill({ status, size = "md" }: { status: { label: string; category: StatusCategory }; size?: "sm" | "md" | "lg" }) {
  return (
    <Badge variant="dot" color={COLOURS[status.category]} size={size} styles={{ root: { background: "var(--mantine-color-white)", flexShrink: 0 } }}>
      {status.label}
    </Badge>
  );
}
