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

const MacroDialog = lazy(() => import("./macro-dialog.tsx").then((m) => ({ default: m.MacroDialog })));
const SnoozeDialog = lazy(() => import("./snooze-dialog.tsx").then((m) => ({ default: m.SnoozeDialog })));
const CannedManager = lazy(() => import("./canned-manager.tsx").then((m) => ({ default: m.CannedManager })));
const MacroManager = lazy(() => import("./macro-manager.tsx").then((m) => ({ default: m.MacroManager })));

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
      {request.kind === "macro" && <MacroDialog key={`${request.ticketKey}-${request.macroId ?? ""}`} ticketKey={request.ticketKey} macroId={request.macroId} onClose={close} />}
      {request.kind === "snooze" && <SnoozeDialog key={request.ticketKey} ticketKey={request.ticketKey} onClose={close} />}
      {request.kind === "canned-manager" && <CannedManager onClose={close} />}
      {request.kind === "macro-manager" && <MacroManager onClose={close} />}
    </Suspense>
  );
}
