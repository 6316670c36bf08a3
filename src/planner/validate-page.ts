import type { Candle, Range } from '../domain.js';
import { compareDecimal } from './compare-decimal.js';

/** The data-quality rules every candle is checked against before it is stored. */
export type QualityRule =
  | 'price-range' // low ≤ min(open, close) ≤ max(open, close) ≤ high
  | 'negative-volume' // volume, quote volume and taker volumes ≥ 0
  | 'negative-trades'
  | 'close-before-open' // close_time > open_time
  | 'outside-range' // open time inside the requested range
  | 'duplicate-open-time'; // no two candles of one page share an open time

export interface QualityFinding {
  readonly openTime: number;
  readonly rule: QualityRule;
  readonly detail: string;
}

export interface ValidatedPage {
  /** Candles to store: everything inside the range, first of each open time; flagged ones included. */
  readonly candles: Candle[];
  readonly findings: QualityFinding[];
}

const neg = (v: string): boolean => compareDecimal(v, '0') < 0;

/**
 * Checks one page. A candle that breaks a value rule is still what the exchange has, so it is stored and flagged
 * (status reports it); a candle outside the requested range or repeating an open time is not stored from this page.
 */
export function validatePage(range: Range, page: readonly Candle[]): ValidatedPage {
  const candles: Candle[] = [];
  const findings: QualityFinding[] = [];
  const seen = new Set<number>();
  for (const c of page) {
    const flag = (rule: QualityRule, detail: string): void => void findings.push({ openTime: c.openTime, rule, detail });
    if (c.openTime < range.from || c.openTime >= range.to) {
      flag('outside-range', `open time outside the requested [${new Date(range.from).toISOString()}, ${new Date(range.to).toISOString()})`);
      continue;
    }
    if (seen.has(c.openTime)) {
      flag('duplicate-open-time', 'the page repeats this open time; the first candle was kept');
      continue;
    }
    seen.add(c.openTime);
    const lo = compareDecimal(c.open, c.close) <= 0 ? c.open : c.close;
    const hi = lo === c.open ? c.close : c.open;
    if (compareDecimal(c.low, lo) > 0 || compareDecimal(hi, c.high) > 0 || compareDecimal(c.low, c.high) > 0) {
      flag('price-range', `low ${c.low} open ${c.open} close ${c.close} high ${c.high}`);
    }
    const volumes = { volume: c.volume, quote_volume: c.quoteVolume, taker_buy_base_volume: c.takerBuyBaseVolume, taker_buy_quote_volume: c.takerBuyQuoteVolume };
    const negative = Object.entries(volumes).filter(([, v]) => neg(v));
    if (negative.length > 0) flag('negative-volume', negative.map(([k, v]) => `${k} ${v}`).join(', '));
    if (c.trades < 0) flag('negative-trades', `trades ${c.trades}`);
    if (c.closeTime <= c.openTime) flag('close-before-open', `close time ${new Date(c.closeTime).toISOString()}`);
    candles.push(c);
  }
  return { candles, findings };
}
