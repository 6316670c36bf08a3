import type { Range } from '../domain.js';
import { addSlots, alignDown, alignUp, countSlots } from './intervals.js';

export interface RangeSummary {
  /** First missing (or empty) open time, ISO 8601 UTC. */
  readonly from: string;
  /** Last missing (or empty) open time, inclusive. */
  readonly to: string;
  /** How many candles the range spans. */
  readonly candles: number;
}

/**
 * A range as slots of the interval grid. Real history has candles cut short (2023-03-24 12:00 closed at
 * 12:39:41.646) and off-grid stretches, so a range's bounds are not always slot bounds: counting the grid slots
 * that open inside it gives the number of candles it stands for either way, and a sliver between two off-grid
 * candles counts zero.
 */
export function describeRange(interval: string, r: Range): RangeSummary {
  const first = alignUp(interval, r.from);
  const candles = countSlots(interval, first, r.to);
  const last = candles > 0 ? alignDown(interval, addSlots(interval, first, candles - 1)) : first;
  return { from: new Date(first).toISOString(), to: new Date(last).toISOString(), candles };
}
