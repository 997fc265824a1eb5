/**
 * One place that opens the dialogs for macros, snooze and the canned-reply and macro managers,
 * whoever asks: a shortcut in the list or the open ticket, the command palette, the composer's
 * `/` menu. The host is mounted once beside the list; the dialogs load on first use, so the
 * workspace's first screen does not carry them.
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { listenForReplyTools, type ReplyToolRequest } from "./reply-tool-requests.ts";

export { openReplyTool, type ReplyToolRequest } from "./reply-tool-requests.ts";

/** Also fetched once the workspace is idle, so that `m` and `z` open their dialog at once. */
export const loadReplyTools = () => import("./macro-tools-dialogs.tsx");
const ReplyToolDialog = lazy(loadReplyTools);
/** For an empty "My open tickets": the snoozed and unassigned counts, loaded with the dialogs. */
export const SnoozeInboxZero = lazy(() => loadReplyTools().then((m) => ({ default: m.SnoozeInboxZero })));

export function ReplyToolsHost() {
  const [request, setRequest] = useState<ReplyToolRequest | null>(null);
  useEffect(() => listenForReplyTools(setRequest), []);
  if (!request) return null;
  const close = () => setRequest(null);
  return (
    <Suspense fallback={null}>
      <ReplyToolDialog request={request} onClose={close} />
    </Suspense>
  );
}
