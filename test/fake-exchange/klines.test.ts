import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { HOUR, MINUTE, get, klines, pageAll } from './helpers.ts';

// Server time 2024-06-01 00:30 (the default): the 00:00 1h candle is still open.
const NOW = Date.UTC(2024, 5, 1, 0, 30);
let ex: FakeExchange;
before(async () => {
  ex = await createFakeExchange({ now: NOW });
});
after(() => ex.close());

test('startTime only → the oldest `limit` candles with open ≥ startTime', async () => {
  const start = Date.UTC(2024, 0, 1, 0, 0, 0, 1); // off-grid: first candle is 01:00
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: start, limit: 5 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((k) => k[0]), [1, 2, 3, 4, 5].map((h) => Date.UTC(2024, 0, 1, h)));
  assert.equal(r.body[0]![6], Date.UTC(2024, 0, 1, 2) - 1);
});

test('default limit is 500', async () => {
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1m', startTime: Date.UTC(2024, 0, 1) });
  assert.equal(r.body.length, 500);
});

test('startTime + endTime → open ≤ endTime (inclusive)', async () => {
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: Date.UTC(2024, 0, 1), endTime: Date.UTC(2024, 0, 1, 3), limit: 1000 });
  assert.deepEqual(r.body.map((k) => k[0]), [0, 1, 2, 3].map((h) => Date.UTC(2024, 0, 1, h)));
});

test('endTime only → the newest `limit` candles with open ≤ endTime', async () => {
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', endTime: Date.UTC(2024, 0, 1, 3, 59), limit: 3 });
  assert.deepEqual(r.body.map((k) => k[0]), [1, 2, 3].map((h) => Date.UTC(2024, 0, 1, h)));
});

test('neither → the newest candles including the still-open one, which changes with now()', async () => {
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 2 });
  assert.deepEqual(r.body.map((k) => k[0]), [Date.UTC(2024, 4, 31, 23), Date.UTC(2024, 5, 1, 0)]);
  const open = r.body[1]!;
  assert.ok(open[6] >= NOW, 'last candle is still open');
  // expectedKlines only has closed candles.
  const expected = ex.expectedKlines('BTCUSDT', '1h', Date.UTC(2024, 4, 31, 23), Date.UTC(2024, 5, 1, 1));
  assert.equal(expected.length, 1);
  assert.deepEqual(expected[0], r.body[0]);
  try {
    ex.advance(10 * MINUTE);
    const later = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 1 });
    assert.equal(later.body[0]![0], open[0]);
    assert.notDeepEqual(later.body[0], open);
    ex.setNow(Date.UTC(2024, 5, 1, 1));
    const closed = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', startTime: open[0], limit: 1 });
    assert.deepEqual(closed.body[0], ex.expectedKlines('BTCUSDT', '1h', open[0], open[0] + 1)[0]);
    assert.notDeepEqual(closed.body[0], open);
  } finally {
    ex.setNow(NOW);
  }
});

test('no candle opens after now(); the future is not served', async () => {
  const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1m', startTime: NOW - 2 * MINUTE, limit: 1000 });
  assert.deepEqual(r.body.map((k) => k[0]), [NOW - 2 * MINUTE, NOW - MINUTE, NOW]);
  const future = await klines(ex, { symbol: 'BTCUSDT', interval: '1m', startTime: NOW + MINUTE });
  assert.equal(future.status, 200);
  assert.deepEqual(future.body, []);
});

test('paging with last open + 1 returns exactly expectedKlines (plus the still-open candle)', async () => {
  const from = Date.UTC(2024, 3, 25);
  const paged = await pageAll(ex, 'ETHUSDT', '1h', from);
  const expected = ex.expectedKlines('ETHUSDT', '1h', from, NOW + 1);
  assert.equal(paged.length, expected.length + 1);
  assert.deepEqual(paged.slice(0, -1), expected);
  const bounded = await pageAll(ex, 'ETHUSDT', '15m', from, Date.UTC(2024, 4, 10) - 1);
  assert.deepEqual(bounded, ex.expectedKlines('ETHUSDT', '15m', from, Date.UTC(2024, 4, 10)));
  assert.equal(bounded.length, 15 * 96);
});

