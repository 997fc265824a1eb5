/**
 * A page's list of rows as every admin list shows it, with "show more" while the server has
 * another page. The outbox and the audit log use it; the rows themselves are the page's. Loading
 * and errors are the collection page's (AdminCollectionPage shows them before the list).
 */
import { Button, Group } from "@mantine/core";
import type { ReactNode } from "react";
import { Rows } from "./scaffold/index.ts";

export interface PagedRowsQuery {
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

export function PagedRows<T>({
  query,
  items,
  empty,
  moreLabel,
  children,
}: {
  query: PagedRowsQuery;
  items: T[];
  empty: ReactNode;
  moreLabel: string;
  /** One row (a RowLink) per item. */
  children: (item: T) => ReactNode;
}) {
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
