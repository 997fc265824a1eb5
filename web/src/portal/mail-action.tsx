/**
 * The resolution mail links to /requests/<REF>?action=confirm or ?action=reopen. Following the
 * link never acts by itself (a mail scanner may follow it too): the request page scrolls to
 * the "Did this fix it?" choice and marks the answer the person picked in the mail, which
 * still takes their click. When that choice is no longer open, the page says why.
 */
import { Alert } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import type { Ticket } from "@tessera/contracts";
import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router";
import classes from "./mail-action.module.css";

export type MailAction = "confirm" | "reopen";

/** The answer picked in the resolution mail, if the address carries one. */
export function useMailAction(): MailAction | undefined {
  const [params] = useSearchParams();
  const action = params.get("action");
  return action === "confirm" || action === "reopen" ? action : undefined;
}

/** Scrolls the choice into view once and focuses the control for the answer picked in the mail. */
export function useAskedChoice(asked: MailAction | undefined) {
  const box = useRef<HTMLElement>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const why = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!asked) return;
    box.current?.scrollIntoView({ block: "center" });
    (asked === "confirm" ? yes.current : why.current)?.focus({ preventScroll: true });
  }, [asked]);
  return { box, yes, why, className: asked ? classes.asked : undefined };
}

/** Why the link's choice is not offered: the request moved on, or it is someone else's. */
export function MailActionNotice({ ticket, asked, isRequester }: { ticket: Ticket; asked: MailAction | undefined; isRequester: boolean }) {
  // Answered on this page a moment ago: the page itself shows the result.
  const firstCategory = useRef(ticket.status.category);
  if (!asked || (firstCategory.current === "resolved" && isRequester)) return null;
  const category = ticket.status.category;
  let text: string;
  if (category === "resolved") text = `Only ${ticket.requester.name}, who made this request, can say whether it is fixed.`;
  else if (category === "closed" || category === "cancelled") text = "This request is already closed, so there is nothing more to confirm. If the problem is back, make a new request.";
  else text = "This request is open again and the support team is working on it, so there is nothing to confirm now. Reply below to add anything.";
  return (
    <Alert color="indigo" variant="light" icon={<IconInfoCircle size={18} />} role="status">
      {text}
    </Alert>
  );
}
