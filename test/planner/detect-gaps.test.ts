import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectedEnd, detectGaps, missingWithin } from '../../src/planner/detect-gaps.js';
import { describeRange } from '../../src/planner/describe-range.js';
import { PageCursor } from '../../src/planner/page-cursor.js';
import { firstUnproven } from '../../src/planner/first-unproven.js';
import type { SeriesCoverage } from '../../src/planner/series-coverage.js';

const H = 3_600_000;
const cov = (over: Partial<SeriesCoverage>): SeriesCoverage => ({
  startTime: 0,
  candleCount: 0,
  firstOpen: null,
  lastOpen: null,
  candlesEnd: null,
  holes: [],
  empties: [],
  watermark: 0,
  ...over,
});

describe('detectGaps', () => {
  it('an untouched series has no gaps and is collected up to its start', () => {
    const report = detectGaps(cov({}));
    assert.deepEqual(report.gaps, []);
    assert.equal(report.collectedEnd, 0);
  });

  it('a complete series has no gaps', () => {
    assert.deepEqual(detectGaps(cov({ candleCount: 10, firstOpen: 0, lastOpen: 9 * H, candlesEnd: 10 * H })).gaps, []);
  });

  it('one missing candle is one gap', () => {
    const report = detectGaps(cov({ candleCount: 9, firstOpen: 0, lastOpen: 9 * H, candlesEnd: 10 * H, holes: [{ from: 4 * H, to: 5 * H }] }));
    assert.deepEqual(report.gaps, [{ from: 4 * H, to: 5 * H }]);
  });

  it('exchange-empty ranges are not gaps', () => {
    const report = detectGaps(
      cov({
        candleCount: 4,
        firstOpen: 2 * H,
        lastOpen: 7 * H,
        candlesEnd: 8 * H,
        holes: [{ from: 4 * H, to: 6 * H }],
        empties: [
          { from: 0, to: 2 * H },
          { from: 4 * H, to: 6 * H },
          { from: 8 * H, to: 12 * H },
        ],
      }),
    );
    assert.deepEqual(report.gaps, []);
    assert.equal(report.collectedEnd, 12 * H);
    assert.deepEqual(report.exchangeEmpty.length, 3);
  });

  it('a missing head (rows deleted at the start) is a gap', () => {
    const report = detectGaps(cov({ candleCount: 5, firstOpen: 5 * H, lastOpen: 9 * H, candlesEnd: 10 * H }));
    assert.deepEqual(report.gaps, [{ from: 0, to: 5 * H }]);
  });

  it('uncollected space between a killed run’s later page and the rest is a gap; the tail is not', () => {
    const c = cov({ candleCount: 2, firstOpen: 0, lastOpen: 20 * H, candlesEnd: 21 * H, holes: [{ from: H, to: 20 * H }] });
    assert.deepEqual(detectGaps(c).gaps, [{ from: H, to: 20 * H }]);
    assert.equal(collectedEnd(c), 21 * H);
    assert.deepEqual(missingWithin(c, { from: 0, to: 30 * H }), [
      { from: H, to: 20 * H },
      { from: 21 * H, to: 30 * H },
    ]);
  });

  it('rows deleted at the newest end, up to the watermark, are a gap', () => {
    const c = cov({ candleCount: 5, firstOpen: 0, lastOpen: 4 * H, candlesEnd: 5 * H, watermark: 10 * H });
    assert.deepEqual(detectGaps(c).gaps, [{ from: 5 * H, to: 10 * H }]);
    assert.equal(collectedEnd(c), 10 * H);
    // A whole series deleted (or TRUNCATE candle_data): everything up to the watermark, but what the exchange has no candles for.
    const none = cov({ startTime: 0, watermark: 10 * H, empties: [{ from: 0, to: 2 * H }] });
    assert.deepEqual(detectGaps(none).gaps, [{ from: 2 * H, to: 10 * H }]);
  });

  it('a backfill window only fetches what is uncollected inside it', () => {
    const c = cov({ startTime: 0, candleCount: 10, firstOpen: 0, lastOpen: 9 * H, candlesEnd: 10 * H, empties: [{ from: 10 * H, to: 15 * H }] });
    assert.deepEqual(missingWithin(c, { from: 0, to: 15 * H }), []);
    assert.deepEqual(missingWithin(c, { from: 0, to: 20 * H }), [{ from: 15 * H, to: 20 * H }]);
  });
});

