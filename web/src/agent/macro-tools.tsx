/**
 * One place that opens the dialogs for macros, snooze and the canned-reply and macro managers,
 * whoever asks: a shortcut in the list or the open ticket, the command palette, the composer's
 * `/` menu. The host is mounted once beside the list; the dialogs load on first use, so the
 * workspace's first screen does not carry them.
 */
import { lazy, Suspense, useEffect, useState } from "react";

export type ReplyToolRequest =
  | { kind: "macro"; ticketKey: string; macroId?: number }
  | { kind: "snooze"; ticketKey: string }
  | { kind: "canned-manager" }
  | { kind: "macro-manager" };

const listeners = new Set<(r: ReplyToolRequest) => void>();

/** Opens a dialog; nothing happens where the workspace's list is not on screen. */
export function openReplyTool(request: ReplyToolRequest) {
  for (const fn of listeners) fn(request);
}

/** Also fetched once the workspace is idle, so that `m` and `z` open their dialog at once. */
export const loadReplyTools = () => import("./macro-tools-dialogs.tsx");
const ReplyToolDialog = lazy(loadReplyTools);
/** For an empty "My open tickets": the snoozed and unassigned counts, loaded with the dialogs. */
export const SnoozeInboxZero = lazy(() => loadReplyTools().then((m) => ({ default: m.SnoozeInboxZero })));

export function ReplyToolsHost() {
  const [request, setRequest] = useState<ReplyToolRequest | null>(null);
  useEffect(() => {
    listeners.add(setRequest);
    return () => {
      listeners.delete(setRequest);
    };
  }, []);
  if (!request) return null;
  const close = () => setRequest(null);
  return (
    <Suspense fallback={null}>
      <ReplyToolDialog request={request} onClose={close} />
    </Suspense>
  );
}
