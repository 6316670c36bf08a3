import { addSlots, alignUp } from '../planner/intervals.js';

/**
 * How far behind the clock a series may be. `auto`: until the candle after its newest collected one has closed,
 * plus the grace (time for the scheduled `forward` to collect it) — so a current `1d` series, up to a day "behind"
 * every evening, is never stale, and a `1m` one is stale once a closed minute has waited longer than the grace.
 * A number: that many seconds for every series, whatever its interval.
 */
export type MaxLag = { readonly kind: 'auto'; readonly graceSeconds: number } | { readonly kind: 'fixed'; readonly seconds: number };

/** The default grace of `auto`: an hourly `forward` (the examples' cron) and a quarter of an hour to spare. */
export const DEFAULT_GRACE_SECONDS = 75 * 60;

/**
 * The lag `series` may have, in seconds, given where it is collected up to (epoch ms: the close of its newest
 * candle, or its watermark). Calendar intervals (`1w` on Mondays, `1M` months of their own length) come from the
 * interval grid, not a fixed length.
 */
export function allowedLagSeconds(maxLag: MaxLag, interval: string, collectedUntil: number): number {
  if (maxLag.kind === 'fixed') return maxLag.seconds;
  const nextClose = addSlots(interval, alignUp(interval, collectedUntil), 1);
  return Math.round((nextClose - collectedUntil) / 1000) + maxLag.graceSeconds;
}
