/** What a universe selects: the top N symbols of these quote assets by 24 h quote volume, less the exclusions. */
export interface UniverseRule {
  readonly top: number;
  /** Quote assets (USDT, …), upper case, sorted. */
  readonly quoteAssets: readonly string[];
  /** Symbols (BTCUSDT) or base assets (DOGE) left out, upper case, sorted. */
  readonly exclude: readonly string[];
}

export const DEFAULT_TOP = 100;
export const DEFAULT_QUOTE_ASSETS: readonly string[] = ['USDT'];

/**
 * The universe's identity: the same quote assets and exclusions are the same universe, whatever its N (a later
 * ranking may take more or fewer of it).
 */
export function universeKey(rule: Pick<UniverseRule, 'quoteAssets' | 'exclude'>): string {
  return `quote=${[...rule.quoteAssets].sort().join(',')};exclude=${[...rule.exclude].sort().join(',')}`;
}
