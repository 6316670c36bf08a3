import type { Candle, Range } from '../domain.js';

export interface PageResult {
  /** Closed candles inside the requested range, oldest first. */
  readonly candles: Candle[];
  /** Parts of the answered range the exchange has no candle for. */
  readonly empties: Range[];
  /** What is left of the requested range when the page came back full. */
  readonly rest: Range | null;
}

/**
 * What one klines answer for `[range.from, range.to)` tells us (`pageFull`: the exchange sent as many candles as
 * asked for, so it may hold more). Candles are keyed by open time and may be off the
 * interval grid or cut short, so holes are measured between one candle's close and the next one's open. A candle
 * not yet closed by the exchange's clock is never kept, and nothing at or after it is called empty.
 */
export function interpretPage(range: Range, page: readonly Candle[], serverTime: number, pageFull: boolean): PageResult {
  const candles: Candle[] = [];
  let answeredTo = range.to;
  for (const c of page) {
    if (c.openTime < range.from || c.openTime >= range.to) continue;
    if (c.closeTime >= serverTime) {
      answeredTo = Math.min(answeredTo, c.openTime);
      break;
    }
    candles.push(c);
  }
  let rest: Range | null = null;
  const last = candles[candles.length - 1];
  if (pageFull && last && answeredTo === range.to && last.closeTime + 1 < range.to) {
    // A full page whose last candle ends before the range does: the exchange may hold more after it (off-grid
    // history packs more than one candle per slot), so only up to it is answered and the rest is asked next.
    answeredTo = last.openTime + 1;
    rest = { from: answeredTo, to: range.to };
  }
  const empties: Range[] = [];
  let cursor = range.from;
  for (const c of candles) {
    if (c.openTime > cursor) empties.push({ from: cursor, to: c.openTime });
    cursor = Math.max(cursor, c.closeTime + 1, c.openTime + 1);
  }
  if (cursor < answeredTo) empties.push({ from: cursor, to: answeredTo });
  return { candles, empties, rest };
}
