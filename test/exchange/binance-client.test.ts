// The failure table through the real client, with a scripted HTTP layer and a clock that only moves when waited
// on: every path is deterministic and instant, including bans and minute-long pauses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExchangeError } from '../../src/errors.js';
import { countingListener, zeroCounters } from '../../src/events/run-counters.js';
import { BinanceClient } from '../../src/exchange/binance-client.js';
import { NetworkError, type HttpGet, type HttpResponse } from '../../src/exchange/http-get.js';
import { manualClock } from '../support/manual-clock.ts';

const KLINE = [1_700_000_000_000, '1.00000000', '2.00000000', '0.50000000', '1.50000000', '10.00000000', 1_700_000_059_999, '15.00000000', 3, '5.00000000', '7.50000000', '0'];
const INFO = {
  serverTime: 1_700_000_100_000,
  rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 10, limit: 50 }],
  symbols: [{ symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT' }],
};

type Step = HttpResponse | NetworkError;
const ok = (body: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status: 200, headers, body: Buffer.from(JSON.stringify(body)) });
const fail = (status: number, body: unknown = {}, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

function scripted(steps: Step[]): HttpGet & { calls: number } {
  const fn = (async () => {
    fn.calls++;
    const step = steps.shift();
    if (!step) throw new Error('no more scripted responses');
    if (step instanceof NetworkError) throw step;
    return step;
  }) as unknown as HttpGet & { calls: number };
  fn.calls = 0;
  return fn;
}

function client(steps: Step[], retries = 3, maxRetryAfterMs?: number) {
  const clock = manualClock(1_700_000_000_000);
  const http = scripted(steps);
  // The run's counters, as the run record gets them: from the client's events.
  const counted = zeroCounters();
  const emit = countingListener(counted);
  const c = new BinanceClient({ baseUrl: 'http://x', http, clock, timeoutMs: 1000, retries, retryBaseMs: 0, emit, ...(maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs }) });
  return { c, clock, http, counted };
}

