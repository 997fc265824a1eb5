import { Tooltip } from "@mantine/core";
import { formatDateTime, formatRelative } from "./format.ts";

/** A relative time ("3 hours ago") with the exact time in a tooltip and for screen readers. */
export function TimeAgo({ iso, prefix }: { iso: string; prefix?: string }) {
  return (
    <Tooltip label={formatDateTime(iso)}>
      <time dateTime={iso} title={formatDateTime(iso)} className="tabular">
        {prefix ? `${prefix} ` : ""}
        {formatRelative(iso)}
      </time>
    </Tooltip>
  );
}
