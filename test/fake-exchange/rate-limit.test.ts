import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { errorOf, get, klines } from './helpers.ts';

/** A fake exchange whose wall clock the test moves by hand. */
async function withClock(limit: number, fn: (ex: FakeExchange, clock: { t: number }) => Promise<void>): Promise<void> {
  const clock = { t: Date.UTC(2024, 0, 1, 12, 0, 10) }; // 10 s into a minute window
  const ex = await createFakeExchange({ realClock: () => clock.t, rateLimit: { interval: 'MINUTE', intervalNum: 1, limit } });
  try {
    await fn(ex, clock);
  } finally {
    await ex.close();
  }
}

const k = (ex: FakeExchange) => klines(ex, { symbol: 'BTCUSDT', interval: '1m', limit: 1 });

test('used-weight headers accumulate per endpoint weight and reset with the wall-clock window', () =>
  withClock(6000, async (ex, clock) => {
    assert.equal((await get(ex, '/api/v3/ping')).headers.get('x-mbx-used-weight-1m'), '1');
    assert.equal((await k(ex)).headers.get('x-mbx-used-weight-1m'), '3');
    assert.equal((await get(ex, '/api/v3/exchangeInfo')).headers.get('x-mbx-used-weight-1m'), '23');
    assert.equal((await get(ex, '/api/v3/ticker/24hr', { symbol: 'BTCUSDT' })).headers.get('x-mbx-used-weight'), '25');
    assert.equal((await get(ex, '/api/v3/ticker/24hr')).headers.get('x-mbx-used-weight'), '105');
    // Errors carry the headers and cost weight too.
    const err = await klines(ex, { symbol: 'NOPE', interval: '1m' });
    assert.equal(err.status, 400);
    assert.equal(err.headers.get('x-mbx-used-weight-1m'), '107');
    clock.t += 50_000; // next minute
    assert.equal((await k(ex)).headers.get('x-mbx-used-weight-1m'), '2');
  }));

test('over the limit → 429 -1003 with Retry-After until the window resets; a patient client is never banned', () =>
  withClock(10, async (ex, clock) => {
    for (let i = 0; i < 5; i++) assert.equal((await k(ex)).status, 200);
    const r = await k(ex);
    assert.equal(r.status, 429);
    assert.deepEqual(r.body, {
      code: -1003,
      msg: 'Too much request weight used; current limit is 10 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    });
    assert.equal(r.headers.get('retry-after'), '50');
    assert.equal(r.headers.get('x-mbx-used-weight-1m'), '10');
    clock.t += 50_000;
    assert.equal((await k(ex)).status, 200);
    assert.deepEqual(ex.rateLimitStats(), { throttled: 1, banned: 0 });
  }));

test('ignoring Retry-After gets a 418 IP ban; everything answers 418 until it expires', () =>
  withClock(4, async (ex, clock) => {
    await k(ex);
    await k(ex);
    assert.equal((await k(ex)).status, 429);
    // Requests already in flight when the 429 was sent (arriving within the grace) are not held against us.
    for (let i = 0; i < 5; i++) assert.equal((await k(ex)).status, 429);
    clock.t += 600;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await k(ex)).status);
    assert.deepEqual(statuses, [429, 429, 429, 418]);
    const ping = await get(ex, '/api/v3/ping');
    assert.equal(ping.status, 418);
    const banned = ex.requests.find((r) => r.status === 418)!;
    assert.ok(banned);
    const first418 = await get(ex, '/api/v3/time');
    assert.match(errorOf(first418).msg, /^Way too much request weight used; IP banned until \d+\. Please use WebSocket Streams for live updates to avoid bans\.$/);
    assert.equal(errorOf(first418).code, -1003);
    assert.equal(first418.headers.get('retry-after'), '120');
    clock.t += 119_000;
    assert.equal((await get(ex, '/api/v3/ping')).status, 418);
    clock.t += 1_000;
    assert.equal((await get(ex, '/api/v3/ping')).status, 200);
    const stats = ex.rateLimitStats();
    assert.equal(stats.banned, 4);
    assert.equal(stats.throttled, 9);
  }));

test('setRateLimit changes the limit, header suffix and exchangeInfo rateLimits', () =>
  withClock(6000, async (ex) => {
    ex.setRateLimit({ interval: 'SECOND', intervalNum: 10, limit: 50 });
    const r = await get<{ rateLimits: unknown[] }>(ex, '/api/v3/exchangeInfo');
    assert.equal(r.headers.get('x-mbx-used-weight-10s'), '20');
    assert.deepEqual(r.body.rateLimits[0], { rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 10, limit: 50 });
    await get(ex, '/api/v3/exchangeInfo');
    const third = await get(ex, '/api/v3/exchangeInfo');
    assert.equal(third.status, 429);
    assert.match(third.text, /current limit is 50 request weight per 10 SECOND/);
  }));

/** A ping sent from `localAddress` (a loopback address of this host): its status and used-weight header. */
function pingFrom(ex: FakeExchange, localAddress: string): Promise<{ status: number; used: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${ex.url}/api/v3/ping`, { localAddress, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, used: res.headers['x-mbx-used-weight-1m'] as string | undefined }));
      })
      .on('error', reject);
  });
}

test('the budget is per client address, as Binance keeps it per IP: weight, 429 and the 418 ban of one leave the others alone', () =>
  withClock(3, async (ex, clock) => {
    const a = (): Promise<{ status: number; used: string | undefined }> => pingFrom(ex, '127.0.0.2');
    const b = (): Promise<{ status: number; used: string | undefined }> => pingFrom(ex, '127.0.0.3');
    assert.deepEqual([await a(), await a(), await a()].map((r) => r.used), ['1', '2', '3']);
    assert.deepEqual(await b(), { status: 200, used: '1' });
    assert.equal((await a()).status, 429);
    clock.t += 600; // past the grace for requests in flight: the next ones ignore the 429
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await a()).status);
    assert.deepEqual(statuses, [429, 429, 429, 418]);
    assert.equal((await a()).status, 418);
    // 127.0.0.3 was neither throttled nor banned: it spends its own window to the end.
    assert.deepEqual([await b(), await b(), await b()], [{ status: 200, used: '2' }, { status: 200, used: '3' }, { status: 429, used: '3' }]);
    assert.deepEqual(ex.rateLimitStats('127.0.0.2'), { throttled: 4, banned: 2 });
    assert.deepEqual(ex.rateLimitStats('127.0.0.3'), { throttled: 1, banned: 0 });
    assert.deepEqual(ex.rateLimitStats(), { throttled: 5, banned: 2 });
    assert.deepEqual(ex.rateLimitStats('127.0.0.4'), { throttled: 0, banned: 0 });
    assert.deepEqual(
      ex.requests.map((r) => `${r.address} ${r.status}`),
      ['2 200', '2 200', '2 200', '3 200', '2 429', '2 429', '2 429', '2 429', '2 418', '2 418', '3 200', '3 200', '3 429'].map((r) => `127.0.0.${r}`),
    );
  }));
