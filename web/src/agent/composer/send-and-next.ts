/**
 * "Send and next": after sending, open the next ticket of the view the agent is working
 * through, in the order the list shows it. The pane does not own the list, so it reads the
 * rows from the list's query in the TanStack Query cache. Whether Ctrl/Cmd+Enter does this by
 * default is the agent's own choice, kept in this browser per agent (like the row density).
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { TicketSummary } from "@tessera/contracts";
import { useCallback, useState } from "react";
import { agentKeys } from "../../api/agent-queries.ts";

/** What happens once a message is posted: stay on the ticket, open the next, or resolve and open the next. */
export type AfterSend = "stay" | "next" | "resolve";

type ListPages = InfiniteData<{ items: TicketSummary[] }>;

/** The rows of each mounted ticket list, in their on-screen order. */
function mountedLists(client: QueryClient): TicketSummary[][] {
  return client
    .getQueryCache()
    .findAll({ queryKey: agentKeys.lists, type: "active" })
    .map((q) => (q.state.data as ListPages | undefined)?.pages.flatMap((p) => p.items) ?? []);
}

/** The rows of the list on screen that holds ticket `id` (else the first list), in order. */
export function viewOrder(client: QueryClient, id: number): TicketSummary[] {
  const lists = mountedLists(client);
  return lists.find((l) => l.some((t) => t.id === id)) ?? lists[0] ?? [];
}

/**
 * The ticket after `id` in the list on screen, or null at the end of it. `earlier` is the
 * order when the send began: if the ticket has left the list since (resolved, and the list
 * refreshed), the next is the first ticket after it then that is still listed now. A ticket
 * opened from a link (never in the list) is followed by the list's first row.
 */
export function nextInView(client: QueryClient, id: number, earlier: TicketSummary[] = []): TicketSummary | null {
  const now = viewOrder(client, id);
  const after = (rows: TicketSummary[]) => rows.slice(rows.findIndex((t) => t.id === id) + 1).filter((t) => t.id !== id);
  if (now.some((t) => t.id === id) || !earlier.some((t) => t.id === id)) return after(now)[0] ?? null;
  const listed = new Set(now.map((t) => t.id));
  const candidates = after(earlier);
  return (now.length ? candidates.find((t) => listed.has(t.id)) : candidates[0]) ?? null;
}

/** The address of `reference` opened beside the view that `viewHref` (with its filters) shows. */
export function ticketInViewHref(viewHref: string, reference: string): string {
  const [path, query] = viewHref.split("?");
  return `${path.replace(/\/$/, "")}/${encodeURIComponent(reference)}${query ? `?${query}` : ""}`;
}

const prefKey = (userId: number) => `tessera.agent.send-and-next.${userId}`;

function storedChoice(userId: number): boolean {
  try {
    return localStorage.getItem(prefKey(userId)) === "1";
  } catch {
    return false;
  }
}

/** The agent's default for Ctrl/Cmd+Enter and the Send button: true opens the next ticket after sending. */
export function useSendAndNext(userId: number): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => storedChoice(userId));
  const choose = useCallback(
    (next: boolean) => {
      setOn(next);
      try {
        localStorage.setItem(prefKey(userId), next ? "1" : "0");
      } catch {
        // private mode: the choice lasts for this page only
      }
    },
    [userId],
  );
  return [on, choose];
}
