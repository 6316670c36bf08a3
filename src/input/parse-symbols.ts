import { UsageError } from '../errors.js';

/** Binance's symbol alphabet (the -1100 rule); anything else never reaches the exchange. */
const SYMBOL = /^[A-Z0-9\-_.]{1,20}$/;

/** `BTCUSDT`, `btcusdt` and `BTC/USDT` all name the same market; duplicates collapse. */
export function parseSymbols(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const symbol = trimmed.replace('/', '').toUpperCase();
    if (!SYMBOL.test(symbol)) {
      throw new UsageError(`--symbols: "${trimmed}" is not a valid symbol (letters, digits, "-", "_" and "." only, e.g. BTCUSDT or BTC/USDT)`);
    }
    if (!out.includes(symbol)) out.push(symbol);
  }
  if (out.length === 0) throw new UsageError('--symbols: no symbol given (e.g. --symbols BTCUSDT,ETHUSDT)');
  return out;
}
