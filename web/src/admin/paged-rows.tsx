/**
 * A page's list of rows as every admin list shows it, with "show more" while the server has
 * another page. The outbox and the audit log use it; the rows themselves are the page's.
 */
import { Button, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { ListState, Rows } from "./scaffold/index.ts";

export interface PagedRowsQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

export function PagedRows<T>({
  query,
  items,
  what,
  empty,
  moreLabel,
  children,
}: {
  query: PagedRowsQuery;
  items: T[];
  /** What the list holds, in words: "the outbox", "the audit log". */
  what: string;
  empty: ReactNode;
  moreLabel: string;
  /** One row (a RowLink) per item. */
  children: (item: T) => ReactNode;
}) {
  if (query.isPending || query.isError) return <ListState query={query} what={what} />;
  return (
    <>
      <Rows items={items} empty={empty}>
        {children}
      </Rows>
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
