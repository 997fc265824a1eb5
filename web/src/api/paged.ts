/** Lists the server gives a page at a time, each page after the cursor of the one before. */
import { keepPreviousData, useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/** The pages of one list; while other filters load, the pages of the last ones stay shown. */
export const usePagedList = <P extends { next_cursor?: string | null }>(queryKey: QueryKey, fetchPage: (after: string | undefined, signal: AbortSignal) => Promise<P>) =>
  useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
