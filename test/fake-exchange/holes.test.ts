import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { HOUR, MINUTE, klines, pageAll } from './helpers.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const LISTED = Date.UTC(2021, 2, 3, 10, 17); // off-grid: first 1h candle opens 11:00
const DELISTED = Date.UTC(2023, 6, 1, 6);
const HALT = { from: Date.UTC(2022, 1, 1, 3), to: Date.UTC(2022, 1, 1, 8) };
const OUTAGE = { from: Date.UTC(2023, 2, 24, 13), to: Date.UTC(2023, 2, 24, 14) };

let ex: FakeExchange;
before(async () => {
  ex = await createFakeExchange({
    now: NOW,
    outages: [OUTAGE],
    symbols: [
      { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17, 4) },
      { symbol: 'LUNAUSDT', baseAsset: 'LUNA', quoteAsset: 'USDT', listedAt: LISTED, delistedAt: DELISTED, halts: [HALT] },
    ],
  });
});
after(() => ex.close());

test('startTime=0&limit=1 returns the first candle: listing rounded up to the grid', async () => {
  const h = await klines(ex, { symbol: 'LUNAUSDT', interval: '1h', startTime: 0, limit: 1 });
  assert.equal(h.body[0]![0], Date.UTC(2021, 2, 3, 11));
  const m = await klines(ex, { symbol: 'LUNAUSDT', interval: '1m', startTime: 0, limit: 1 });
  assert.equal(m.body[0]![0], Date.UTC(2021, 2, 3, 10, 17));
  const d = await klines(ex, { symbol: 'LUNAUSDT', interval: '1d', endTime: LISTED + 3 * 86_400_000, limit: 1000 });
  assert.equal(d.body[0]![0], Date.UTC(2021, 2, 4));
  assert.deepEqual((await klines(ex, { symbol: 'LUNAUSDT', interval: '1h', endTime: LISTED })).body, []);
});

test('nothing opens at/after delistedAt; the frozen history is still served', async () => {
  const last = await klines(ex, { symbol: 'LUNAUSDT', interval: '1h', limit: 2 });
  assert.deepEqual(last.body.map((k) => k[0]), [DELISTED - 2 * HOUR, DELISTED - HOUR]);
  const after = await klines(ex, { symbol: 'LUNAUSDT', interval: '1m', startTime: DELISTED - MINUTE });
  assert.deepEqual(after.body.map((k) => k[0]), [DELISTED - MINUTE]);
});

test('halt windows have no candles; both paging directions skip them', async () => {
  const r = await klines(ex, { symbol: 'LUNAUSDT', interval: '1h', startTime: HALT.from - 2 * HOUR, limit: 4 });
  assert.deepEqual(r.body.map((k) => k[0]), [HALT.from - 2 * HOUR, HALT.from - HOUR, HALT.to, HALT.to + HOUR]);
  const back = await klines(ex, { symbol: 'LUNAUSDT', interval: '1h', endTime: HALT.to, limit: 2 });
  assert.deepEqual(back.body.map((k) => k[0]), [HALT.from - HOUR, HALT.to]);
  // Halts are per symbol.
  const btc = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: HALT.from, endTime: HALT.to - 1 });
  assert.equal(btc.body.length, 5);
});

test('exchange-wide outages remove candles for every symbol', async () => {
  for (const symbol of ['BTCUSDT', 'LUNAUSDT']) {
    const r = await klines(ex, { symbol, interval: '1h', startTime: OUTAGE.from - HOUR, endTime: OUTAGE.to });
    assert.deepEqual(r.body.map((k) => k[0]), [OUTAGE.from - HOUR, OUTAGE.to], symbol);
    const m = await klines(ex, { symbol, interval: '1m', startTime: OUTAGE.from - MINUTE, limit: 2 });
    assert.deepEqual(m.body.map((k) => k[0]), [OUTAGE.from - MINUTE, OUTAGE.to], symbol);
  }
  // A range entirely inside a hole is an empty page, not an error.
  const empty = await klines(ex, { symbol: 'BTCUSDT', interval: '1m', startTime: OUTAGE.from, endTime: OUTAGE.to - 1 });
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, []);
});

test('expectedKlines agrees with paging across all holes', async () => {
  const paged = await pageAll(ex, 'LUNAUSDT', '1h', 0);
  const expected = ex.expectedKlines('LUNAUSDT', '1h', 0, NOW);
  assert.deepEqual(paged, expected);
  const opens = new Set(expected.map((k) => k[0]));
  assert.ok(!opens.has(HALT.from) && !opens.has(OUTAGE.from) && !opens.has(DELISTED));
  const hours = (DELISTED - Date.UTC(2021, 2, 3, 11)) / HOUR;
  assert.equal(expected.length, hours - 5 - 1);
});
