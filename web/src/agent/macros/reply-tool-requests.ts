/**
 * The requests for reply-tool dialogs (macros, snooze, the canned-reply and macro managers) and
 * the one listener that opens them: the host in macro-tools.tsx. Kept apart from the host so that
 * the lazily loaded dialogs can ask for one another without importing their own loader.
 */
export type ReplyToolRequest = { kind: "macro"; ticketKey: string; macroId?: number } | { kind: "snooze"; ticketKey: string } | { kind: "canned-manager" } | { kind: "macro-manager" };

const listeners = new Set<(r: ReplyToolRequest) => void>();

/** Opens a dialog; nothing happens where the workspace's list is not on screen. */
export function openReplyTool(request: ReplyToolRequest) {
  for (const fn of listeners) fn(request);
}

/** Subscribes the host; returns the unsubscribe for a React effect. */
export function listenForReplyTools(fn: (r: ReplyToolRequest) => void): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}
