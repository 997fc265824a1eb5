import { useState } from "react";

/**
 * True from the first time `shown` is true. A dialog whose code loads on first use is mounted
 * then and stays mounted, so that its closing transition plays as before.
 */
export function useOpenedOnce(shown: boolean): boolean {
  const [once, setOnce] = useState(shown);
  if (shown && !once) setOnce(true);
  return once || shown;
}
