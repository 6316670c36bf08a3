import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle, Range } from '../../src/domain.js';
import { interpretPage, type PageAnswer } from '../../src/planner/interpret-page.js';

const H = 3_600_000;
const candle = (open: number, close = open + H - 1): Candle => ({
  openTime: open,
  closeTime: close,
  open: '1.00000000',
  high: '2.00000000',
  low: '0.50000000',
  close: '1.50000000',
  volume: '10.00000000',
  quoteVolume: '15.00000000',
  trades: 3,
  takerBuyBaseVolume: '5.00000000',
  takerBuyQuoteVolume: '7.50000000',
});
const NOW = 1000 * H;

/** An answer as the exchange gives it for a page asked from `range.from` without an end time. */
function answer(range: Range, all: readonly Candle[], opts: { answerTime?: number | undefined; full?: boolean } = {}): PageAnswer {
  const answerTime = 'answerTime' in opts ? opts.answerTime : NOW;
  const full = opts.full ?? false;
  const opens = all.map((c) => c.openTime);
  const after = opens.filter((t) => t >= range.to);
  return {
    candles: all.filter((c) => c.openTime >= range.from && c.openTime < range.to),
    newestOpen: opens.length ? Math.max(...opens) : null,
    nextOpen: after.length ? Math.min(...after) : null,
    full,
    answerTime,
  };
}

describe('interpretPage', () => {
  it('an empty answer is "not yet", never exchange-empty: nothing after it vouches for the range', () => {
    const range = { from: 0, to: 10 * H };
    assert.deepEqual(interpretPage('1h', range, answer(range, [])), {
      candles: [],
      empties: [],
      answeredTo: 0,
      rest: null,
      notYet: range,
      nextOpen: null,
    });
  });

  it('a range with no candle is empty when the answer shows a candle after it', () => {
    const range = { from: 0, to: 10 * H };
    const res = interpretPage('1h', range, answer(range, [candle(30 * H), candle(31 * H)]));
    assert.deepEqual(res.empties, [range]);
    assert.equal(res.answeredTo, 10 * H);
    assert.equal(res.nextOpen, 30 * H);
    assert.equal(res.notYet, null);
  });

  it('records a late listing and a hole; the stretch after the last candle is not yet', () => {
    const range = { from: 0, to: 10 * H };
    const res = interpretPage('1h', range, answer(range, [candle(2 * H), candle(3 * H), candle(6 * H)]));
    assert.equal(res.candles.length, 3);
    assert.deepEqual(res.empties, [
      { from: 0, to: 2 * H },
      { from: 4 * H, to: 6 * H },
    ]);
    assert.equal(res.answeredTo, 7 * H);
    assert.deepEqual(res.notYet, { from: 7 * H, to: 10 * H });
  });

  it('a complete page has no empties and answers its whole range', () => {
    const range = { from: 0, to: 5 * H };
    const res = interpretPage('1h', range, answer(range, Array.from({ length: 6 }, (_, i) => candle(i * H))));
    assert.deepEqual(res.empties, []);
    assert.equal(res.candles.length, 5);
    assert.equal(res.answeredTo, 5 * H);
  });

  it('an answer cut by its limit continues where its last candle closed, and claims nothing after it', () => {
    const range = { from: 0, to: 10 * H };
    const res = interpretPage('1h', range, answer(range, Array.from({ length: 3 }, (_, i) => candle(i * H)), { full: true }));
    assert.deepEqual(res.empties, []);
    assert.deepEqual(res.rest, { from: 3 * H, to: 10 * H });
    assert.equal(res.notYet, null);
    // After a candle 1 ms longer than its interval (2018-02-11), the next opens before it closes: from its open + 1.
    const long = interpretPage('1h', range, answer(range, [candle(0), candle(H, 2 * H)], { full: true }));
    assert.deepEqual(long.rest, { from: H + 1, to: 10 * H });
  });

  it('keeps the newest candle only when a later one exists or it closed before the answer’s own time', () => {
    const range = { from: 0, to: 10 * H };
    // The answering server is at 01:10: its 01:00 candle is still open, whatever the run read from another server.
    const res = interpretPage('1h', range, answer(range, [candle(0), candle(H)], { answerTime: H + 10 * 60_000 }));
    assert.deepEqual(res.candles.map((c) => c.openTime), [0]);
    assert.deepEqual(res.empties, []);
    assert.deepEqual(res.notYet, { from: H, to: 10 * H });
    // The same answer from a server at 02:00:00.5 closed it, but only just: within the Date header's second.
    assert.deepEqual(interpretPage('1h', range, answer(range, [candle(0), candle(H)], { answerTime: 2 * H + 500 })).candles.map((c) => c.openTime), [0]);
    assert.deepEqual(interpretPage('1h', range, answer(range, [candle(0), candle(H)], { answerTime: 2 * H + 1000 })).candles.map((c) => c.openTime), [0, H]);
  });

  it('without a Date header, only a later candle proves a candle closed', () => {
    const range = { from: 0, to: 10 * H };
    const res = interpretPage('1h', range, answer(range, [candle(0), candle(H)], { answerTime: undefined }));
    assert.deepEqual(res.candles.map((c) => c.openTime), [0]);
    assert.deepEqual(res.notYet, { from: H, to: 10 * H });
    // Cut by its limit, the same answer is asked again from the candle it could not judge.
    assert.deepEqual(interpretPage('1h', range, answer(range, [candle(0), candle(H)], { answerTime: undefined, full: true })).rest, { from: H, to: 10 * H });
  });

  it('the still-open candle after the range proves every candle in it closed', () => {
    const range = { from: 0, to: 3 * H };
    const res = interpretPage('1h', range, answer(range, [candle(0), candle(H), candle(2 * H), candle(3 * H)], { answerTime: 3 * H + 5 }));
    assert.equal(res.candles.length, 3);
    assert.equal(res.answeredTo, 3 * H);
  });

  it('handles off-grid and truncated candles (2018-02-08) by close time, not by the grid', () => {
    const range = { from: 0, to: 11 * H };
    const cut = candle(0, 28 * 60_000 + 14_788); // closed early at 00:28:14.788
    const offGrid = candle(9 * H + 28 * 60_000 + 14_789); // reopened at 09:28:14.789
    const res = interpretPage('1h', range, answer(range, [cut, offGrid, candle(12 * H)]));
    assert.deepEqual(res.empties, [
      { from: 28 * 60_000 + 14_789, to: 9 * H + 28 * 60_000 + 14_789 },
      { from: 10 * H + 28 * 60_000 + 14_789, to: 11 * H },
    ]);
  });
});
