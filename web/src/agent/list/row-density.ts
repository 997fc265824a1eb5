/**
 * Comfortable rows show two lines (subject, then status, requester and assignee); compact rows
 * show one, about 32 px high, for agents who work long queues. The choice is the agent's own,
 * kept in this browser.
 */
import { useCallback, useState } from "react";

const KEY = "tessera.list.compact";

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

export function useCompactRows(): [boolean, (compact: boolean) => void] {
  const [compact, setCompact] = useState(stored);
  const choose = useCallback((next: boolean) => {
    setCompact(next);
    try {
      localStorage.setItem(KEY, next ? "1" : "0");
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  return [compact, choose];
}