test('weekly, monthly and 3-day grids', async () => {
  const w = await klines(ex, { symbol: 'BTCUSDT', interval: '1w', startTime: Date.UTC(2024, 0, 1), limit: 2 });
  assert.deepEqual(w.body.map((k) => new Date(k[0]).getUTCDay()), [1, 1]);
  const m = await klines(ex, { symbol: 'BTCUSDT', interval: '1M', startTime: Date.UTC(2024, 0, 15), limit: 2 });
  assert.deepEqual(m.body.map((k) => [k[0], k[6]]), [
    [Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1) - 1],
    [Date.UTC(2024, 2, 1), Date.UTC(2024, 3, 1) - 1],
  ]);
  const d3 = await klines(ex, { symbol: 'BTCUSDT', interval: '3d', startTime: Date.UTC(2024, 0, 1), limit: 3 });
  for (const k of d3.body) assert.equal(k[0] % (3 * 24 * HOUR), 0);
});

test('limit validation: 1..1000, integers only', async () => {
  for (const limit of [0, 1001, 5000]) {
    const r = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
  }
  const bad = await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 'None' });
  assert.deepEqual(bad.body, { code: -1100, msg: "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'." });
  assert.equal((await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 1000, startTime: 0 })).body.length, 1000);
  assert.equal((await klines(ex, { symbol: 'BTCUSDT', interval: '1h', limit: 1 })).body.length, 1);
});

test('parameter errors carry Binance codes and messages', async () => {
  const cases: Array<[Record<string, string | number>, number, string]> = [
    [{ interval: '1h' }, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
    [{ symbol: '', interval: '1h' }, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
    [{ symbol: 'btcusdt', interval: '1h' }, -1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."],
    [{ symbol: 'NOPEUSDT', interval: '1h' }, -1121, 'Invalid symbol.'],
    [{ symbol: 'BTCUSDT' }, -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."],
    [{ symbol: 'BTCUSDT', interval: '1H' }, -1120, 'Invalid interval.'],
    [{ symbol: 'BTCUSDT', interval: '2d' }, -1120, 'Invalid interval.'],
    [{ symbol: 'BTCUSDT', interval: '1h', startTime: 'yesterday' }, -1100, "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'."],
    [{ symbol: 'BTCUSDT', interval: '1h', endTime: -5 }, -1100, "Illegal characters found in parameter 'endTime'; legal range is '^[0-9]{1,20}$'."],
    [{ symbol: 'BTCUSDT', interval: '1h', startTime: 2, endTime: 1 }, -1023, 'Start time is greater than end time.'],
  ];
  for (const [params, code, msg] of cases) {
    const r = await klines(ex, params);
    assert.equal(r.status, 400, JSON.stringify(params));
    assert.deepEqual(r.body, { code, msg }, JSON.stringify(params));
    assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
  }
});

test('responses carry Binance headers; unknown paths answer 404 HTML', async () => {
  const r = await get(ex, '/api/v3/ping');
  assert.deepEqual(r.body, {});
  assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
  assert.ok(r.headers.get('date'));
  assert.match(r.headers.get('x-mbx-used-weight') ?? '', /^\d+$/);
  assert.equal(r.headers.get('x-mbx-used-weight-1m'), r.headers.get('x-mbx-used-weight'));
  const time = await get(ex, '/api/v3/time');
  assert.deepEqual(time.body, { serverTime: NOW });
  const nf = await get(ex, '/api/v3/nothing');
  assert.equal(nf.status, 404);
  assert.match(nf.text, /<html>/);
});

test('requests are recorded with weight; klineRequests filters', async () => {
  ex.resetRequests();
  await klines(ex, { symbol: 'ETHUSDT', interval: '1d', limit: 1 });
  await klines(ex, { symbol: 'BTCUSDT', interval: '1d', limit: 1 });
  await get(ex, '/api/v3/ping');
  assert.equal(ex.requests.length, 3);
  assert.deepEqual(ex.klineRequests('ETHUSDT').map((r) => [r.query.interval, r.status, r.weight]), [['1d', 200, 2]]);
  assert.equal(ex.klineRequests(undefined, '1d').length, 2);
  assert.equal(ex.requests[2]!.weight, 1);
});
