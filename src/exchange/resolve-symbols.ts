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
 * Beyond this many symbols the list is not put in the URL (a thousand of them make a URL no server takes: HTTP 431
 * or 414); the whole exchangeInfo is asked for instead, at the same weight.
 */
export const MAX_SYMBOLS_IN_URL = 100;

/**
 * Checks symbols against exchangeInfo before any kline request, and reads the server clock and weight budget on
 * the way. One request for the listed symbols (or for all, when they are many); only when one is unknown (-1121 for
 * the whole request) the full list is fetched to tell which.
 */
export async function resolveSymbols(client: BinanceClient, symbols: readonly string[]): Promise<ResolvedSymbols> {
  if (symbols.length <= MAX_SYMBOLS_IN_URL) {
    try {
      const info = await client.exchangeInfo(symbols.length > 0 ? symbols : undefined);
      const known = new Map(info.symbols.map((s) => [s.symbol, s]));
      return { serverTime: info.serverTime, known, unknown: symbols.filter((s) => !known.has(s)), all: [] };
    } catch (err) {
      if (!(err instanceof ExchangeError) || err.code !== 'invalid-symbol') throw err;
    }
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
