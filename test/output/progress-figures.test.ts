// The progress display's arithmetic, fed events by hand on a clock the test moves: percent of the expected candle
// slots, candles per second over the last minute, ETA, the weight used against the budget, and the waiting
// countdown. No real time passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/run-events.ts';
import { ProgressFigures, RATE_WINDOW_MS } from '../../src/output/progress-figures.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function figures(startedAt = T0 - 1500): { f: ProgressFigures; at: (ms: number) => void; feed: (...events: RunEvent[]) => void } {
  let now = T0;
  const f = new ProgressFigures(() => now, startedAt);
  return { f, at: (ms) => void (now = T0 + ms), feed: (...events) => events.forEach((e) => f.observe(e)) };
}

const planned = (symbol: string, interval: string, pages: number, candles: number): RunEvent => ({ type: 'series-planned', symbol, interval, pages, candles });
const page = (symbol: string, from: number, slots: number, candles = slots, planned = true): RunEvent => ({
  type: 'page-written',
  symbol,
  interval: '1m',
  from,
  to: from + slots * MIN,
  planned,
  candles,
  ms: 3,
});
const finished = (symbol: string, interval: string, status: 'success' | 'failed' | 'skipped', candles: number): RunEvent => ({
  type: 'series-finished',
  symbol,
  interval,
  status,
  candles,
  error: status === 'success' ? null : 'boom',
  ms: 0,
});
const answered = (weight: number, usedWeight: number | null): RunEvent => ({
  type: 'request-answered',
  source: 'binance',
  endpoint: '/api/v3/klines',
  status: 200,
  weight,
  latencyMs: 5,
  usedWeight,
});

