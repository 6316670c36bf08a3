import { UsageError } from '../errors.js';
import { parseAssets } from '../input/parse-assets.js';
import { parsePositiveInteger } from '../input/parse-positive-integer.js';
import { DEFAULT_QUOTE_ASSETS, DEFAULT_TOP, type UniverseRule } from '../universe/universe-rule.js';

export interface UniverseFlags {
  readonly symbols?: string;
  readonly top?: string;
  readonly quote?: string;
  readonly exclude?: string;
}

/** The largest N: Binance lists a few thousand symbols, and one ranking request covers them all. */
export const MAX_TOP = 5000;

/**
 * backfill's universe flags: none with --symbols (the names are the choice; combining them is a usage error rather
 * than a silent preference), else the rule with its defaults (top 100 of USDT, nothing excluded).
 */
export function parseUniverse(flags: UniverseFlags): UniverseRule | undefined {
  const given = (['top', 'quote', 'exclude'] as const).filter((k) => flags[k] !== undefined);
  if (flags.symbols !== undefined) {
    if (given.length > 0) throw new UsageError(`--${given[0]} chooses a universe; it cannot be combined with --symbols (which names the series to track)`);
    return undefined;
  }
  return {
    top: flags.top === undefined ? DEFAULT_TOP : parsePositiveInteger('--top', flags.top, MAX_TOP),
    quoteAssets: flags.quote === undefined ? [...DEFAULT_QUOTE_ASSETS] : parseAssets('--quote', flags.quote, 'USDT,USDC'),
    exclude: flags.exclude === undefined ? [] : parseAssets('--exclude', flags.exclude, 'DOGE,PEPEUSDT'),
  };
}
