/**
 * An action asked first in a ConfirmDialog: `ask` opens the dialog (about `subject`, such as the
 * member to remove), confirming runs the action, and the dialog closes once it is done. Closing
 * it forgets a failed attempt's error. Spread `dialog` onto the ConfirmDialog.
 */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

export function useConfirmedAction<R, S = true>(run: (subject: S) => Promise<R>, onDone?: (result: R, subject: S) => void) {
  const [subject, setSubject] = useState<S | null>(null);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: (result, asked) => {
      setSubject(null);
      onDone?.(result, asked);
    },
  });
  return {
    /** What the open dialog asks about; null while it is closed. */
    subject,
    ask: (about: S = true as S) => setSubject(about),
    mutation,
    dialog: {
      opened: subject !== null,
      onClose: () => {
        setSubject(null);
        mutation.reset();
      },
      onConfirm: () => {
        if (subject !== null) mutation.mutate(subject);
      },
      busy: mutation.isPending,
      error: mutation.error,
    },
  };
}

/** The props `useConfirmedAction` gives a ConfirmDialog. */
export type ConfirmedDialog = ReturnType<typeof useConfirmedAction>["dialog"];
