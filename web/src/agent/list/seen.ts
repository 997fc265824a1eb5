/**
 * Which ticket versions this agent has looked at, kept in this browser: a row is "unread"
 * (bold) when its ticket changed since the agent last opened it, or when it is new and has never
 * been opened.
 */
const KEY = "tessera.agent.seen";
const MAX = 2000;

let cache: Record<string, string> | null = null;

function load(): Record<string, string> {
  if (cache) return cache;
  try {
    cache = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Record<string, string>;
  } catch {
    cache = {};
  }
  return cache;
}

export function markSeen(ticketId: number, updatedAt: string) {
  const seen = load();
  if (seen[ticketId] && seen[ticketId] >= updatedAt) return;
  seen[ticketId] = updatedAt;
  const ids = Object.keys(seen);
  // Forget the oldest when the list grows long; they fall back to "read unless new".
  if (ids.length > MAX) for (const id of ids.slice(0, ids.length - MAX)) delete seen[id];
  try {
    localStorage.setItem(KEY, JSON.stringify(seen));
  } catch {
    // Private mode or a full store: bold rows are a hint, not data.
  }
}

export function isUnread(t: { id: number; updated_at: string; status: { category: string } }): boolean {
  const seen = load()[t.id];
  if (!seen) return t.status.category === "new";
  return t.updated_at > seen;
}
