import type { Clock } from '../../src/clock.ts';

export interface ManualClock extends Clock {
  /** Every wait, in order. */
  readonly slept: number[];
  /** Moves the clock, as when a response arrives later. */
  set(t: number): void;
}

/** A clock that only moves when someone sleeps on it, or when the test sets it: limiter and retry timing without waiting. */
export function manualClock(start = 0): ManualClock {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    set: (t) => void (now = t),
  };
}
