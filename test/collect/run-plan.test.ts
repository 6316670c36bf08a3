// The dry run's arithmetic: pages and weight per series, what the run spends before its pages, and the least time
// the advertised budget allows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRun, type PlannedJob } from '../../src/collect/run-plan.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
// Pages of 1,000 slots, 2 weight each, as the REST source counts them.
const source = {
  pageWeight: 2,
  countPages: (_interval: string, missing: readonly { from: number; to: number }[]) => missing.reduce((n, r) => n + Math.ceil((r.to - r.from) / H / 1000), 0),
};
const inputs = (weightLimit = 6000) => ({
  command: 'backfill',
  serverTime: T0 + 5000 * H,
  setup: { requests: 1, weight: 20 },
  spent: { requests: 3, weight: 24 },
  budget: { limit: weightLimit, windowMs: 60_000 },
});

describe('planRun', () => {
  const jobs: PlannedJob[] = [
    { series: { symbol: 'BTCUSDT', interval: '1h' }, missing: [{ from: T0, to: T0 + 2500 * H }] },
    { series: { symbol: 'ETHUSDT', interval: '1h' }, missing: [{ from: T0, to: T0 + 10 * H }, { from: T0 + 20 * H, to: T0 + 30 * H }], confirms: 1 },
    { series: { symbol: 'BNBUSDT', interval: '1h' }, missing: [] },
    { series: { symbol: 'OLDUSDT', interval: '1h' }, missing: [{ from: T0, to: T0 + H }], error: 'the exchange no longer lists OLDUSDT' },
  ];

  it('counts pages, confirmations and weight per series, and the run as a whole', () => {
    const plan = planRun(source, jobs, inputs());
    assert.deepEqual(
      plan.series.map((s) => [s.symbol, s.status, s.ranges.length, s.candles, s.requests, s.weight, s.error]),
      [
        ['BTCUSDT', 'fetch', 1, 2500, 3, 6, null],
        ['ETHUSDT', 'fetch', 2, 20, 3, 6, null],
        ['BNBUSDT', 'current', 0, 0, 0, 0, null],
        ['OLDUSDT', 'failed', 0, 0, 0, 0, 'the exchange no longer lists OLDUSDT'],
      ],
    );
    assert.deepEqual(plan.series[1]?.ranges, [
      { from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T09:00:00.000Z', candles: 10 },
      { from: '2024-01-01T20:00:00.000Z', to: '2024-01-02T05:00:00.000Z', candles: 10 },
    ]);
    assert.equal(plan.series_to_fetch, 2);
    assert.equal(plan.ranges, 3);
    assert.equal(plan.candles, 2520);
    // The run's own exchangeInfo counts; the dry run's looks do not.
    assert.equal(plan.requests, 1 + 6);
    assert.equal(plan.weight, 20 + 12);
    assert.equal(plan.dry_run_requests, 3);
    assert.equal(plan.dry_run_weight, 24);
    assert.equal(plan.server_time, new Date(T0 + 5000 * H).toISOString());
  });

  it('a run within one window of the budget takes no wait; beyond it, the rest goes at the budget rate', () => {
    assert.equal(planRun(source, jobs, inputs()).estimated_seconds, 0);
    // Weight 32 against 10 a minute: 10 at once, 22 more take 2.2 windows.
    assert.equal(planRun(source, jobs, inputs(10)).estimated_seconds, 132);
    assert.deepEqual(planRun(source, jobs, inputs(10)).budget, { weight: 10, window_seconds: 60 });
  });
});
