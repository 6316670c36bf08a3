// Query-parameter validation with Binance's codes: -1102 missing, -1100 illegal characters,
// -1121 unknown symbol, -1120 bad interval, -1130 bad value, -1023 start > end.
import {
  NUMBER_RANGE, SYMBOL_RANGE, SYMBOLS_RANGE, illegalChars, invalidInterval, invalidParam, mandatoryParam, startAfterEnd,
} from './errors.ts';
import { isInterval, type Interval } from './intervals.ts';
import type { KlineQuery } from './kline-selection.ts';

export type Query = Record<string, string>;

const SYMBOL_RE = /^[A-Z0-9\-_.]{1,20}$/;
const SYMBOLS_RE = /^\[("[A-Z0-9\-_.]{1,20}"(,"[A-Z0-9\-_.]{1,20}")*)?\]$/;
const NUMBER_RE = /^[0-9]{1,20}$/;

/** A required symbol, syntactically valid (existence is checked by the caller). */
export function requireSymbol(q: Query): string {
  const s = q.symbol;
  if (s === undefined || s === '') throw mandatoryParam('symbol');
  if (!SYMBOL_RE.test(s)) throw illegalChars('symbol', SYMBOL_RANGE);
  return s;
}

export function optionalSymbol(q: Query): string | undefined {
  return q.symbol === undefined ? undefined : requireSymbol(q);
}

/** `symbols=["A","B"]` (URL-encoded JSON), syntactically valid. */
export function optionalSymbols(q: Query): string[] | undefined {
  const s = q.symbols;
  if (s === undefined) return undefined;
  if (!SYMBOLS_RE.test(s)) throw illegalChars('symbols', SYMBOLS_RANGE);
  return JSON.parse(s) as string[];
}

function optionalInteger(q: Query, name: string): number | undefined {
  const s = q[name];
  if (s === undefined) return undefined;
  if (!NUMBER_RE.test(s)) throw illegalChars(name, NUMBER_RANGE);
  return Number(s);
}

export interface KlineParams extends KlineQuery {
  symbol: string;
  interval: Interval;
}

/** Validates a klines query in Binance's order: symbol, interval, times, limit. */
export function klineParams(q: Query): KlineParams {
  const symbol = requireSymbol(q);
  const interval = q.interval;
  if (interval === undefined || interval === '') throw mandatoryParam('interval');
  if (!isInterval(interval)) throw invalidInterval();
  const startTime = optionalInteger(q, 'startTime');
  const endTime = optionalInteger(q, 'endTime');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) throw startAfterEnd();
  const limit = optionalInteger(q, 'limit') ?? 500;
  if (limit < 1 || limit > 1000) throw invalidParam('limit');
  const out: KlineParams = { symbol, interval, limit };
  if (startTime !== undefined) out.startTime = startTime;
  if (endTime !== undefined) out.endTime = endTime;
  return out;
}
