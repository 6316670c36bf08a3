// Which open times may carry a candle for one symbol: after listing, before delisting, outside the
// symbol's halts and the exchange-wide outages. All windows are about candle OPEN times, half-open
// [from, to): a candle whose open time is inside a window does not exist.
import type { TimeWindow } from './types.ts';

export interface Availability {
  /** Earliest open time allowed (listing). */
  from: number;
  /** First open time NOT allowed (delisting), or Infinity. */
  until: number;
  /** Merged, sorted windows without candles. */
  gaps: TimeWindow[];
}

export function availabilityOf(listedAt: number, delistedAt: number | undefined, windows: TimeWindow[]): Availability {
  const sorted = windows.filter((w) => w.to > w.from).sort((a, b) => a.from - b.from);
  const gaps: TimeWindow[] = [];
  for (const w of sorted) {
    const last = gaps[gaps.length - 1];
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else gaps.push({ from: w.from, to: w.to });
  }
  return { from: listedAt, until: delistedAt ?? Infinity, gaps };
}

/** The gap containing open time t, if any (few gaps per symbol, so a linear scan is fine). */
export function gapAt(a: Availability, t: number): TimeWindow | undefined {
  for (const g of a.gaps) {
    if (t < g.from) return undefined;
    if (t < g.to) return g;
  }
  return undefined;
}

export function isAvailable(a: Availability, t: number): boolean {
  return t >= a.from && t < a.until && gapAt(a, t) === undefined;
}
