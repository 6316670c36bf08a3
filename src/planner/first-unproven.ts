import type { Range } from '../domain.js';
import { subtractRanges } from './ranges.js';

/**
 * Where a series' watermark may move after a run: the first point of the run's missing ranges that no answer proved
 * (stored candles, or empty ranges the exchange vouched for), or the end of the run's span when it proved them all.
 * What lay outside the missing ranges was collected before the run began.
 */
export function firstUnproven(missing: readonly Range[], proven: readonly Range[], end: number): number {
  const left = subtractRanges(missing, proven);
  return Math.min(left[0]?.from ?? end, end);
}
