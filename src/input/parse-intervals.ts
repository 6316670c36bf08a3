import { UsageError } from '../errors.js';
import { INTERVALS, isInterval } from '../planner/intervals.js';

/** A comma-separated list of Binance intervals. Case matters: `1m` is a minute, `1M` a month. */
export function parseIntervals(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const interval = raw.trim();
    if (interval === '') continue;
    if (!isInterval(interval)) {
      const hint = isInterval(interval.toLowerCase()) ? ` (did you mean ${interval.toLowerCase()}?)` : '';
      throw new UsageError(`--interval: "${interval}" is not a Binance interval${hint}; use one of ${INTERVALS.join(' ')}`);
    }
    if (!out.includes(interval)) out.push(interval);
  }
  if (out.length === 0) throw new UsageError('--interval: no interval given');
  return out;
}
