import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCandle } from '../support/fake-exchange/candle-generator.ts';
import { parseUnits } from '../support/fake-exchange/decimal.ts';
import { closeTimeOf, floorOpen, INTERVALS, nextOpen, type Interval } from '../support/fake-exchange/intervals.ts';
import { profileFor } from '../support/fake-exchange/symbol-profile.ts';
import type { RealKline } from '../support/fake-exchange/index.ts';

const DECIMAL_8 = /^\d+\.\d{8}$/;

function assertValid(k: RealKline, interval: Interval): void {
  assert.equal(k.length, 12);
  for (const i of [1, 2, 3, 4, 5, 7, 9, 10]) assert.match(k[i] as string, DECIMAL_8, `field ${i} of ${JSON.stringify(k)}`);
  assert.ok(Number.isInteger(k[8]) && k[8] >= 0);
  assert.equal(k[11], '0');
  assert.equal(k[6], closeTimeOf(interval, k[0]));
  const [o, h, l, c, v, q, tb, tq] = [k[1], k[2], k[3], k[4], k[5], k[7], k[9], k[10]].map(parseUnits) as bigint[];
  const lo = o! < c! ? o! : c!;
  const hi = o! > c! ? o! : c!;
  assert.ok(l! > 0n && l! <= lo && hi <= h!, `OHLC order ${JSON.stringify(k)}`);
  assert.ok(v! >= 0n && q! >= 0n && tb! <= v! && tq! <= q!, `volumes ${JSON.stringify(k)}`);
}

test('candles satisfy Binance invariants on every interval, with on-grid open times', () => {
  const p = profileFor('BTCUSDT', 'BTC', 'USDT');
  for (const iv of INTERVALS) {
    let open = floorOpen(iv, Date.UTC(2021, 4, 19));
    for (let i = 0; i < 300; i++, open = nextOpen(iv, open)) {
      const k = generateCandle(p, iv, open);
      assert.equal(k[0], open);
      assertValid(k, iv);
    }
  }
});

test('BTC-quoted symbols get tiny prices like 0.0000xxxx', () => {
  const p = profileFor('ADABTC', 'ADA', 'BTC');
  const k = generateCandle(p, '1m', Date.UTC(2021, 10, 27));
  assertValid(k, '1m');
  assert.match(k[4], /^0\.0000\d{4}$/);
});

test('values are a pure function of (symbol, interval, open time)', () => {
  const p = profileFor('ETHUSDT', 'ETH', 'USDT');
  const q = profileFor('BTCUSDT', 'BTC', 'USDT');
  const open = Date.UTC(2022, 0, 3, 5);
  assert.deepEqual(generateCandle(p, '1h', open), generateCandle(p, '1h', open));
  assert.notDeepEqual(generateCandle(p, '1h', open), generateCandle(q, '1h', open));
  // Consecutive candles join: close = next open.
  assert.equal(generateCandle(p, '1h', open)[4], generateCandle(p, '1h', open + 3_600_000)[1]);
});

test('a small share of candles is flat with no trades', () => {
  const p = profileFor('BTCUSDT', 'BTC', 'USDT');
  const candles = Array.from({ length: 20_000 }, (_, i) => generateCandle(p, '1m', Date.UTC(2023, 0, 1) + i * 60_000));
  const flat = candles.filter((k) => k[8] === 0);
  assert.ok(flat.length > 10 && flat.length < 200, `flat=${flat.length}`);
  // Every candle without trades has no volume and one price.
  assert.deepEqual(flat.filter((k) => k[5] !== '0.00000000' || !(k[1] === k[2] && k[2] === k[3] && k[3] === k[4])), []);
});

test('the still-open candle depends on now and differs from its final values', () => {
  const p = profileFor('BTCUSDT', 'BTC', 'USDT');
  const open = Date.UTC(2024, 5, 1);
  const final = generateCandle(p, '1h', open);
  const a = generateCandle(p, '1h', open, open + 10 * 60_000);
  const b = generateCandle(p, '1h', open, open + 40 * 60_000);
  assertValid(a, '1h');
  assertValid(b, '1h');
  assert.notDeepEqual(a, b);
  assert.notDeepEqual(b, final);
  assert.ok(parseUnits(a[5]) < parseUnits(b[5]) && parseUnits(b[5]) < parseUnits(final[5]));
  assert.ok(a[8] <= b[8] && b[8] < final[8]);
  assert.deepEqual(generateCandle(p, '1h', open, open + 3_600_000), final);
});

// How fast a year of 1m candles is generated is measured by the bench (BENCH_ONLY=generator npm run bench).
