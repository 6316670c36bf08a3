import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { errorOf, DAY, get, klines } from './helpers.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
interface SymbolInfo {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  isSpotTradingAllowed: boolean;
  permissions: string[];
  permissionSets: string[][];
}
interface Info {
  timezone: string;
  serverTime: number;
  rateLimits: Array<Record<string, unknown>>;
  exchangeFilters: unknown[];
  symbols: SymbolInfo[];
}

let ex: FakeExchange;
before(async () => {
  ex = await createFakeExchange({
    now: NOW,
    symbols: [
      { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17, 4) },
      { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', listedAt: Date.UTC(2017, 6, 14) },
      { symbol: 'OLDUSDT', baseAsset: 'OLD', quoteAsset: 'USDT', listedAt: Date.UTC(2019, 0, 1), delistedAt: Date.UTC(2022, 0, 1) },
      { symbol: 'GONEUSDT', baseAsset: 'GONE', quoteAsset: 'USDT', listedAt: Date.UTC(2019, 0, 1), removed: true },
      { symbol: 'NEWUSDT', baseAsset: 'NEW', quoteAsset: 'USDT', listedAt: NOW + DAY },
      { symbol: 'STOPUSDT', baseAsset: 'STOP', quoteAsset: 'USDT', listedAt: Date.UTC(2019, 0, 1), halts: [{ from: NOW - DAY, to: NOW + DAY }] },
      { symbol: 'EODUSDT', baseAsset: 'EOD', quoteAsset: 'USDT', listedAt: Date.UTC(2019, 0, 1), status: 'END_OF_DAY' },
    ],
  });
});
after(() => ex.close());

test('exchangeInfo lists every live symbol with derived statuses', async () => {
  const r = await get<Info>(ex, '/api/v3/exchangeInfo');
  assert.equal(r.status, 200);
  assert.equal(r.body.timezone, 'UTC');
  assert.equal(r.body.serverTime, NOW);
  assert.deepEqual(r.body.exchangeFilters, []);
  assert.deepEqual(r.body.rateLimits.map((l) => l.rateLimitType), ['REQUEST_WEIGHT', 'ORDERS', 'ORDERS', 'RAW_REQUESTS']);
  assert.deepEqual(r.body.rateLimits[0], { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 });
  const status = Object.fromEntries(r.body.symbols.map((s) => [s.symbol, s.status]));
  assert.deepEqual(status, { BTCUSDT: 'TRADING', ETHBTC: 'TRADING', OLDUSDT: 'BREAK', NEWUSDT: 'BREAK', STOPUSDT: 'HALT', EODUSDT: 'END_OF_DAY' });
  const btc = r.body.symbols[0]!;
  assert.equal(btc.baseAsset, 'BTC');
  assert.equal(btc.quoteAsset, 'USDT');
  assert.equal(btc.isSpotTradingAllowed, true);
  assert.deepEqual(btc.permissions, []);
  assert.deepEqual(btc.permissionSets, [['SPOT']]);
});

test('exchangeInfo ?symbol= and ?symbols=[...]', async () => {
  const one = await get<Info>(ex, '/api/v3/exchangeInfo', { symbol: 'ETHBTC' });
  assert.deepEqual(one.body.symbols.map((s) => s.symbol), ['ETHBTC']);
  const many = await get<Info>(ex, '/api/v3/exchangeInfo', { symbols: JSON.stringify(['OLDUSDT', 'BTCUSDT']) });
  assert.deepEqual(many.body.symbols.map((s) => s.symbol), ['OLDUSDT', 'BTCUSDT']);
  assert.equal(many.headers.get('x-mbx-used-weight') !== null, true);
});

test('exchangeInfo unknown or removed symbol → 400 -1121 in either form', async () => {
  const cases: Array<Record<string, string>> = [{ symbol: 'NOPEUSDT' }, { symbol: 'GONEUSDT' }, { symbols: '["BTCUSDT","NOPEUSDT"]' }];
  for (const params of cases) {
    const r = await get(ex, '/api/v3/exchangeInfo', params);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { code: -1121, msg: 'Invalid symbol.' });
  }
  const bad = await get(ex, '/api/v3/exchangeInfo', { symbols: "['BTCUSDT']" });
  assert.equal(errorOf(bad).code, -1100);
  const lower = await get(ex, '/api/v3/exchangeInfo', { symbol: 'btcusdt' });
  assert.equal(errorOf(lower).code, -1100);
});

test('removed symbols answer -1121 on klines and ticker too', async () => {
  assert.deepEqual((await klines(ex, { symbol: 'GONEUSDT', interval: '1h' })).body, { code: -1121, msg: 'Invalid symbol.' });
  assert.deepEqual((await get(ex, '/api/v3/ticker/24hr', { symbol: 'GONEUSDT' })).body, { code: -1121, msg: 'Invalid symbol.' });
  assert.throws(() => ex.expectedKlines('GONEUSDT', '1h', 0, NOW));
});

test('ticker/24hr: one symbol (weight 2), all symbols (weight 80), MINI', async () => {
  ex.resetRequests();
  const one = await get<Record<string, unknown>>(ex, '/api/v3/ticker/24hr', { symbol: 'BTCUSDT' });
  assert.equal(one.status, 200);
  assert.equal(one.body.symbol, 'BTCUSDT');
  assert.match(one.body.quoteVolume as string, /^\d+\.\d{8}$/);
  assert.ok(Number(one.body.quoteVolume) > 0);
  for (const f of ['priceChange', 'priceChangePercent', 'weightedAvgPrice', 'lastPrice', 'bidPrice', 'askPrice', 'openPrice', 'highPrice', 'lowPrice', 'volume', 'count'])
    assert.ok(f in one.body, f);
  const all = await get<Array<Record<string, unknown>>>(ex, '/api/v3/ticker/24hr');
  assert.deepEqual(all.body.map((t) => t.symbol), ['BTCUSDT', 'ETHBTC', 'OLDUSDT', 'NEWUSDT', 'STOPUSDT', 'EODUSDT']);
  assert.equal(all.body.find((t) => t.symbol === 'OLDUSDT')!.quoteVolume, '0.00000000');
  const mini = await get<Array<Record<string, unknown>>>(ex, '/api/v3/ticker/24hr', { type: 'MINI' });
  assert.ok(!('priceChange' in mini.body[0]!) && 'quoteVolume' in mini.body[0]!);
  assert.ok(mini.text.length < all.text.length);
  const pair = await get<Array<Record<string, unknown>>>(ex, '/api/v3/ticker/24hr', { symbols: '["ETHBTC","BTCUSDT"]' });
  assert.deepEqual(pair.body.map((t) => t.symbol), ['ETHBTC', 'BTCUSDT']);
  assert.deepEqual(ex.requests.map((r) => r.weight), [2, 80, 80, 2]);
});

test('a delisted symbol turns BREAK when the server clock passes delistedAt', async () => {
  ex.addSymbol({ symbol: 'SOONUSDT', baseAsset: 'SOON', quoteAsset: 'USDT', listedAt: Date.UTC(2020, 0, 1), delistedAt: NOW + 60_000 });
  const before = await get<Info>(ex, '/api/v3/exchangeInfo', { symbol: 'SOONUSDT' });
  assert.equal(before.body.symbols[0]!.status, 'TRADING');
  ex.advance(60_000);
  try {
    const after = await get<Info>(ex, '/api/v3/exchangeInfo', { symbol: 'SOONUSDT' });
    assert.equal(after.body.symbols[0]!.status, 'BREAK');
  } finally {
    ex.setNow(NOW);
  }
});