describe('BinanceClient failure table', () => {
  it('retries 5xx, resets, truncated bodies, malformed JSON and -1001/-1008, then succeeds', async () => {
    const { c, http, counted } = client(
      [fail(503, 'Service Unavailable'), new NetworkError('ECONNRESET', 'connection reset'), { status: 200, headers: {}, body: Buffer.from('[[1700000000000,"1.0') }, fail(500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' }), ok([KLINE])],
      5,
    );
    const rows = await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.open, '1.00000000');
    assert.equal(http.calls, 5);
    assert.equal(counted.retries, 4);
  });

  it('a well-formed JSON body with a broken kline is retried too', async () => {
    const bad = [...KLINE];
    bad[1] = 1.5; // a number where a decimal string belongs
    const { c, http } = client([ok([bad]), ok([KLINE])]);
    assert.equal((await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows)).length, 1);
    assert.equal(http.calls, 2);
  });

  it('gives up after the configured retries with a clear error', async () => {
    const { c, http } = client([fail(502, '<html>bad gateway</html>'), fail(502, ''), fail(502, ''), fail(502, '')]);
    await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), (err: unknown) => {
      assert.ok(err instanceof ExchangeError);
      assert.equal(err.code, 'exchange-unavailable');
      assert.match(err.message, /failed after 4 attempts: HTTP 502/);
      return true;
    });
    assert.equal(http.calls, 4);
  });

  it('honours Retry-After on a 5xx', async () => {
    const { c, clock } = client([fail(503, '', { 'retry-after': '7' }), ok([KLINE])]);
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    assert.ok(clock.slept.some((ms) => ms >= 7000 && ms < 7300), `slept ${clock.slept.join(',')}`);
  });

  it('429: every request pauses until Retry-After, and it does not use up the retries', async () => {
    const tooMuch = { code: -1003, msg: 'Too much request weight used' };
    const { c, clock, http, counted } = client([fail(429, tooMuch, { 'retry-after': '30' }), fail(429, tooMuch, { 'retry-after': '30' }), ok([KLINE])], 1);
    const before = clock.now();
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    assert.equal(http.calls, 3);
    assert.equal(counted.rate_limited, 2);
    assert.ok(clock.now() - before >= 60_000, 'waited for both Retry-After periods');
    // The pause applies to other requests too.
    c.limiter.pauseUntil(clock.now() + 5000);
    const t0 = clock.now();
    await c.limiter.acquire(1);
    assert.equal(clock.now() - t0, 5000);
  });

  it('418: stops at once with the ban’s end time', async () => {
    const { c, clock, http } = client([fail(418, { code: -1003, msg: 'Way too much request weight used; IP banned until 1700000120000.' }, { 'retry-after': '120' })]);
    await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), (err: unknown) => {
      assert.ok(err instanceof ExchangeError);
      assert.equal(err.code, 'ip-banned');
      assert.match(err.message, new RegExp(`banned this IP .* until ${new Date(clock.now() + 120_000).toISOString().slice(0, 16)}`));
      return true;
    });
    assert.equal(http.calls, 1);
  });

  it('451: not retried; names the problem and --base-url', async () => {
    const { c, http } = client([fail(451, { code: 0, msg: 'Service unavailable from a restricted location' })]);
    await assert.rejects(c.exchangeInfo(['BTCUSDT']), /refuses requests from this location \(HTTP 451\); point --base-url .*data-api\.binance\.vision.*api\.binance\.us/);
    assert.equal(http.calls, 1);
  });

  it('403: pauses minutes before each retry, then fails', async () => {
    const { c, clock, http } = client([fail(403, '<html>forbidden</html>'), fail(403, ''), fail(403, ''), fail(403, '')]);
    const before = clock.now();
    await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), /failed after 4 attempts: HTTP 403/);
    assert.equal(http.calls, 4);
    assert.ok(clock.now() - before >= 3 * 3 * 60_000, `paused ${(clock.now() - before) / 60_000} minutes`);
  });

  it('-1121, -1120 and other 4xx are not retried', async () => {
    const { c, http } = client([fail(400, { code: -1121, msg: 'Invalid symbol.' })]);
    await assert.rejects(c.klinesFrom('NOPE', '1m', 0, (rows) => rows), /does not know symbol NOPE/);
    assert.equal(http.calls, 1);
    const second = client([fail(400, { code: -1120, msg: 'Invalid interval.' })]);
    await assert.rejects(second.c.klinesFrom('BTCUSDT', '2d', 0, (rows) => rows), /rejected \/api\/v3\/klines for BTCUSDT: HTTP 400: Invalid interval\./);
    assert.equal(second.http.calls, 1);
  });

  it('reads the weight budget from exchangeInfo and follows the used-weight header', async () => {
    const { c } = client([ok(INFO, { 'x-mbx-used-weight-10s': '20' }), ok([KLINE], { 'x-mbx-used-weight-10s': '49' })]);
    await c.exchangeInfo(['BTCUSDT']);
    const { limit, windowMs } = c.limiter.getBudget();
    assert.deepEqual({ limit, windowMs }, { limit: 50, windowMs: 10_000 });
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    // Another process used the budget up: the server says 49 of 50; the next request must wait for the window.
    assert.equal(c.limiter.peakWindowWeight, 49);
  });

  it('counts the weight others used in the live window, as reported by the exchangeInfo that advertised it', async () => {
    // Another process on this IP has used 45 of 50 in the window when our exchangeInfo arrives.
    const { c, clock } = client([ok(INFO, { 'x-mbx-used-weight-10s': '45' }), ok([KLINE]), ok([KLINE])]);
    await c.exchangeInfo(['BTCUSDT']);
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows); // 47 of the 48 we allow ourselves (97%)
    assert.deepEqual(clock.slept, []);
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows); // 49: waits for the next window
    assert.equal(clock.slept.length, 1);
  });

  it('an unknown host is not retried: one clear error naming --base-url', async () => {
    const { c, http } = client([new NetworkError('ENOTFOUND', 'host name not found (DNS)')]);
    await assert.rejects(c.exchangeInfo(), /cannot reach the exchange: the host of http:\/\/x is not found \(DNS\); check --base-url/);
    assert.equal(http.calls, 1);
  });

  it('a DNS hiccup (EAI_AGAIN) is retried', async () => {
    const { c, http } = client([new NetworkError('EAI_AGAIN', 'host name not found (DNS)'), ok(INFO)]);
    assert.equal((await c.exchangeInfo()).serverTime, INFO.serverTime);
    assert.equal(http.calls, 2);
  });

  it('a Retry-After beyond the cap (429, 403, 503) ends the run at once, naming when requests are allowed again', async () => {
    for (const status of [429, 403, 503]) {
      const { c, clock, http } = client([fail(status, { code: -1003, msg: 'Too much request weight used' }, { 'retry-after': '1000000000' }), ok([KLINE])], 3, 300_000);
      const until = new Date(clock.now() + 1e12).toISOString();
      const refused = (err: unknown): boolean => {
        assert.ok(err instanceof ExchangeError);
        assert.equal(err.code, 'retry-after-too-long');
        assert.equal(err.message, `the exchange asks to wait 1000000000 s (HTTP ${status} Retry-After), longer than CRYPTOCOLLECT_MAX_RETRY_AFTER (300 s): it allows requests again at ${until}; run again after that`);
        return true;
      };
      await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), refused);
      assert.deepEqual(clock.slept, []);
      // Nothing more is sent in this run.
      await assert.rejects(c.klinesFrom('ETHUSDT', '1m', 0, (rows) => rows), refused);
      assert.equal(http.calls, 1);
    }
  });

  it('a ban whose Retry-After no date can name is still one clear error', async () => {
    const { c, http } = client([fail(418, { code: -1003, msg: 'Way too much request weight used; IP banned.' }, { 'retry-after': '1e400' })], 3, 300_000);
    await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), (err: unknown) => {
      assert.ok(err instanceof ExchangeError);
      assert.equal(err.code, 'ip-banned');
      assert.match(err.message, /^the exchange banned this IP for exceeding its request weight limit until a time beyond any date; wait until then/);
      return true;
    });
    assert.equal(http.calls, 1);
  });

  it('429s back to back for longer than the cap end the run, though each Retry-After is short', async () => {
    const tooMuch = fail(429, { code: -1003, msg: 'Too much request weight used' }, { 'retry-after': '1' });
    const { c, clock, http, counted } = client(Array.from({ length: 100 }, () => tooMuch), 3, 10_000);
    const start = clock.now();
    await assert.rejects(c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows), (err: unknown) => {
      assert.ok(err instanceof ExchangeError);
      assert.equal(err.code, 'rate-limited-too-long');
      assert.match(err.message, /^the exchange has refused every request with 429 \(request weight limit\) for \d+ s and allows requests again at \S+Z, longer than CRYPTOCOLLECT_MAX_RETRY_AFTER \(10 s\) in all/);
      return true;
    });
    // A 1 s pause (and up to 250 ms of jitter) after each: the tenth or so would end past the 10 s.
    assert.ok(http.calls >= 8 && http.calls <= 11, `${http.calls} requests`);
    assert.ok(clock.now() - start <= 10_000, 'it did not wait past the cap');
    assert.equal(counted.rate_limited, http.calls);
  });

  it('an answer between 429s starts the bound afresh', async () => {
    const tooMuch = fail(429, { code: -1003, msg: 'Too much request weight used' }, { 'retry-after': '4' });
    const { c, http } = client([tooMuch, tooMuch, ok([KLINE]), tooMuch, tooMuch, ok([KLINE])], 3, 10_000);
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    await c.klinesFrom('BTCUSDT', '1m', 0, (rows) => rows);
    assert.equal(http.calls, 6);
  });
});


