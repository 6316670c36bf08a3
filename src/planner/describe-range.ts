import type { Range } from '../domain.js';
import { addSlots, countSlots } from './intervals.js';

export interface RangeSummary {
  /** First missing (or empty) open time, ISO 8601 UTC. */
  readonly from: string;
  /** Last missing (or empty) open time, inclusive. */
  readonly to: string;
  /** How many candles the range spans. */
  readonly candles: number;
}

export function describeRange(interval: string, r: Range): RangeSummary {
  const candles = countSlots(interval, r.from, r.to);
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(addSlots(interval, r.from, Math.max(0, candles - 1))).toISOString(),
    candles,
  };
}
