/**
 * A page's list of rows as every admin list shows it: a skeleton on first load, an error with
 * Try again, a sentence when there is nothing, the rows, and "show more" while the server has
 * another page. The outbox and the audit log use it; the rows themselves are the page's.
 */
import { Button, Group, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import classes from "./admin.module.css";

export interface PagedRowsQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

export function PagedRows<T>({ query, items, what, empty, moreLabel, children }: {
  query: PagedRowsQuery;
  items: T[];
  /** What the list holds, in words: "the outbox", "the audit log". */
  what: string;
  empty: ReactNode;
  moreLabel: string;
  /** One row (a RowLink) per item. */
  children: (item: T) => ReactNode;
}) {
  if (query.isPending) return <div style={{ padding: 12 }}><ListSkeleton label={`Loading ${what}`} /></div>;
  if (query.isError) {
    return (
      <div style={{ padding: 12 }}>
        <LoadError title={`${what.charAt(0).toUpperCase()}${what.slice(1)} could not be loaded`} error={query.error} onRetry={() => void query.refetch()} />
      </div>
    );
  }
  return (
    <>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed" p="md">
          {empty}
        </Text>
      ) : (
        <ul className={classes.rows}>{items.map(children)}</ul>
      )}
      {query.hasNextPage && (
        <Group justify="center" pb="md">
          <Button variant="subtle" size="xs" onClick={() => void query.fetchNextPage?.()} loading={query.isFetchingNextPage}>
            {moreLabel}
          </Button>
        </Group>
      )}
    </>
  );
}
