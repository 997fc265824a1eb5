/**
 * "Send and next": after sending, open the next ticket of the view the agent is working
 * through, in the order the list shows it. The pane does not own the list, so it reads the
 * rows from the list's query in the TanStack Query cache. Whether Ctrl/Cmd+Enter does this by
 * default is the agent's own choice, kept in this browser per agent (like the row density).
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { TicketSummary } from "@tessera/contracts";
import { useCallback, useState } from "react";
import { agentKeys } from "../api/agent-queries.ts";

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

/**
 * The ticket after `reference` in the list on screen, or null at the end of it. A ticket opened
 * from a link (not in the list) is followed by the list's first row.
 */
export function nextInView(client: QueryClient, reference: string): TicketSummary | null {
  const lists = mountedLists(client);
  const rows = lists.find((l) => l.some((t) => t.reference === reference)) ?? lists[0] ?? [];
  const at = rows.findIndex((t) => t.reference === reference);
  return rows.slice(at + 1).find((t) => t.reference !== reference) ?? null;
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
