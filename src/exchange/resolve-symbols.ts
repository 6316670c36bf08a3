import { ExchangeError } from '../errors.js';
import type { BinanceClient, ExchangeSymbol } from './binance-client.js';

export interface ResolvedSymbols {
  readonly serverTime: number;
  readonly known: ReadonlyMap<string, ExchangeSymbol>;
  readonly unknown: readonly string[];
  /** Every symbol the exchange lists, when it had to be fetched to find the unknown ones (for suggestions). */
  readonly all: readonly string[];
}

/**
 * Checks symbols against exchangeInfo before any kline request, and reads the server clock and weight budget on
 * the way. One request for the listed symbols; only when one is unknown (-1121 for the whole request) the full
 * list is fetched to tell which.
 */
export async function resolveSymbols(client: BinanceClient, symbols: readonly string[]): Promise<ResolvedSymbols> {
  try {
    const info = await client.exchangeInfo(symbols.length > 0 ? symbols : undefined);
    const known = new Map(info.symbols.map((s) => [s.symbol, s]));
    return { serverTime: info.serverTime, known, unknown: symbols.filter((s) => !known.has(s)), all: [] };
  } catch (err) {
    if (!(err instanceof ExchangeError) || err.code !== 'invalid-symbol') throw err;
  }
  const info = await client.exchangeInfo();
  const all = new Map(info.symbols.map((s) => [s.symbol, s]));
  const known = new Map<string, ExchangeSymbol>();
  const unknown: string[] = [];
  for (const s of symbols) {
    const found = all.get(s);
    if (found) known.set(s, found);
    else unknown.push(s);
  }
  return { serverTime: info.serverTime, known, unknown, all: [...all.keys()] };
}
