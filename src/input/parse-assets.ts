import { UsageError } from '../errors.js';

const TOKEN = /^[A-Z0-9\-_.]{1,20}$/;

/**
 * A comma list of assets (`--quote USDT,USDC`) or of symbols and assets (`--exclude DOGE,PEPE/USDT`): upper case,
 * `/` dropped, duplicates collapsed, sorted (a universe's rule does not depend on the order it was written in).
 */
export function parseAssets(flag: string, value: string, example: string): string[] {
  const out = new Set<string>();
  for (const raw of value.split(',')) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const token = trimmed.replace('/', '').toUpperCase();
    if (!TOKEN.test(token)) throw new UsageError(`${flag}: "${trimmed}" is not a valid name (letters, digits, "-", "_" and "." only, e.g. ${flag} ${example})`);
    out.add(token);
  }
  if (out.size === 0) throw new UsageError(`${flag}: nothing given (e.g. ${flag} ${example})`);
  return [...out].sort();
}
