/** What a leveraged-token check needs to know of a symbol: exchangeInfo's fields. */
export interface TokenListing {
  readonly baseAsset: string;
  /** exchangeInfo's `permissions` and every entry of its `permissionSets`, flattened. */
  readonly permissions: readonly string[];
}

const SUFFIX = /^(.+?)(UP|DOWN|BULL|BEAR)$/;
const TWIN: Record<string, string> = { UP: 'DOWN', DOWN: 'UP', BULL: 'BEAR', BEAR: 'BULL' };

/**
 * A Binance leveraged token (BTCUP, ETHDOWN, the old BNBBULL/BNBBEAR): the exchange says so with the `LEVERAGED`
 * permission. Where it does not (permissions left empty, as exchangeInfo has sent them since 2024), the name alone is
 * not enough: JUP, SYRUP or a future "…BEAR" token end the same way and are ordinary assets. Leveraged tokens come
 * in pairs on one underlying (BTCUP with BTCDOWN, BULL with BEAR), so a base counts as one only when its twin and
 * its underlying are listed too: JUP is not (no JDOWN, no J).
 */
export function isLeveragedToken(listing: TokenListing, baseAssets: ReadonlySet<string>): boolean {
  if (listing.permissions.includes('LEVERAGED')) return true;
  const m = SUFFIX.exec(listing.baseAsset);
  if (!m) return false;
  const stem = m[1] as string;
  const suffix = m[2] as string;
  return baseAssets.has(`${stem}${TWIN[suffix] as string}`) && baseAssets.has(stem);
}
