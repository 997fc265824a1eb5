import { useState } from "react";

/**
 * One request at a time from a button: `busy` while it runs, and what it threw goes to `fail`.
 * `run` resolves to whether the work succeeded, for what follows only then (closing a dialog).
 */
export function useBusy() {
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>, fail: (err: unknown) => void) => {
    setBusy(true);
    try {
      await work();
      return true;
    } catch (err) {
      fail(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
