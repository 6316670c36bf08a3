// Interval grid maths for Binance kline intervals. Candles are keyed by open time; every generated
// open time lies on the grid defined here, and close time = next open − 1 (so 1M candles have
// 28–31 day lengths and a close time that is NOT open + a constant).

export const INTERVALS = [
  '1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M',
] as const;

export type Interval = (typeof INTERVALS)[number];

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Fixed lengths; '1M' is absent because calendar months vary. */
const FIXED_MS: Record<Exclude<Interval, '1M'>, number> = {
  '1s': SECOND, '1m': MINUTE, '3m': 3 * MINUTE, '5m': 5 * MINUTE, '15m': 15 * MINUTE, '30m': 30 * MINUTE,
  '1h': HOUR, '2h': 2 * HOUR, '4h': 4 * HOUR, '6h': 6 * HOUR, '8h': 8 * HOUR, '12h': 12 * HOUR,
  '1d': DAY, '3d': 3 * DAY, '1w': 7 * DAY,
};

/** 1970-01-01 was a Thursday, so the first Monday 00:00 UTC is 4 days after the epoch. */
const WEEK_OFFSET = 4 * DAY;

export function isInterval(s: string): s is Interval {
  return (INTERVALS as readonly string[]).includes(s);
}

/** Nominal length in ms (a 30-day month for '1M'); used for scaling values, not for the grid. */
export function nominalMs(interval: Interval): number {
  return interval === '1M' ? 30 * DAY : FIXED_MS[interval];
}

/** Grid offset from the epoch: weeks start on Monday; everything else (incl. 3d) on epoch multiples. */
function offsetOf(interval: Exclude<Interval, '1M'>): number {
  return interval === '1w' ? WEEK_OFFSET : 0;
}

/** The open time of the grid slot containing t (largest grid open ≤ t). */
export function floorOpen(interval: Interval, t: number): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const ms = FIXED_MS[interval];
  const off = offsetOf(interval);
  return Math.floor((t - off) / ms) * ms + off;
}

/** The smallest grid open ≥ t. */
export function ceilOpen(interval: Interval, t: number): number {
  const f = floorOpen(interval, t);
  return f === t ? f : nextOpen(interval, f);
}

/** The grid open following the grid open `open`. */
export function nextOpen(interval: Interval, open: number): number {
  if (interval === '1M') {
    const d = new Date(open);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return open + FIXED_MS[interval];
}

/** The grid open preceding the grid open `open`. */
export function prevOpen(interval: Interval, open: number): number {
  return floorOpen(interval, open - 1);
}

/** Close time of the candle opening at `open`: next open − 1 ms, as Binance reports it. */
export function closeTimeOf(interval: Interval, open: number): number {
  return nextOpen(interval, open) - 1;
}
