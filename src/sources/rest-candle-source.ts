import type { CandleSource } from '../collect/candle-source.js';
import { preparePage } from '../collect/prepare-page.js';
import { KLINES_PAGE_LIMIT, WEIGHT, type BinanceClient } from '../exchange/binance-client.js';
import { countSlots } from '../planner/intervals.js';
import { PageCursor } from '../planner/page-cursor.js';

/** Pages a run claims at most at once of a series it shares with other runs (collect/claimed-work.ts). */
export const CLAIM_PAGES = 256;

/**
 * The exchange's REST klines endpoint as a candle source: pages of KLINES_PAGE_LIMIT candles asked with `startTime`
 * only, through the client's weight limiter and retries. It speaks for the exchange, so what its answers show empty
 * (bounded by a later candle, and seen so twice) is exchange-empty.
 */
export function restCandleSource(client: BinanceClient): CandleSource {
  return {
    name: 'rest',
    emptyAnswers: 'exchange-empty',
    pageWeight: WEIGHT.klines,
    planPages: (interval, missing) => new PageCursor(interval, missing, KLINES_PAGE_LIMIT),
    claims: { pageSlots: KLINES_PAGE_LIMIT, maxPages: CLAIM_PAGES },
    countPages: (interval, missing) => missing.reduce((n, r) => n + Math.ceil(countSlots(interval, r.from, r.to) / KLINES_PAGE_LIMIT), 0),
    fetchPage: (series, range, exact = false) => {
      // A range cut short by another run's claim after it: asking for its slots only keeps that run's candles out
      // of this answer (they would be fetched twice). The range lies in the past, so its last candle is final by the
      // answer's own time.
      const limit = exact ? Math.max(1, Math.min(KLINES_PAGE_LIMIT, countSlots(series.interval, range.from, range.to))) : KLINES_PAGE_LIMIT;
      return client.klinesFrom(series.symbol, series.interval, range.from, (candles, answerTime) => preparePage(series, range, candles, answerTime, limit), limit);
    },
    // One candle's page costs the same weight as a full one, and is quicker to answer.
    firstOpenFrom: (series, from) => client.klinesFrom(series.symbol, series.interval, from, (candles) => candles[0]?.openTime ?? null, 1),
  };
}
