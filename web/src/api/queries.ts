/** TanStack Query hooks over the endpoints: one key per resource, shared by every page. */
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { Me, Ticket } from "@tessera/contracts";
import { ApiError } from "./client.ts";
import { fetchCategories, fetchComments, fetchCustomFields, fetchMe, fetchTicket, fetchTickets, type TicketListParams } from "./endpoints.ts";

export const keys = {
  me: ["me"] as const,
  categories: ["categories"] as const,
  customFields: ["custom-fields"] as const,
  tickets: (params: TicketListParams) => ["tickets", params] as const,
  allTickets: ["tickets"] as const,
  ticket: (key: string) => ["ticket", key] as const,
  comments: (key: string) => ["comments", key] as const,
};

/** Retries only what may succeed on a second try: network failures and server errors. */
export function shouldRetry(failures: number, err: unknown) {
  if (err instanceof ApiError && err.status > 0 && err.status < 500) return false;
  return failures < 2;
}

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 5 * 60_000 });

/** The signed-in user, for pages that are only shown to signed-in people. */
export function useSignedInUser(): Me {
  const me = useQueryClient().getQueryData<Me | null>(keys.me);
  if (!me) throw new Error("useSignedInUser outside a signed-in page");
  return me;
}

export const useCategories = () => useQuery({ queryKey: keys.categories, queryFn: fetchCategories, staleTime: 5 * 60_000 });
export const useCustomFields = () => useQuery({ queryKey: keys.customFields, queryFn: fetchCustomFields, staleTime: 5 * 60_000 });

export const useTicketList = (params: TicketListParams, opts: { enabled?: boolean } = {}) =>
  useQuery({
    queryKey: keys.tickets(params),
    queryFn: ({ signal }) => fetchTickets(params, signal),
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });

export const usePagedTickets = (params: TicketListParams) =>
  useInfiniteQuery({
    queryKey: [...keys.tickets(params), "pages"],
    queryFn: ({ pageParam, signal }) => fetchTickets({ ...params, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });

/** A request page polls gently so an agent's reply shows up without a reload. */
const LIVE = 30_000;

export const useTicket = (key: string) => useQuery({ queryKey: keys.ticket(key), queryFn: () => fetchTicket(key), refetchInterval: LIVE });
export const useComments = (key: string) => useQuery({ queryKey: keys.comments(key), queryFn: () => fetchComments(key), refetchInterval: LIVE });

/** After a change to one ticket: store the fresh copy and refresh the lists that show it. */
export function storeTicket(client: QueryClient, key: string, ticket: Ticket) {
  client.setQueryData(keys.ticket(key), ticket);
  void client.invalidateQueries({ queryKey: keys.allTickets });
  void client.invalidateQueries({ queryKey: keys.comments(key) });
}