describe('progress figures', () => {
  it('start-up: the phase and the time since the invocation began, nothing measured yet', () => {
    const { f, at, feed } = figures();
    let s = f.snapshot();
    assert.equal(s.phase, 'starting');
    assert.equal(s.elapsedMs, 1500);
    feed({ type: 'phase', phase: 'opening-database' });
    at(700);
    feed({ type: 'phase', phase: 'reading-exchange-info' });
    s = f.snapshot();
    assert.equal(s.phase, 'reading-exchange-info');
    assert.equal(s.elapsedMs, 2200);
    assert.equal(s.fraction, 0);
    assert.equal(s.candlesPerSecond, null);
    assert.equal(s.etaMs, null);
    assert.equal(s.waiting, null);
    assert.deepEqual(s.series, { total: 0, done: 0, failed: 0, skipped: 0 });
  });

  it('percent, written / expected, pages, rate and ETA as pages are written', () => {
    const { f, at, feed } = figures();
    feed(planned('BTCUSDT', '1m', 3, 3000), planned('ETHUSDT', '1h', 1, 500));
    let s = f.snapshot();
    assert.equal(s.phase, 'collecting');
    assert.deepEqual(s.candles, { written: 0, expected: 3500 });
    assert.deepEqual(s.pages, { done: 0, planned: 4 });
    assert.equal(s.series.total, 2);
    assert.equal(s.candlesPerSecond, null, 'no pace before a second is measured');

    at(2000);
    feed(page('BTCUSDT', 0, 1000));
    s = f.snapshot();
    assert.deepEqual(s.candles, { written: 1000, expected: 3500 });
    assert.deepEqual(s.pages, { done: 1, planned: 4 });
    assert.equal(s.fraction, 1000 / 3500);
    assert.equal(s.candlesPerSecond, 500);
    // 2,500 slots left at 500 a second.
    assert.equal(s.etaMs, 5000);

    // A page the exchange answered with fewer candles than slots (a range it has no candles for) still settles
    // its slots: the percent goes by what is left to fetch, the count by what was stored.
    at(4000);
    feed(page('BTCUSDT', 1000 * MIN, 1000, 400));
    s = f.snapshot();
    assert.deepEqual(s.candles, { written: 1400, expected: 3500 });
    assert.equal(s.fraction, 2000 / 3500);
    assert.equal(s.candlesPerSecond, 350);
    assert.equal(s.etaMs, (1500 / 500) * 1000);

    // A page that was not planned (a second look at a range) settles no slot again, and no series settles more
    // than it was expected to have.
    feed(page('BTCUSDT', 1000 * MIN, 1000, 0, false), page('BTCUSDT', 2000 * MIN, 1500, 1000));
    s = f.snapshot();
    assert.deepEqual(s.pages, { done: 3, planned: 4 });
    assert.equal(s.fraction, 3000 / 3500);

    // A series that ends settles what it was expected to: the rest is empty on the exchange or left for later.
    feed(finished('BTCUSDT', '1m', 'success', 2400), finished('ETHUSDT', '1h', 'failed', 0));
    s = f.snapshot();
    assert.equal(s.fraction, 1);
    assert.equal(s.etaMs, 0);
    assert.deepEqual(s.series, { total: 2, done: 2, failed: 1, skipped: 0 });
  });

  it('measures the pace over the last minute only', () => {
    const { f, at, feed } = figures();
    feed(planned('BTCUSDT', '1m', 100, 100_000));
    // A fast first minute, then a slow one.
    at(30_000);
    feed(page('BTCUSDT', 0, 60_000));
    at(RATE_WINDOW_MS + 30_000);
    feed(page('BTCUSDT', 60_000 * MIN, 6000));
    at(RATE_WINDOW_MS + 40_000);
    // At 100 s the window reaches back to the sample at 30 s: 6,000 candles in 70 s, not 66,000 in 100 s.
    assert.equal(f.snapshot().candlesPerSecond, 6000 / 70);
    at(2 * RATE_WINDOW_MS + 30_000);
    const s = f.snapshot();
    // From the sample one window back (at 90 s: 66,000 written) to now (150 s): nothing more.
    assert.equal(s.candlesPerSecond, 0);
    assert.equal(s.etaMs, null, 'no pace, no ETA');
  });

  it('counts down a wait for the weight budget, and a 429 pause, to their ends', () => {
    const { f, at, feed } = figures();
    feed(planned('BTCUSDT', '1m', 10, 10_000));
    at(1000);
    feed(page('BTCUSDT', 0, 1000), { type: 'budget-wait', source: 'binance', until: T0 + 13_000 });
    let s = f.snapshot();
    assert.deepEqual(s.waiting, { reason: 'budget', resumesInMs: 12_000 });
    // At the pace so far the rest would take 9 s: but nothing comes before the wait ends.
    assert.equal(s.etaMs, 12_000);
    at(5_500);
    assert.deepEqual(f.snapshot().waiting, { reason: 'budget', resumesInMs: 7_500 });
    // Another request waiting for the same window changes nothing; an earlier end is no news.
    feed({ type: 'budget-wait', source: 'binance', until: T0 + 13_000 }, { type: 'budget-wait', source: 'binance', until: T0 + 8_000 });
    assert.deepEqual(f.snapshot().waiting, { reason: 'budget', resumesInMs: 7_500 });
    // A 429 pauses everything until its Retry-After: the requests waiting then say the same end.
    feed({ type: 'rate-limited', source: 'binance', status: 429, until: T0 + 20_000 }, { type: 'budget-wait', source: 'binance', until: T0 + 20_000 });
    s = f.snapshot();
    assert.deepEqual(s.waiting, { reason: 'rate-limited', resumesInMs: 14_500 });
    assert.equal(s.rateLimited, 1);
    at(20_000);
    assert.equal(f.snapshot().waiting, null, 'over at its end');
    feed({ type: 'budget-wait', source: 'binance', until: T0 + 30_000 }, { type: 'run-finished', runId: 1, status: 'interrupted' });
    s = f.snapshot();
    assert.equal(s.waiting, null, 'a finished run waits for nothing');
    assert.equal(s.phase, 'finished');
    assert.equal(s.status, 'interrupted');
  });

  it('the weight used: the exchange’s count while it is of the current window, else our own over the window', () => {
    const { f, at, feed } = figures();
    assert.deepEqual(f.snapshot().weight, { used: 0, limit: null, windowMs: null });
    feed(answered(20, null));
    assert.deepEqual(f.snapshot().weight, { used: 20, limit: null, windowMs: null }, 'ours, before the budget is known');
    feed({ type: 'weight-budget', source: 'binance', limit: 6000, windowMs: MIN, usedWeight: 1200 });
    assert.deepEqual(f.snapshot().weight, { used: 1200, limit: 6000, windowMs: MIN }, 'other processes on the IP count too');
    at(1000);
    feed(answered(2, 1202), answered(2, null));
    assert.equal(f.snapshot().weight.used, 1202, 'a request without a count keeps the last one');
    at(MIN + 1000);
    assert.equal(f.snapshot().weight.used, 0, 'a count a window old is over, and so is our weight before it');
    feed(answered(2, null), answered(2, null));
    assert.equal(f.snapshot().weight.used, 4);
    assert.equal(f.snapshot().requests, 5);
  });

  it('retries, skipped series, and a series that finishes unplanned', () => {
    const { f, feed } = figures();
    feed(
      { type: 'retry', source: 'binance', endpoint: '/api/v3/klines', reason: 'HTTP 502', attempt: 1 },
      { type: 'retry', source: 'binance', endpoint: '/api/v3/klines', reason: 'HTTP 502', attempt: 2 },
      planned('BTCUSDT', '1m', 0, 0),
      finished('BTCUSDT', '1m', 'skipped', 0),
      finished('DELISTED', '1m', 'failed', 0),
    );
    const s = f.snapshot();
    assert.equal(s.retries, 2);
    assert.deepEqual(s.series, { total: 2, done: 2, failed: 1, skipped: 1 });
    assert.equal(s.fraction, 1, 'nothing expected and everything finished');
  });
});
