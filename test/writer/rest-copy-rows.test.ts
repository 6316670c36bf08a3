// A REST page's COPY rows (writer/rest-copy-rows.ts) against the general path (CandleCopyRowsBuilder.push, whose
// differences are decimalDifference's, checked against the database's own subtraction): the same direct lines for
// every candle that fits the compact row, every other candle kept as columns, and the span of them all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../src/domain.ts';
import { CandleCopyRowsBuilder } from '../../src/writer/candle-copy-rows.ts';
import { restCopyRows } from '../../src/writer/rest-copy-rows.ts';
import { minuteCandle } from '../support/minute-candle.ts';
import { directRowsText } from '../support/direct-rows-text.ts';
import { seededDecimals } from '../support/seeded-decimals.ts';

const T0 = Date.UTC(2024, 0, 1);

function general(seriesId: number, interval: string, candles: readonly Candle[]): { direct: string[]; staged: number } {
  const b = new CandleCopyRowsBuilder(seriesId);
  for (const c of candles) b.push(c, interval);
  const rows = b.take();
  return { direct: directRowsText(rows.direct.pieces), staged: rows.staged.count };
}

describe('a REST page as COPY rows', () => {
  it('writes candle_data’s line: ISO open time, open, the three differences, the volumes, trades, the series', () => {
    const rows = restCopyRows(9, '1m', [minuteCandle(T0, 0), minuteCandle(T0, 1, { open: '101', high: '101.25', low: '99.5', close: '101' })]);
    assert.deepEqual(directRowsText(rows.direct.pieces), [
      '2024-01-01T00:00:00Z,100.10000000,0.90000000,-0.60000000,0.10000000,3.25000000,325.81250000,17,1.00000000,100.15000000,9',
      '2024-01-01T00:01:00Z,101,0.25,-1.5,0,3.25000000,325.81250000,18,1.00000000,100.15000000,9',
    ]);
    assert.deepEqual([rows.count, rows.direct.count, rows.staged.count, rows.span], [2, 2, 0, { first: T0, last: T0 + 60_000 }]);
  });

  it('keeps as columns the candles that may not fit: a cut-short close, fewer decimals, a huge trade count, a negative price', () => {
    const odd = [
      minuteCandle(T0, 0, { closeTime: T0 + 29_999 }),
      minuteCandle(T0, 1, { high: '101.5' }),
      minuteCandle(T0, 2, { trades: 3_000_000_000 }),
      minuteCandle(T0, 4, { low: '-1.00000000' }),
    ];
    const rows = restCopyRows(9, '1m', [minuteCandle(T0, 5), ...odd]);
    assert.deepEqual([rows.count, rows.direct.count, rows.staged.count], [5, 1, 4]);
    assert.ok(!('pieces' in rows.staged));
    assert.equal(rows.staged.openTime, odd.map((c) => c.openTime).join(','));
    assert.equal(rows.staged.high, odd.map((c) => c.high).join(','));
    assert.deepEqual(rows.span, { first: T0, last: T0 + 5 * 60_000 });
  });

  it('writes a price of more than 15 digits that fits the compact row the general way, exactly', () => {
    const rows = restCopyRows(9, '1m', [minuteCandle(T0, 0, { high: '1234567890123.00000000' })]);
    assert.deepEqual([rows.direct.count, rows.staged.count], [1, 0]);
    assert.equal(directRowsText(rows.direct.pieces)[0], '2024-01-01T00:00:00Z,100.10000000,1234567890022.90000000,-0.60000000,0.10000000,3.25000000,325.81250000,17,1.00000000,100.15000000,9');
  });

  it('makes the general path’s lines of 20,000 generated candles, and keeps the same ones aside', () => {
    const { next, price } = seededDecimals(11);
    const steps = { '1s': 1000, '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
    const seen = { direct: 0, staged: 0 };
    for (const interval of Object.keys(steps) as (keyof typeof steps)[]) {
      const step = steps[interval];
      const candles: Candle[] = [];
      for (let i = 0; i < 5_000; i++) {
        const openTime = T0 + i * step + (next(40) === 0 ? 500 : 0);
        const scale = next(9);
        const whole = 1 + next(7);
        const p = (): string => price(whole, next(12) === 0 ? next(10) : scale);
        candles.push({
          openTime,
          closeTime: openTime + step - 1 - (next(30) === 0 ? 300 : 0),
          open: p(),
          high: p(),
          low: p(),
          close: p(),
          volume: price(4, 8),
          quoteVolume: price(7, 8),
          trades: next(30) === 0 ? 2_147_483_000 + next(2000) : next(100_000),
          takerBuyBaseVolume: price(4, 8),
          takerBuyQuoteVolume: price(7, 8),
        });
      }
      for (let at = 0; at < candles.length; at += 1000) {
        const page = candles.slice(at, at + 1000);
        const rows = restCopyRows(3, interval, page);
        const want = general(3, interval, page);
        assert.deepEqual({ direct: directRowsText(rows.direct.pieces), staged: rows.staged.count }, want);
        assert.equal(rows.count, page.length);
        seen.direct += rows.direct.count;
        seen.staged += rows.staged.count;
      }
    }
    assert.ok(seen.direct > 5_000 && seen.staged > 5_000, JSON.stringify(seen));
  });
});
