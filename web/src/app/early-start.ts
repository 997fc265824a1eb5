/**
 * A ticket opened from a link or a notification: its data and the code that shows it start
 * loading with the page, side by side, instead of one after another as each screen mounts
 * (the workspace, then the list, then the ticket pane, then the ticket). The queries land in
 * the cache under the keys the ticket pane reads, so it renders from them at once.
 */
import type { QueryClient } from "@tanstack/react-query";
import { fetchComments, fetchMe, fetchTicket } from "../api/endpoints.ts";
import { keys } from "../api/queries.ts";
import { ticketInAddress } from "./early-fetch.ts";
import { LAST_VIEW } from "./last-view.ts";

const TICKET_LINK = /^\/agent\/tickets\/([^/]+)\/?$/;

/**
 * A ticket's link (/agent/tickets/<REF>) opens beside the view used last: the address is
 * rewritten before the router starts, so that the first screen is that view with the ticket
 * rather than a redirect followed by a second render of the workspace.
 */
export function openTicketLinkInView() {
  const match = TICKET_LINK.exec(window.location.pathname);
  if (!match) return;
  const view = sessionStorage.getItem(LAST_VIEW) ?? "mine";
  window.history.replaceState(window.history.state, "", `/agent/views/${encodeURIComponent(view)}/${match[1]}`);
}

export function startTicketEarly(client: QueryClient, pathname: string) {
  const ticketKey = ticketInAddress(pathname);
  if (ticketKey === null) return;
  void client.prefetchQuery({ queryKey: keys.me, queryFn: fetchMe });
  void client.prefetchQuery({ queryKey: keys.ticket(ticketKey), queryFn: () => fetchTicket(ticketKey) });
  void client.prefetchQuery({ queryKey: keys.comments(ticketKey), queryFn: () => fetchComments(ticketKey) });
  // The history as soon as its small client module is there, so that it arrives before the
  // conversation is first drawn rather than redrawing it.
  void Promise.all([import("../api/agent.ts"), import("../api/agent-queries.ts")])
    .then(([{ fetchEvents }, { agentKeys }]) => client.prefetchQuery({ queryKey: agentKeys.events(ticketKey), queryFn: () => fetchEvents(ticketKey) }))
    .catch(() => {});
  // The router loads the same code again and shows its own error if it fails.
  void Promise.all([import("../agent/index.ts"), import("../agent/ticket/ticket-pane.tsx")]).catch(() => {});
}
