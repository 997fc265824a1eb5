/**
 * The first requests of a ticket opened from a link (who is signed in, the ticket, its
 * conversation) leave as this module is evaluated. It is main.tsx's first import and imports
 * nothing, so they are on their way before the rest of the app's code runs (a few hundred
 * milliseconds on a slow machine) instead of after it. The API client takes each answer once,
 * for the same address (api/client.ts); app/early-start.ts asks for them.
 */
const answers = new Map<string, Promise<Response>>();

// The ticket addresses of app/early-start.ts (which cannot be imported here: it imports the app).
const ticketAddress = /^\/agent\/(?:tickets|views\/[^/]+)\/([^/]+)\/?$/.exec(window.location.pathname);
if (ticketAddress) {
  try {
    const ticket = `/api/tickets/${encodeURIComponent(decodeURIComponent(ticketAddress[1]))}`;
    for (const path of ["/api/me", ticket, `${ticket}/comments`]) {
      const answer = fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      answer.catch(() => {}); // a failure is reported to whoever takes the answer
      answers.set(path, answer);
    }
  } catch {
    // a malformed address: the router shows its not-found page
  }
}

/** The answer to a GET of `path` already on its way, if any; each is given out once. */
export function takeEarlyAnswer(path: string): Promise<Response> | undefined {
  const answer = answers.get(path);
  answers.delete(path);
  return answer;
}
