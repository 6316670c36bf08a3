import type { Candle } from '../domain.js';
import { candleColumns } from './candle-columns.js';
import { CandleCopyRowsBuilder, DIRECT_ROW_BYTES, fitsCompactRow, regularRow, type CandleCopyRows } from './candle-copy-rows.js';
import { numericBytes } from './copy-bytes.js';
import { EXACT_DIGITS, exactAtCommonScale, POW10 } from './exact-prices.js';

const DOT = 46;
const ZERO = 48;
/** Bytes a row takes at most besides its decimals' numerics: the field count, time and trades, three differences. */
const LINE_BYTES = DIRECT_ROW_BYTES + 3 * numericBytes(EXACT_DIGITS + 3);

/**
 * A REST page's candles as COPY rows (writer/candle-copy-rows.ts), so that it is stored as the archive's pages are:
 * one COPY straight into candle_data, the least work the database can do for them, where the page statement's
 * unnest of columns cost it about twice as much (writer/write-copy-rows.ts). The candles that do not surely fit the
 * compact row (an abnormal candle, a price of more than 15 digits) stay columns, for the page statement as before:
 * they need no staging table, so a role without TEMPORARY stores every REST page as it always did.
 *
 * Each candle's prices are read once as integers of their own scale (every Binance price has at most 15 digits,
 * which a double holds exactly) and their differences from open written as numerics of the larger scale
 * (writer/copy-bytes.ts scaled); the volumes, which the client checked are decimal strings, as numerics of their
 * own digits and scale.
 */
export function restCopyRows(seriesId: number, interval: string, candles: readonly Candle[]): CandleCopyRows {
  const rows = new CandleCopyRowsBuilder(seriesId, candles.length);
  const out = rows.direct;
  const others: Candle[] = [];
  // The span of all the candles, those kept as columns too (they come in order but for a page the exchange sent out of it).
  let first: number | null = null;
  let last = 0;
  for (const c of candles) {
    if (first === null || c.openTime < first) first = c.openTime;
    if (c.openTime > last) last = c.openTime;
    if (!read(c)) {
      // A price of more than 15 digits (none on Binance so far) takes the general way; a negative one (an abnormal
      // candle) the statement.
      if (unsigned(c) && regularRow(interval, c.openTime, c.closeTime, String(c.trades), c.open, c.high, c.low, c.close)) rows.pushDirect(c);
      else others.push(c);
      continue;
    }
    if (!fitsCompactRow(interval, c.openTime, c.closeTime, c.trades, scale[0]!, scale[1]!, scale[2]!, scale[3]!)) {
      others.push(c);
      continue;
    }
    out.ensure(LINE_BYTES + numericBytes(c.open.length) + numericBytes(c.volume.length) + numericBytes(c.quoteVolume.length) + numericBytes(c.takerBuyBaseVolume.length) + numericBytes(c.takerBuyQuoteVolume.length) + rows.lineEndBytes);
    rows.beginDirect();
    out.time(c.openTime);
    out.decimalText(c.open);
    for (let k = 1; k <= 3; k++) {
      const s = scale[k]!;
      out.scaled(value[k]! - value[0]! * POW10[s - scale[0]!]!, s);
    }
    out.decimalText(c.volume);
    out.decimalText(c.quoteVolume);
    out.int4(c.trades);
    out.decimalText(c.takerBuyBaseVolume);
    out.decimalText(c.takerBuyQuoteVolume);
    rows.endDirect(c.openTime);
  }
  const direct = rows.take();
  return { ...direct, count: candles.length, staged: candleColumns(others), span: first === null ? null : { first, last } };
}

const UNSIGNED = /^\d+(\.\d+)?$/;
const unsigned = (c: Candle): boolean => UNSIGNED.test(c.open) && UNSIGNED.test(c.high) && UNSIGNED.test(c.low) && UNSIGNED.test(c.close);

/** Open, high, low, close of the candle `read` last, as integers of their own scale, and those scales. */
const value = new Float64Array(4);
const scale = new Int32Array(4);
const digitCount = new Int32Array(4);

/**
 * Reads the four prices into `value` and `scale`. False when one is not plain digits with at most one dot, or when
 * one of them, scaled to the largest of the four scales, would not be an exact integer in a double: the page
 * statement then takes the candle.
 */
function read(c: Candle): boolean {
  return price(0, c.open) && price(1, c.high) && price(2, c.low) && price(3, c.close) && exactAtCommonScale(digitCount, scale);
}

function price(k: number, text: string): boolean {
  let v = 0;
  let digits = 0;
  let dot = -1;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d >= 0 && d <= 9) {
      v = v * 10 + d;
      digits++;
    } else if (d === DOT - ZERO && dot === -1) dot = digits;
    else return false;
  }
  if (digits === 0 || digits > EXACT_DIGITS || dot === 0 || dot === digits) return false;
  value[k] = v;
  digitCount[k] = digits;
  scale[k] = dot === -1 ? 0 : digits - dot;
  return true;
}
