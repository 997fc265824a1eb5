/** The parts the mail lists share: the tabs that filter them by status, and a row with its time. */
import { SegmentedControl, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { QueryKey } from "@tanstack/react-query";
import { useParams, useSearchParams } from "react-router";
import { useAdminCollection, type CollectionQuery } from "./scaffold/index.ts";
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

/**
 * A mail list filtered by the status tabs: the tabs, and the collection of the messages the
 * shown tab holds. The tab `all` holds every message: the picked one is found there when the
 * shown tab leaves it out.
 */
export function useMailCollection<S extends string, T extends { id: number }>(
  choices: Array<{ value: S; label: string }>,
  { useList, all, key, path }: { useList: (status: S, enabled?: boolean) => CollectionQuery<T>; all: S; key: (status: S) => QueryKey; path: string },
) {
  const [status, tabs] = useStatusTabs(choices);
  // A list may load every message only while one is picked.
  const everything = useList(all, !!useParams().itemId);
  const collection = useAdminCollection({ query: useList(status), queryKey: key(status), path, alsoFindIn: everything.data, keepSearch: true });
  return { status, tabs, collection };
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
