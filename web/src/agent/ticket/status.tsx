/**
 * Status as agents see it: colour says "does this need me?" (amber: yes; slate: waiting on
 * someone else; green: resolved; grey: finished), and the label always says it in words.
 */
import type { StatusCategory } from "@tessera/contracts";

export const STATUS_COLOURS: Record<StatusCategory, string> = {
  draft: "#9AA1AC",
  new: "#F5A400",
  open: "#F5A400",
  awaiting_requester: "#64748B",
  awaiting_third_party: "#64748B",
  awaiting_approval: "#64748B",
  resolved: "#2F9E44",
  closed: "#9AA1AC",
  cancelled: "#9AA1AC",
};

export function StatusDot({ category, size = 8 }: { category: StatusCategory; size?: number }) {
  const hollow = category === "new";
  return (
    <span
      aria-hidden="true"
      style={{
        display: "inline-block",
        flexShrink: 0,
        width: size,
        height: size,
        borderRadius: "50%",
        background: hollow ? "transparent" : STATUS_COLOURS[category],
        border: `2px solid ${STATUS_COLOURS[category]}`,
        boxSizing: "border-box",
      }}
    />
  );
}

/** Dot and label in a pill, for headers and details. */
export function StatusBadge({ status }: { status: { label: string; category: StatusCategory } }) {
  return (
    <span
      style={{
        display: "inline-flex",
        alignItems: "center",
        gap: 6,
        height: 24,
        padding: "0 10px",
        borderRadius: 999,
        border: "1px solid var(--app-border)",
        background: "#fff",
        fontSize: 13,
        fontWeight: 500,
        whiteSpace: "nowrap",
      }}
    >
      <StatusDot category={status.category} />
      {status.label}
    </span>
  );
}
