/**
 * Send and resolve from the composer, without a dialog: a reply becomes the resolution note as
 * it is. Only what the resolve still needs is asked for, inline above the send buttons: a root
 * cause where the ticket's type requires one (and it has none yet), and a resolution note for
 * the requester when what is being sent is an internal note.
 */
import { Alert, Button, Group, Stack } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";
import type { Ticket } from "@tessera/contracts";
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { rootCauseMissing } from "./resolve-rules.ts";
import { sendIntent } from "../shortcuts.tsx";
import { GrowingTextarea } from "../../ui/growing-textarea.tsx";

export interface ResolveInput {
  resolution_note: string;
  root_cause?: string;
}

export function useResolveAsk(ticket: Ticket, note: boolean) {
  const [asking, setAsking] = useState(false);
  const [cause, setCause] = useState("");
  const [resolutionNote, setResolutionNote] = useState("");
  const needsCause = rootCauseMissing(ticket);
  const ready = (!needsCause || !!cause.trim()) && (!note || !!resolutionNote.trim());
  return {
    asking,
    ready,
    needsCause,
    /** Shows the fields (the resolve waits until they are filled). */
    ask: () => setAsking(true),
    close: () => setAsking(false),
    /** What to resolve with, once sent: the reply itself, or the note written here for the requester. */
    input: (sentText: string): ResolveInput => ({ resolution_note: note ? resolutionNote.trim() : sentText, ...(needsCause ? { root_cause: cause.trim() } : {}) }),
    reset: () => {
      setAsking(false);
      setCause("");
      setResolutionNote("");
    },
    fields: { cause, setCause, resolutionNote, setResolutionNote },
  };
}

export type ResolveAsk = ReturnType<typeof useResolveAsk>;

/** The inline fields; Ctrl/Cmd+(Shift+)Enter in them resolves, Esc goes back to writing. */
export function ResolveAskFields({ ask, note, reference, onResolve, onCancel }: { ask: ResolveAsk; note: boolean; reference: string; onResolve: () => void; onCancel: () => void }) {
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (ask.asking) requestAnimationFrame(() => first.current?.focus());
  }, [ask.asking]);
  if (!ask.asking) return null;
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (sendIntent(e)) {
      e.preventDefault();
      onResolve();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };
  // The first field shown takes the focus.
  const field = (label: string, description: string, value: string, onChange: (v: string) => void, ref?: RefObject<HTMLTextAreaElement | null>) => (
    <GrowingTextarea ref={ref} size="xs" label={label} description={description} required lines={[2]} value={value} onChange={onChange} onKeyDown={onKeyDown} />
  );
  return (
    <Alert color="teal" variant="light" mt="xs" icon={<IconCircleCheck size={18} />} title={`To resolve ${reference}`} role="group" aria-label={`To resolve ${reference}`}>
      <Stack gap="xs">
        {note && field("Resolution note", "The requester sees this and is asked to confirm the fix; your internal note stays internal", ask.fields.resolutionNote, ask.fields.setResolutionNote, first)}
        {ask.needsCause && field("Root cause", "Required to resolve incidents and problems; seen by agents only", ask.fields.cause, ask.fields.setCause, note ? undefined : first)}
        <Group gap="xs">
          <Button size="xs" color="teal" disabled={!ask.ready} onClick={onResolve}>
            {note ? "Add note and resolve" : "Send and resolve"}
          </Button>
          <Button size="xs" variant="default" onClick={onCancel}>
            Not now
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
