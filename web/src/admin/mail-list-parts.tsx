/** The parts the mail lists share: the tabs that filter them by status, and a row with its time. */
import { SegmentedControl, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { TimeAgo } from "../ui/time-ago.tsx";
import { ListRow } from "./list-row.tsx";

/**
 * Which of `choices` the address asks for (`?{param}=`), the first one when it names none, and
 * the tabs to change it (the first choice leaves the address bare).
 */
export function useStatusTabs<V extends string>(choices: Array<{ value: V; label: string }>, param = "status"): [V, ReactNode] {
  const [params, setParams] = useSearchParams();
  const fallback = choices[0].value;
  const value = choices.find((c) => c.value === params.get(param))?.value ?? fallback;
  const tabs = (
    <div style={{ padding: "10px 12px 0" }}>
      <SegmentedControl size="xs" fullWidth aria-label="Show" data={choices} value={value} onChange={(v) => setParams(v === fallback ? {} : { [param]: v })} />
    </div>
  );
  return [value, tabs];
}

/** A message in a mail list: who or what on the first line with when, then `children`. */
export function MailRow({ to, inactive, title, at, children }: { to: string; inactive: boolean; title: ReactNode; at: string; children: ReactNode }) {
  return (
    <ListRow
      to={to}
      inactive={inactive}
      title={title}
      aside={
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          <TimeAgo iso={at} />
        </Text>
      }
    >
      {children}
    </ListRow>
  );
}
