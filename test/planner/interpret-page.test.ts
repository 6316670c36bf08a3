import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candle } from '../../src/domain.js';
import { interpretPage } from '../../src/planner/interpret-page.js';

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

describe('interpretPage', () => {
  it('an empty answer makes the whole range exchange-empty', () => {
    assert.deepEqual(interpretPage({ from: 0, to: 10 * H }, [], NOW, false), { candles: [], empties: [{ from: 0, to: 10 * H }], rest: null });
  });

  it('records a late listing, a hole and a delisting', () => {
    const page = [candle(2 * H), candle(3 * H), candle(6 * H)];
    const res = interpretPage({ from: 0, to: 10 * H }, page, NOW, false);
    assert.equal(res.candles.length, 3);
    assert.deepEqual(res.empties, [
      { from: 0, to: 2 * H },
      { from: 4 * H, to: 6 * H },
      { from: 7 * H, to: 10 * H },
    ]);
    assert.equal(res.rest, null);
  });

  it('a complete page has no empties', () => {
    const page = Array.from({ length: 5 }, (_, i) => candle(i * H));
    assert.deepEqual(interpretPage({ from: 0, to: 5 * H }, page, NOW, false).empties, []);
  });

  it('a full page continues from the last open time + 1 and claims nothing after it', () => {
    const page = Array.from({ length: 3 }, (_, i) => candle(i * H));
    const res = interpretPage({ from: 0, to: 10 * H }, page, NOW, true);
    assert.deepEqual(res.empties, []);
    assert.deepEqual(res.rest, { from: 2 * H + 1, to: 10 * H });
  });

  it('a full page that reaches the end of its range needs no continuation', () => {
    const page = Array.from({ length: 3 }, (_, i) => candle(i * H));
    assert.deepEqual(interpretPage({ from: 0, to: 3 * H }, page, NOW, true), { candles: page, empties: [], rest: null });
  });

  it('never keeps the still-open candle, and claims nothing empty from it on', () => {
    const page = [candle(0), candle(H)];
    const res = interpretPage({ from: 0, to: 10 * H }, page, H + 10, false);
    assert.deepEqual(res.candles.map((c) => c.openTime), [0]);
    assert.deepEqual(res.empties, []);
  });

  it('handles off-grid and truncated candles (2018-02-08) by close time, not by the grid', () => {
    const cut = candle(0, 28 * 60_000 + 14_788); // closed early at 00:28:14.788
    const offGrid = candle(9 * H + 28 * 60_000 + 14_789); // reopened at 09:28:14.789
    const res = interpretPage({ from: 0, to: 11 * H }, [cut, offGrid], NOW, false);
    assert.deepEqual(res.empties, [
      { from: 28 * 60_000 + 14_789, to: 9 * H + 28 * 60_000 + 14_789 },
      { from: 10 * H + 28 * 60_000 + 14_789, to: 11 * H },
    ]);
  });

  it('ignores candles outside the requested range', () => {
    const res = interpretPage({ from: 2 * H, to: 4 * H }, [candle(H), candle(2 * H), candle(3 * H), candle(4 * H)], NOW, false);
    assert.deepEqual(res.candles.map((c) => c.openTime), [2 * H, 3 * H]);
  });
});
