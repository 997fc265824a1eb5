import { Tooltip } from "@mantine/core";
import type { Priority } from "@tessera/contracts";

/** What each priority is called where people read it. */
export const PRIORITY_LABELS: Record<Priority, string> = { P1: "Critical", P2: "High", P3: "Medium", P4: "Low" };

/**
 * Priority as a glyph: only the top two get colour, so that red keeps its meaning. P1 is a red
 * square with "!", P2 three orange bars, P3 two grey bars, P4 one grey bar. The label is always
 * there for screen readers and in a tooltip.
 */
export function PriorityIcon({ priority, size = 16, withTooltip = true }: { priority: Priority; size?: number; withTooltip?: boolean }) {
  const label = `${priority} · ${PRIORITY_LABELS[priority]}`;
  const svg =
    priority === "P1" ? (
      <svg width={size} height={size} viewBox="0 0 16 16" role="img" aria-label={`Priority ${label}`}>
        <rect x="1" y="1" width="14" height="14" rx="3.5" fill="#E03131" />
        <rect x="7" y="3.5" width="2" height="6" rx="1" fill="#fff" />
        <rect x="7" y="10.75" width="2" height="2" rx="1" fill="#fff" />
      </svg>
    ) : (
      <svg width={size} height={size} viewBox="0 0 16 16" role="img" aria-label={`Priority ${label}`}>
        {[0, 1, 2].map((i) => {
          const lit = priority === "P2" ? 3 : priority === "P3" ? 2 : 1;
          const colour = priority === "P2" ? "#E8590C" : "#6B7280";
          return <rect key={i} x={2 + i * 4.5} y={10 - i * 3.5} width="3" height={4 + i * 3.5} rx="1" fill={i < lit ? colour : "#D9DDE3"} />;
        })}
      </svg>
    );
  if (!withTooltip) return svg;
  return (
    <Tooltip label={`Priority ${label}`}>
      <span style={{ display: "inline-flex", flexShrink: 0 }}>{svg}</span>
    </Tooltip>
  );
}
