// Every kind of interval grid through the CLI: minutes, days, Monday weeks, 3-day epoch slots, calendar months.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 12, 15, 7, 3);

describe('intervals', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW } });

  it('stores the closed candles of 15m, 4h, 1d, 3d, 1w and 1M series exactly', async () => {
    const intervals = ['15m', '4h', '1d', '3d', '1w', '1M'];
    const res = await scene.run(['backfill', '--since', '2023-01-01', '--symbols', 'ETHUSDT', '--interval', intervals.join(','), '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(jsonOf<{ series: unknown[] }>(res).series.length, 6);
    for (const interval of intervals) {
      const expected = scene.fake.expectedKlines('ETHUSDT', interval, Date.UTC(2023, 0, 1), NOW);
      assert.ok(expected.length > 0);
      assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', interval), expected, interval);
    }
    // The June 2024 month, this week and today are still open: not stored.
    const months = await storedKlines(scene.target, 'ETHUSDT', '1M');
    assert.equal(new Date(months[months.length - 1]?.[0] ?? 0).toISOString(), '2024-05-01T00:00:00.000Z');
    const weeks = await storedKlines(scene.target, 'ETHUSDT', '1w');
    assert.equal(new Date(weeks[0]?.[0] ?? 0).toISOString(), '2023-01-02T00:00:00.000Z'); // the first Monday
  });
});