describe('BinanceClient.ticker24h and permissions', () => {
  it('asks for every symbol once (weight 80, counted like any request), retries like any request, keeps decimal strings', async () => {
    const tickers = [
      { symbol: 'BTCUSDT', quoteVolume: '123456789.12345678', closeTime: 1_700_000_000_000 },
      { symbol: 'BADUSDT', quoteVolume: 'NaN', closeTime: 1_700_000_000_000 },
      { symbol: 'ETHUSDT', quoteVolume: '0.00000001', closeTime: 1_700_000_000_001 },
    ];
    const { c, http, counted } = client([fail(503, 'Service Unavailable'), ok(tickers)]);
    assert.deepEqual(await c.ticker24h(), [
      { symbol: 'BTCUSDT', quoteVolume: '123456789.12345678', closeTime: 1_700_000_000_000 },
      { symbol: 'ETHUSDT', quoteVolume: '0.00000001', closeTime: 1_700_000_000_001 },
    ]);
    assert.equal(http.calls, 2);
    assert.equal(counted.requests, 2);
    assert.equal(counted.weight, 160);
    assert.equal(counted.retries, 1);
  });

  it('exchangeInfo flattens permissions and permission sets (LEVERAGED marks a leveraged token)', async () => {
    const info = {
      ...INFO,
      symbols: [
        { symbol: 'BTCUPUSDT', status: 'TRADING', baseAsset: 'BTCUP', quoteAsset: 'USDT', permissions: [], permissionSets: [['LEVERAGED'], ['SPOT', 'LEVERAGED']] },
        { symbol: 'ETHUPUSDT', status: 'BREAK', baseAsset: 'ETHUP', quoteAsset: 'USDT', permissions: ['LEVERAGED'] },
        { symbol: 'JUPUSDT', status: 'TRADING', baseAsset: 'JUP', quoteAsset: 'USDT', permissions: [], permissionSets: [['SPOT', 'MARGIN']] },
      ],
    };
    const { c } = client([ok(info)]);
    assert.deepEqual((await c.exchangeInfo()).symbols.map((s) => [s.symbol, s.permissions]), [
      ['BTCUPUSDT', ['LEVERAGED', 'SPOT']],
      ['ETHUPUSDT', ['LEVERAGED']],
      ['JUPUSDT', ['SPOT', 'MARGIN']],
    ]);
  });
});
