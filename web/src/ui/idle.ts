/**
 * Runs `work` once the page has settled: a few seconds after it opened and when the browser is
 * idle. Code fetched ahead of need must not queue in front of the first screen's own requests
 * (a browser opens only six connections to one server). Returns a cancel function.
 */
export function whenSettled(work: () => void, afterMs = 4_000): () => void {
  let idle: number | undefined;
  const timer = setTimeout(() => {
    if ("requestIdleCallback" in window) idle = window.requestIdleCallback(work, { timeout: 3_000 });
    else work();
  }, afterMs);
  return () => {
    clearTimeout(timer);
    if (idle !== undefined) window.cancelIdleCallback(idle);
  };
}
