/**
 * The dialogs macro-tools.tsx opens, and what an empty "My open tickets" shows, in one module
 * so that they load together, once, after the first screen.
 */
import { CannedManager, MacroManager } from "../canned/library-managers.tsx";
import { MacroDialog } from "./macro-dialog.tsx";
import type { ReplyToolRequest } from "./reply-tool-requests.ts";
import { SnoozeDialog } from "../snooze/snooze-dialog.tsx";

export { SnoozeInboxZero } from "../snooze/snooze-inbox-zero.tsx";

export default function ReplyToolDialog({ request, onClose }: { request: ReplyToolRequest; onClose: () => void }) {
  switch (request.kind) {
    case "macro":
      return <MacroDialog key={`${request.ticketKey}-${request.macroId ?? ""}`} ticketKey={request.ticketKey} macroId={request.macroId} onClose={onClose} />;
    case "snooze":
      return <SnoozeDialog key={request.ticketKey} ticketKey={request.ticketKey} onClose={onClose} />;
    case "canned-manager":
      return <CannedManager onClose={onClose} />;
    case "macro-manager":
      return <MacroManager onClose={onClose} />;
  }
}
