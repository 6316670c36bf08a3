import type { Candle } from '../domain.js';

/** A CSV row of an archive file is not a kline. */
export class BadRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRowError';
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

/**
 * A timestamp of an archive file in epoch ms. From 2025-01-01 spot files count microseconds (16 digits), before
 * milliseconds (13): told apart by length, converted by cutting digits (no float ever holds a µs count: 2^53 is
 * only 16 digits). An open time must be a whole millisecond; a close time of `…999` µs is the ms before it ends.
 */
function epochMs(field: string, what: string, open: boolean): number {
  if (!INTEGER.test(field)) throw new BadRowError(`${what} ${field} is not a whole number`);
  if (field.length <= 13) return Number(field);
  if (field.length !== 16) throw new BadRowError(`${what} ${field} is neither ms nor µs`);
  const ms = field.slice(0, 13);
  if (open && field.slice(13) !== '000') throw new BadRowError(`${what} ${field} is not a whole millisecond`);
  return Number(ms);
}

/** One row of the 12 kline fields, decimals kept as the strings they are (never parsed as floats). */
export function parseArchiveRow(line: string): Candle {
  const f = line.split(',');
  if (f.length !== 12) throw new BadRowError(`${f.length} fields, 12 expected: ${line.slice(0, 80)}`);
  for (const i of [1, 2, 3, 4, 5, 7, 9, 10]) if (!DECIMAL.test(f[i]!)) throw new BadRowError(`field ${i + 1} ${f[i]} is not a decimal`);
  if (!INTEGER.test(f[8]!)) throw new BadRowError(`trades ${f[8]} is not a whole number`);
  return {
    openTime: epochMs(f[0]!, 'open time', true),
    open: f[1]!,
    high: f[2]!,
    low: f[3]!,
    close: f[4]!,
    volume: f[5]!,
    closeTime: epochMs(f[6]!, 'close time', false),
    quoteVolume: f[7]!,
    trades: Number(f[8]),
    takerBuyBaseVolume: f[9]!,
    takerBuyQuoteVolume: f[10]!,
  };
}
