/**
 * Calls `fn` once the process has been running for about `ms`, counted in steps of `stepMs`, each step's timer set
 * when the last one fired. A stretch in which the process did not run (starved of CPU on a loaded host, or held by
 * one long synchronous step) counts as one step, not as its length, and between two steps the event loop reads what
 * arrived meanwhile: a plain timer would fire first and cut answers already waiting in their sockets. The timers do
 * not keep the process alive.
 */
export function afterRunning(ms: number, fn: () => void, stepMs = 100): void {
  let steps = Math.max(1, Math.ceil(ms / stepMs));
  const step = (): void => {
    steps--;
    if (steps <= 0) fn();
    else setTimeout(step, stepMs).unref();
  };
  setTimeout(step, stepMs).unref();
}
