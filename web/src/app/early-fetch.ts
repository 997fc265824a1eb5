/**
 * The first requests of a ticket opened from a link (who is signed in, the ticket, its
 * conversation) leave as this module is evaluated. It is main.tsx's first import and imports
 * nothing, so they are on their way before the rest of the app's code runs (a few hundred
 * milliseconds on a slow machine) instead of after it. The API client takes each answer once,
 * for the same address (api/client.ts); app/early-start.ts asks for them.
 */
const answers = new Map<string, Promise<Response>>();

const TICKET_ADDRESS = /^\/agent\/(?:tickets|views\/[^/]+)\/([^/]+)\/?$/;

/** The ticket an address of the agent workspace opens, if any (here because this module imports nothing). */
export function ticketInAddress(pathname: string): string | null {
  const match = TICKET_ADDRESS.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // a malformed address: the router shows its not-found page
  }
}

const ticketKey = ticketInAddress(window.location.pathname);
if (ticketKey !== null) {
  const ticket = `/api/tickets/${encodeURIComponent(ticketKey)}`;
  for (const path of ["/api/me", ticket, `${ticket}/comments`]) {
    const answer = fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    answer.catch(() => {}); // a failure is reported to whoever takes the answer
    answers.set(path, answer);
  }
}

/** The answer to a GET of `path` already on its way, if any; each is given out once. */
export function takeEarlyAnswer(path: string): Promise<Response> | undefined {
  const answer = answers.get(path);
  answers.delete(path);
  return answer;
}
