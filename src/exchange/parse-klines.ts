import type { Candle } from '../domain.js';

/**
 * A decimal as Binance writes it ("16541.77000000"). A sign is accepted: a negative value is bad data to flag
 * (planner/validate-page.ts), not a broken response to retry.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

function decimal(row: unknown[], i: number): string {
  const v = row[i];
  if (typeof v !== 'string' || !DECIMAL.test(v)) throw new MalformedResponseError(`kline field ${i} is not a decimal string`);
  return v;
}

function integer(row: unknown[], i: number): number {
  const v = row[i];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new MalformedResponseError(`kline field ${i} is not an integer`);
  return v;
}

/** The 12-field kline rows of a /api/v3/klines body, checked field by field; decimals stay strings. */
export function parseKlines(body: unknown): Candle[] {
  if (!Array.isArray(body)) throw new MalformedResponseError('klines response is not an array');
  const out: Candle[] = new Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const row: unknown = body[i];
    if (!Array.isArray(row) || row.length < 11) throw new MalformedResponseError('kline is not a 12-field array');
    out[i] = {
      openTime: integer(row, 0),
      open: decimal(row, 1),
      high: decimal(row, 2),
      low: decimal(row, 3),
      close: decimal(row, 4),
      volume: decimal(row, 5),
      closeTime: integer(row, 6),
      quoteVolume: decimal(row, 7),
      trades: integer(row, 8),
      takerBuyBaseVolume: decimal(row, 9),
      takerBuyQuoteVolume: decimal(row, 10),
    };
  }
  return out;
}
