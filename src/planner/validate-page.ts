import type { Candle, Range } from '../domain.js';
import { compareDecimal } from './compare-decimal.js';

/** The data-quality rules every candle is checked against before it is stored. */
export type QualityRule =
  | 'price-range' // low ≤ min(open, close) ≤ max(open, close) ≤ high
  | 'negative-volume' // volume, quote volume and taker volumes ≥ 0
  | 'negative-trades'
  | 'close-before-open' // close_time > open_time
  | 'outside-range' // no open time before the requested range (pages are asked from a start time)
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

// A decimal string (`-?digits[.digits]`: exchange/parse-klines.ts) is below zero only if it has a sign, which is rare:
// the comparison runs for those alone ("-0.00" is not below zero).
const neg = (v: string): boolean => v.charCodeAt(0) === 45 && compareDecimal(v, '0') < 0;

/** The volume columns that may not be negative, by their stored names. */
const VOLUMES: ReadonlyArray<readonly [string, (c: Candle) => string]> = [
  ['volume', (c) => c.volume],
  ['quote_volume', (c) => c.quoteVolume],
  ['taker_buy_base_volume', (c) => c.takerBuyBaseVolume],
  ['taker_buy_quote_volume', (c) => c.takerBuyQuoteVolume],
];

/** "volume -1.00000000, …" for the volumes below zero; '' (and no allocation) when there are none. */
function negativeVolumes(c: Candle): string {
  let detail = '';
  for (const [name, pick] of VOLUMES) {
    const v = pick(c);
    if (neg(v)) detail += `${detail === '' ? '' : ', '}${name} ${v}`;
  }
  return detail;
}

/**
 * Checks one page. A candle that breaks a value rule is still what the exchange has, so it is stored and flagged
 * (status reports it); a candle before the requested range or repeating an open time is not stored from this page.
 * Candles at or after the range's end are expected (a page is asked with a start time only, so the answer runs on)
 * and are left to the page after it. Runs for every candle stored, so the common path allocates nothing but the
 * output array.
 */
export function validatePage(range: Range, page: readonly Candle[]): ValidatedPage {
  const candles: Candle[] = [];
  const findings: QualityFinding[] = [];
  const flag = (c: Candle, rule: QualityRule, detail: string): void => void findings.push({ openTime: c.openTime, rule, detail });
  let lastOpen = -Infinity;
  for (const c of page) {
    if (c.openTime >= range.to) continue;
    if (c.openTime < range.from) {
      flag(c, 'outside-range', `open time before the requested start ${new Date(range.from).toISOString()}`);
      continue;
    }
    // Pages come oldest first, so only a candle that is not newer than the last kept one can repeat an open time.
    if (c.openTime <= lastOpen && candles.some((k) => k.openTime === c.openTime)) {
      flag(c, 'duplicate-open-time', 'the page repeats this open time; the first candle was kept');
      continue;
    }
    lastOpen = Math.max(lastOpen, c.openTime);
    checkCandleValues(c, findings);
    candles.push(c);
  }
  return { candles, findings };
}

/**
 * The value rules of one candle (price range, volumes, trades, close time), its findings added to `findings`: for
 * a source that checks order and range itself as it reads (the archive) and keeps no page of candles.
 */
export function checkCandleValues(c: Candle, findings: QualityFinding[]): void {
  const flag = (rule: QualityRule, detail: string): void => void findings.push({ openTime: c.openTime, rule, detail });
  const lo = compareDecimal(c.open, c.close) <= 0 ? c.open : c.close;
  const hi = lo === c.open ? c.close : c.open;
  if (compareDecimal(c.low, lo) > 0 || compareDecimal(hi, c.high) > 0 || compareDecimal(c.low, c.high) > 0) {
    flag('price-range', `low ${c.low} open ${c.open} close ${c.close} high ${c.high}`);
  }
  const negative = negativeVolumes(c);
  if (negative !== '') flag('negative-volume', negative);
  if (c.trades < 0) flag('negative-trades', `trades ${c.trades}`);
  if (c.closeTime <= c.openTime) flag('close-before-open', `close time ${new Date(c.closeTime).toISOString()}`);
}
