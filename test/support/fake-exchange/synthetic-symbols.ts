// A deterministic universe of N symbols for benchmarks and manual runs (main.ts --symbols N):
// a few well-known pairs first, then made-up ones, some BTC-quoted (tiny prices), staggered
// listing dates and a few delistings, so "top N by volume" and backfills behave like on Binance.
import { BINANCE_LAUNCH } from './default-symbols.ts';
import { hashString, unit } from './hash.ts';
import type { FakeSymbol } from './types.ts';

const DAY = 86_400_000;
const KNOWN: Array<[string, string, number]> = [
  ['BTC', 'USDT', BINANCE_LAUNCH],
  ['ETH', 'USDT', BINANCE_LAUNCH],
  ['BNB', 'USDT', Date.UTC(2017, 10, 6, 3)],
  ['SOL', 'USDT', Date.UTC(2020, 7, 11, 6)],
  ['XRP', 'USDT', Date.UTC(2019, 0, 4, 5)],
  ['ADA', 'BTC', Date.UTC(2017, 10, 30, 14)],
];

/** "AAA", "AAB", … as base asset names. */
function letters(i: number): string {
  let s = '';
  for (let k = 0; k < 3; k++) {
    s = String.fromCharCode(65 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return `X${s}`;
}

export function syntheticSymbols(n: number): FakeSymbol[] {
  const out: FakeSymbol[] = [];
  for (let i = 0; i < n; i++) {
    const known = KNOWN[i];
    if (known) {
      const [base, quote, listedAt] = known;
      out.push({ symbol: base + quote, baseAsset: base, quoteAsset: quote, listedAt });
      continue;
    }
    const base = letters(i);
    const quote = i % 5 === 0 ? 'BTC' : 'USDT';
    const seed = hashString(base + quote);
    const listedDay = Math.floor(unit(seed, 0, 1) * 2000);
    const s: FakeSymbol = { symbol: base + quote, baseAsset: base, quoteAsset: quote, listedAt: Date.UTC(2018, 0, 1) + listedDay * DAY };
    if (i % 17 === 0) s.delistedAt = s.listedAt + (200 + Math.floor(unit(seed, 0, 2) * 300)) * DAY;
    out.push(s);
  }
  return out;
}
