/** Time and waiting, injected so the limiter and retry code can be tested without a real clock. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The longest delay `setTimeout` takes (2³¹ − 1 ms, about 24.8 days). A longer one fires after 1 ms, with a
 * TimeoutOverflowWarning: a wait loop fed a huge Retry-After would spin printing warnings.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      // NaN and negatives wait nothing; Infinity waits until aborted.
      let left = ms > 0 ? ms : 0;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const step = (): void => {
        const chunk = Math.min(left, MAX_TIMER_MS);
        left -= chunk;
        timer = setTimeout(() => {
          if (left > 0) return step();
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, chunk);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      step();
    }),
};
