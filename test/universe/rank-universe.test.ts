// The universe's ranking, pure: eligibility (status, quote assets, exclusions, leveraged tokens, stablecoin pairs),
// exact decimal order, ties, fewer eligible than N.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLeveragedToken } from '../../src/universe/leveraged-token.js';
import { rankUniverse, type ListedSymbol, type SymbolTurnover } from '../../src/universe/rank-universe.js';
import { isStablecoinPair } from '../../src/universe/stablecoins.js';
import { universeKey } from '../../src/universe/universe-rule.js';

function listed(symbol: string, baseAsset: string, quoteAsset: string, more: Partial<ListedSymbol> = {}): ListedSymbol {
  return { symbol, baseAsset, quoteAsset, status: 'TRADING', permissions: ['SPOT'], ...more };
}
const usdt = (base: string, more: Partial<ListedSymbol> = {}) => listed(`${base}USDT`, base, 'USDT', more);
const vol = (symbol: string, quoteVolume: string): SymbolTurnover => ({ symbol, quoteVolume });
const rule = (top: number, quoteAssets = ['USDT'], exclude: string[] = []) => ({ top, quoteAssets, exclude });
const names = (r: ReturnType<typeof rankUniverse>) => r.members.map((m) => m.symbol);

describe('rankUniverse', () => {
  it('orders by quote volume compared as exact decimals, not as floats or strings', () => {
    // As strings "9.5" > "10"; as floats the last two are equal (beyond double precision).
    const symbols = [usdt('AAA'), usdt('BBB'), usdt('CCC'), usdt('DDD')];
    const turnover = [vol('AAAUSDT', '9.50000000'), vol('BBBUSDT', '10'), vol('CCCUSDT', '12345678901234567.00000001'), vol('DDDUSDT', '12345678901234567.00000002')];
    const r = rankUniverse(symbols, turnover, rule(10));
    assert.deepEqual(r.members, [
      { rank: 1, symbol: 'DDDUSDT', quoteVolume: '12345678901234567.00000002' },
      { rank: 2, symbol: 'CCCUSDT', quoteVolume: '12345678901234567.00000001' },
      { rank: 3, symbol: 'BBBUSDT', quoteVolume: '10' },
      { rank: 4, symbol: 'AAAUSDT', quoteVolume: '9.50000000' },
    ]);
    assert.equal(r.eligible, 4);
  });

  it('takes the top N; equal volumes are ordered by symbol, whatever order the exchange listed them in', () => {
    const symbols = [usdt('ZED'), usdt('MID'), usdt('ABC'), usdt('TOP')];
    const turnover = [vol('ZEDUSDT', '500.0'), vol('MIDUSDT', '500'), vol('ABCUSDT', '500.00'), vol('TOPUSDT', '900')];
    assert.deepEqual(names(rankUniverse(symbols, turnover, rule(3))), ['TOPUSDT', 'ABCUSDT', 'MIDUSDT']);
    assert.deepEqual(names(rankUniverse([...symbols].reverse(), [...turnover].reverse(), rule(3))), ['TOPUSDT', 'ABCUSDT', 'MIDUSDT']);
  });

  it('fewer eligible than N: all of them', () => {
    const r = rankUniverse([usdt('AAA'), usdt('BBB')], [vol('AAAUSDT', '1'), vol('BBBUSDT', '2')], rule(100));
    assert.deepEqual(names(r), ['BBBUSDT', 'AAAUSDT']);
    assert.equal(r.eligible, 2);
  });

  it('only TRADING symbols of the quote assets, less the excluded symbols and base assets', () => {
    const symbols = [
      usdt('BTC'),
      usdt('ETH'),
      usdt('DOGE'),
      usdt('OLD', { status: 'BREAK' }),
      usdt('HLT', { status: 'HALT' }),
      listed('ETHBTC', 'ETH', 'BTC'),
      listed('SOLUSDC', 'SOL', 'USDC'),
      listed('BTCEUR', 'BTC', 'EUR'),
    ];
    const turnover = symbols.map((s, i) => vol(s.symbol, String(1000 - i)));
    assert.deepEqual(names(rankUniverse(symbols, turnover, rule(10))), ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT']);
    assert.deepEqual(names(rankUniverse(symbols, turnover, rule(10, ['USDC', 'USDT']))), ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT', 'SOLUSDC']);
    assert.deepEqual(names(rankUniverse(symbols, turnover, rule(10, ['USDT', 'BTC'], ['DOGE', 'ETHBTC']))), ['BTCUSDT', 'ETHUSDT']);
  });

  it('leaves out leveraged tokens and stablecoin pairs, but not JUP (a base ending in UP) nor a stablecoin against a coin', () => {
    const symbols = [
      usdt('BTC'),
      usdt('BTCUP'),
      usdt('BTCDOWN'),
      usdt('ETHBULL', { permissions: ['LEVERAGED'] }),
      usdt('JUP'),
      usdt('SYRUP'),
      usdt('USDC'),
      usdt('FDUSD'),
      listed('BTCUSDC', 'BTC', 'USDC'),
      listed('USDCBTC', 'USDC', 'BTC'),
    ];
    const turnover = symbols.map((s) => vol(s.symbol, '1000'));
    const r = rankUniverse(symbols, turnover, rule(10, ['USDT', 'USDC', 'BTC']));
    assert.deepEqual(names(r), ['BTCUSDC', 'BTCUSDT', 'JUPUSDT', 'SYRUPUSDT', 'USDCBTC']);
  });

  it('a symbol without 24 h statistics is not ranked', () => {
    assert.deepEqual(names(rankUniverse([usdt('AAA'), usdt('NEW')], [vol('AAAUSDT', '5')], rule(10))), ['AAAUSDT']);
  });
});

describe('isLeveragedToken', () => {
  const bases = new Set(['BTC', 'BTCUP', 'BTCDOWN', 'BNB', 'BNBBULL', 'BNBBEAR', 'JUP', 'SUP', 'XUP']);
  const cases: Array<[string, string, string[], boolean]> = [
    ['the LEVERAGED permission', 'ETHUP', ['LEVERAGED'], true],
    ['UP with its DOWN twin and its underlying listed', 'BTCUP', [], true],
    ['DOWN with its UP twin', 'BTCDOWN', ['SPOT'], true],
    ['BULL with its BEAR twin', 'BNBBULL', [], true],
    ['JUP: no JDOWN, no J', 'JUP', ['SPOT'], false],
    ['SUP: no SDOWN', 'SUP', [], false],
    ['XUP: no XDOWN, no X', 'XUP', [], false],
    ['no suffix', 'BTC', [], false],
  ];
  for (const [name, baseAsset, permissions, expected] of cases) {
    it(name, () => assert.equal(isLeveragedToken({ baseAsset, permissions }, bases), expected));
  }
});

describe('stablecoin pairs and the universe key', () => {
  it('both sides pegged', () => {
    assert.equal(isStablecoinPair('USDC', 'USDT'), true);
    assert.equal(isStablecoinPair('FDUSD', 'USDC'), true);
    assert.equal(isStablecoinPair('BTC', 'USDT'), false);
    assert.equal(isStablecoinPair('USDT', 'TRY'), false);
  });
  it('does not depend on the order the assets were given in', () => {
    assert.equal(universeKey({ quoteAssets: ['USDT', 'USDC'], exclude: ['DOGE', 'BTC'] }), universeKey({ quoteAssets: ['USDC', 'USDT'], exclude: ['BTC', 'DOGE'] }));
    assert.notEqual(universeKey({ quoteAssets: ['USDT'], exclude: [] }), universeKey({ quoteAssets: ['USDT'], exclude: ['DOGE'] }));
  });
});
