/**
 * Assets pegged to a fiat currency (USD unless named). A pair of two of them (USDCUSDT, FDUSDUSDT) trades near a
 * fixed price with a huge turnover: it would crowd the top of a ranking by volume without being a market anyone
 * collects a universe for. Only pairs of two are left out; BTCUSDC is a market like any other.
 */
export const STABLECOINS: ReadonlySet<string> = new Set([
  'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'PAX', 'DAI', 'FDUSD', 'USDS', 'USDSB', 'UST', 'USTC', 'SUSD', 'PYUSD',
  'USDE', 'USD1', 'RLUSD', 'BFUSD', 'XUSD', 'USDJ', 'IDRT', 'BIDR', 'BVND', 'AEUR', 'EURI', 'EURC',
]);

/** Both sides pegged: a stablecoin-to-stablecoin pair. */
export function isStablecoinPair(baseAsset: string, quoteAsset: string): boolean {
  return STABLECOINS.has(baseAsset) && STABLECOINS.has(quoteAsset);
}
