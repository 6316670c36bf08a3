/**
 * Interval maths for every Binance kline interval. Fixed-length intervals sit on a grid anchored at the epoch,
 * except weeks (Binance opens them on Monday 00:00 UTC) and months (`1M`, calendar months, variable length).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIXED_MS: Record<string, number> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** 1970-01-01 was a Thursday; Binance weeks open on Mondays, 4 days later. */
const WEEK_ANCHOR = 4 * DAY;

export const INTERVALS: readonly string[] = [...Object.keys(FIXED_MS), '1M'];

export function isInterval(value: string): boolean {
  return value === '1M' || Object.hasOwn(FIXED_MS, value);
}

function fixedMs(interval: string): number {
  const ms = FIXED_MS[interval];
  if (ms === undefined) throw new RangeError(`unknown interval ${interval}`);
  return ms;
}

function anchor(interval: string): number {
  return interval === '1w' ? WEEK_ANCHOR : 0;
}

/** The open time of the slot containing `t`. */
export function alignDown(interval: string, t: number): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const ms = fixedMs(interval);
  const a = anchor(interval);
  return Math.floor((t - a) / ms) * ms + a;
}

/** The first slot open time at or after `t`. */
export function alignUp(interval: string, t: number): number {
  const down = alignDown(interval, t);
  return down === t ? t : addSlots(interval, down, 1);
}

/** `t` moved by `n` slots (calendar months for `1M`, keeping the day-of-month offset). */
export function addSlots(interval: string, t: number, n: number): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + n,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    );
  }
  return t + n * fixedMs(interval);
}

/** How many slot open times `from, from+1 slot, …` fall in `[from, to)`. */
export function countSlots(interval: string, from: number, to: number): number {
  if (to <= from) return 0;
  if (interval !== '1M') return Math.ceil((to - from) / fixedMs(interval));
  let n = 0;
  for (let t = from; t < to; t = addSlots(interval, t, 1)) n++;
  return n;
}
