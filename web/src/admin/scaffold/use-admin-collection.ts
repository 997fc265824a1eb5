/**
 * The data side of an admin list page: the list from the server, which item the address
 * picks (or the form for a new one), and how a create, save or delete updates the cached list
 * at once before the server's copy is fetched again.
 */
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useLocation, useParams } from "react-router";

/** What a list query gives the page; TanStack Query's result fits. */
export interface CollectionQuery<T> {
  data: T[] | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export interface AdminCollectionOptions<T> {
  query: CollectionQuery<T>;
  /** The cache key of the list, updated in place after a change. */
  queryKey: QueryKey;
  /** Where the page lives, such as "/admin/statuses"; items live at `${path}/${id}`. */
  path: string;
  /** What names an item in the address and the cache; its `id` by default. */
  idOf?: (item: T) => string | number;
  /** The address segment of the form for a new item. */
  newSlug?: string;
  /** The order the list keeps after an item is added. */
  order?: (a: T, b: T) => number;
  /** What else shows this data and must be fetched again after a change. */
  alsoRefresh?: QueryKey[];
  /** More items the address may pick, such as ones a filter hides from the list. */
  alsoFindIn?: T[];
  /** Links to items keep the page's filters (the query string). */
  keepSearch?: boolean;
  /** One item in words, "status": it names the list ("Status list") and what the editor pane says. */
  noun?: string;
  /** What the list holds, "statuses" ("{noun}s" by default): its loading and error words, and "All statuses" on an editor's link back to it on a phone. */
  what?: string;
  /** The words of that link when they are not "All {what}". */
  backLabel?: string;
}

const byId = (item: unknown) => (item as { id: string | number }).id;

/** The list order of most admin lists: by name, as a person would look one up. */
export const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

export function useAdminCollection<T>({
  query,
  queryKey,
  path,
  noun,
  what = noun && `${noun}s`,
  idOf = byId,
  newSlug = "new",
  order,
  alsoRefresh = [],
  alsoFindIn = [],
  keepSearch = false,
  backLabel = what && `All ${what}`,
}: AdminCollectionOptions<T>) {
  const client = useQueryClient();
  // Every list page's route names the picked item `itemId`.
  const picked = useParams().itemId;
  const search = useLocation().search;
  const items = query.data ?? [];
  const isNew = picked === newSlug;
  const pick = (i: T) => String(idOf(i)) === picked;
  const selected = picked && !isNew ? (items.find(pick) ?? alsoFindIn.find(pick)) : undefined;
  const refresh = () => {
    for (const key of [queryKey, ...alsoRefresh]) void client.invalidateQueries({ queryKey: key });
  };
  const change = (update: (all: T[]) => T[]) => {
    client.setQueryData<T[]>(queryKey, (all) => (all ? update(all) : all));
    refresh();
  };
  return {
    query,
    items,
    /** The address segment after the page's path, when there is one. */
    picked,
    isNew,
    selected,
    path,
    noun,
    what,
    newPath: `${path}/${newSlug}`,
    /** For an Editor: where its back link goes on a phone, and its words. */
    back: { backTo: path, backLabel },
    idOf,
    hrefOf: (item: T) => `${path}/${encodeURIComponent(String(idOf(item)))}${keepSearch ? search : ""}`,
    added: (item: T) => change((all) => (order ? [...all, item].sort(order) : [...all, item])),
    saved: (item: T) => change((all) => all.map((i) => (idOf(i) === idOf(item) ? item : i))),
    removed: (item: T) => change((all) => all.filter((i) => idOf(i) !== idOf(item))),
    refresh,
  };
}

export type AdminCollection<T> = ReturnType<typeof useAdminCollection<T>>;
