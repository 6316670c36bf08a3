import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSlots, alignDown, alignUp, countSlots, INTERVALS, isInterval } from '../../src/planner/intervals.js';

const H = 3_600_000;
const t = (iso: string): number => Date.parse(iso);

describe('intervals', () => {
  it('knows all sixteen Binance intervals, case-sensitively', () => {
    assert.deepEqual([...INTERVALS].sort(), ['12h', '15m', '1M', '1d', '1h', '1m', '1s', '1w', '2h', '30m', '3d', '3m', '4h', '5m', '6h', '8h'].sort());
    assert.equal(isInterval('1M'), true);
    assert.equal(isInterval('1H'), false);
    assert.equal(isInterval('2d'), false);
  });

  const cases: Array<[string, string, string, string]> = [
    // interval, t, alignDown, alignUp
    ['1h', '2024-01-01T10:30:00Z', '2024-01-01T10:00:00.000Z', '2024-01-01T11:00:00.000Z'],
    ['1h', '2024-01-01T10:00:00Z', '2024-01-01T10:00:00.000Z', '2024-01-01T10:00:00.000Z'],
    ['1w', '2024-01-03T00:00:00Z', '2024-01-01T00:00:00.000Z', '2024-01-08T00:00:00.000Z'], // Mondays
    ['1M', '2024-02-15T12:00:00Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['3d', '1970-01-05T00:00:00Z', '1970-01-04T00:00:00.000Z', '1970-01-07T00:00:00.000Z'],
    ['1d', '2024-02-29T23:59:59.999Z', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
  ];
  for (const [interval, at, down, up] of cases) {
    it(`aligns ${at} on ${interval}`, () => {
      assert.equal(new Date(alignDown(interval, t(at))).toISOString(), down);
      assert.equal(new Date(alignUp(interval, t(at))).toISOString(), up);
    });
  }

  it('steps months by the calendar and counts slots', () => {
    assert.equal(new Date(addSlots('1M', t('2024-01-01T00:00:00Z'), 13)).toISOString(), '2025-02-01T00:00:00.000Z');
    assert.equal(countSlots('1M', t('2024-01-01T00:00:00Z'), t('2025-01-01T00:00:00Z')), 12);
    assert.equal(countSlots('1h', 0, 10 * H), 10);
    assert.equal(countSlots('1h', 0, 10 * H + 1), 11);
    assert.equal(countSlots('1h', 5, 5), 0);
  });
});