describe('PageCursor', () => {
  const all = (c: PageCursor) => {
    const out = [];
    for (let p = c.next(); p; p = c.next()) out.push(p);
    return out;
  };
  it('hands out pages of at most 1000 slots, one missing range after another', () => {
    const c = new PageCursor('1h', [{ from: 0, to: 2500 * H }, { from: 3000 * H, to: 3001 * H }], 1000);
    assert.deepEqual(all(c), [
      { from: 0, to: 1000 * H },
      { from: 1000 * H, to: 2000 * H },
      { from: 2000 * H, to: 2500 * H },
      { from: 3000 * H, to: 3001 * H },
    ]);
    assert.equal(c.current(), null);
  });

  it('calendar months per page for 1M', () => {
    const from = Date.UTC(2017, 0, 1);
    assert.equal(all(new PageCursor('1M', [{ from, to: Date.UTC(2024, 0, 1) }], 12)).length, 7);
  });

  it('makes pages lazily: a decade of seconds holds one range, not millions', () => {
    const c = new PageCursor('1s', [{ from: 0, to: 10 * 365 * 86_400_000 }], 1000);
    assert.deepEqual(c.next(), { from: 0, to: 1_000_000 });
    assert.deepEqual(c.current(), { from: 1_000_000, to: 10 * 365 * 86_400_000 });
  });

  it('tells the rest of the current range, and skips past what an answer already covered', () => {
    const c = new PageCursor('1h', [{ from: 0, to: 5000 * H }, { from: 6000 * H, to: 7000 * H }], 1000);
    assert.deepEqual(c.next(), { from: 0, to: 1000 * H });
    assert.deepEqual(c.skipTo(3500 * H), { from: 1000 * H, to: 3500 * H });
    assert.equal(c.skipTo(2000 * H), null);
    assert.deepEqual(c.current(), { from: 3500 * H, to: 5000 * H });
    assert.deepEqual(c.skipTo(5000 * H), { from: 3500 * H, to: 5000 * H });
    assert.deepEqual(c.current(), { from: 6000 * H, to: 7000 * H });
    assert.deepEqual(c.skipTo(9000 * H), { from: 6000 * H, to: 7000 * H });
    assert.equal(c.next(), null);
  });
});

describe('firstUnproven', () => {
  it('is where the first missing point no answer proved lies, or the end when all are proven', () => {
    const missing = [{ from: 2 * H, to: 5 * H }, { from: 8 * H, to: 9 * H }];
    assert.equal(firstUnproven(missing, [], 10 * H), 2 * H);
    assert.equal(firstUnproven(missing, [{ from: 2 * H, to: 4 * H }], 10 * H), 4 * H);
    assert.equal(firstUnproven(missing, [{ from: 2 * H, to: 5 * H }], 10 * H), 8 * H);
    assert.equal(firstUnproven(missing, [{ from: 2 * H, to: 5 * H }, { from: 8 * H, to: 9 * H }], 10 * H), 10 * H);
  });
});

describe('describeRange', () => {
  const iso = (s: string) => Date.parse(s);
  it('an on-grid range: first and last missing open time, inclusive', () => {
    assert.deepEqual(describeRange('1h', { from: iso('2024-03-01T10:00:00Z'), to: iso('2024-03-01T13:00:00Z') }), {
      from: '2024-03-01T10:00:00.000Z',
      to: '2024-03-01T12:00:00.000Z',
      candles: 3,
    });
  });
  it('after a candle cut short (2023-03-24 12:00 closed 12:39:41.646) it counts the grid slots', () => {
    assert.deepEqual(describeRange('1h', { from: iso('2023-03-24T12:39:41.647Z'), to: iso('2023-03-24T14:00:00Z') }), {
      from: '2023-03-24T13:00:00.000Z',
      to: '2023-03-24T13:00:00.000Z',
      candles: 1,
    });
  });
  it('a sliver between off-grid candles stands for no candle', () => {
    assert.equal(describeRange('1h', { from: iso('2018-02-10T01:28:14.789Z'), to: iso('2018-02-10T01:59:00Z') }).candles, 0);
  });
  it('months', () => {
    assert.deepEqual(describeRange('1M', { from: iso('2024-01-01T00:00:00Z'), to: iso('2024-04-01T00:00:00Z') }), {
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-03-01T00:00:00.000Z',
      candles: 3,
    });
  });
});
