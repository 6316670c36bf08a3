import type { Range } from '../domain.js';
import { clipRanges, normalizeRanges, subtractRanges } from './ranges.js';
import { FOREVER, type SeriesCoverage } from './series-coverage.js';

/**
 * The point up to which a series has been collected: its newest candle, its newest exchange-empty answer, or its
 * watermark, whichever is furthest — so rows deleted at the newest end are gaps too, not a shorter series.
 */
export function collectedEnd(cov: SeriesCoverage): number {
  let end = Math.max(cov.startTime, cov.candlesEnd ?? cov.startTime, cov.watermark);
  for (const e of cov.empties) end = Math.max(end, e.to);
  return end;
}

/** Everything from the series start onwards that holds neither a stored candle nor an exchange-empty answer. */
export function uncollected(cov: SeriesCoverage): Range[] {
  const notCandles: Range[] =
    cov.firstOpen === null || cov.candlesEnd === null
      ? [{ from: cov.startTime, to: FOREVER }]
      : [{ from: cov.startTime, to: cov.firstOpen }, ...cov.holes, { from: cov.candlesEnd, to: FOREVER }];
  return subtractRanges(clipRanges(notCandles, { from: cov.startTime, to: FOREVER }), cov.empties);
}

export interface GapReport {
  /** Never-collected ranges before the collected end: these are what `gaps --fill` fetches. */
  readonly gaps: Range[];
  /** Ranges the exchange itself has no candles for, within the collected span. */
  readonly exchangeEmpty: Range[];
  readonly collectedEnd: number;
}

export function detectGaps(cov: SeriesCoverage): GapReport {
  const end = collectedEnd(cov);
  const span = { from: cov.startTime, to: end };
  return {
    gaps: clipRanges(uncollected(cov), span),
    exchangeEmpty: clipRanges(normalizeRanges(cov.empties), span),
    collectedEnd: end,
  };
}

/** What a backfill over `window` must fetch: every uncollected part of it. */
export function missingWithin(cov: SeriesCoverage, window: Range): Range[] {
  return clipRanges(uncollected(cov), window);
}
