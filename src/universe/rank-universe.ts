import { compareDecimal } from '../planner/compare-decimal.js';
import { isLeveragedToken, type TokenListing } from './leveraged-token.js';
import { isStablecoinPair } from './stablecoins.js';
import type { UniverseRule } from './universe-rule.js';

/** A symbol as exchangeInfo lists it. */
export interface ListedSymbol extends TokenListing {
  readonly symbol: string;
  readonly status: string;
  readonly quoteAsset: string;
}

/** A symbol's 24 h statistics from /api/v3/ticker/24hr. */
export interface SymbolTurnover {
  readonly symbol: string;
  /** The exchange's decimal string, compared exactly. */
  readonly quoteVolume: string;
}

export interface UniverseMember {
  /** 1 for the largest quote volume. */
  readonly rank: number;
  readonly symbol: string;
  readonly quoteVolume: string;
}

export interface UniverseRanking {
  /** The top N of the eligible symbols, best first; all of them when fewer are eligible. */
  readonly members: readonly UniverseMember[];
  /** How many symbols were eligible (trading, of the quote assets, not left out). */
  readonly eligible: number;
}

/**
 * Ranks the exchange's symbols for a universe. Eligible: status TRADING, a quote asset of the rule, not a
 * leveraged token, not a stablecoin-to-stablecoin pair, not excluded (by symbol or by base asset), and with 24 h
 * statistics. Ordered by quote volume, largest first, compared as exact decimals; equal volumes by symbol name
 * (A before B), so the same answers always give the same universe.
 */
export function rankUniverse(symbols: readonly ListedSymbol[], turnover: readonly SymbolTurnover[], rule: UniverseRule): UniverseRanking {
  const quotes = new Set(rule.quoteAssets);
  const excluded = new Set(rule.exclude);
  const bases = new Set(symbols.map((s) => s.baseAsset));
  const volume = new Map(turnover.map((t) => [t.symbol, t.quoteVolume]));
  const eligible: Array<{ symbol: string; quoteVolume: string }> = [];
  for (const s of symbols) {
    if (s.status !== 'TRADING' || !quotes.has(s.quoteAsset)) continue;
    if (excluded.has(s.symbol) || excluded.has(s.baseAsset)) continue;
    if (isStablecoinPair(s.baseAsset, s.quoteAsset) || isLeveragedToken(s, bases)) continue;
    const quoteVolume = volume.get(s.symbol);
    if (quoteVolume === undefined) continue;
    eligible.push({ symbol: s.symbol, quoteVolume });
  }
  eligible.sort((a, b) => compareDecimal(b.quoteVolume, a.quoteVolume) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { members: eligible.slice(0, rule.top).map((e, i) => ({ rank: i + 1, ...e })), eligible: eligible.length };
}
