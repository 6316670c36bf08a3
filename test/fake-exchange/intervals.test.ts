import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceilOpen, closeTimeOf, floorOpen, INTERVALS, nextOpen, prevOpen } from '../support/fake-exchange/intervals.ts';

const t = Date.UTC(2024, 1, 29, 13, 47, 12, 345); // Thursday 29 Feb 2024 (leap day)

test('fixed intervals floor to epoch multiples', () => {
  assert.equal(floorOpen('1s', t), Date.UTC(2024, 1, 29, 13, 47, 12));
  assert.equal(floorOpen('1m', t), Date.UTC(2024, 1, 29, 13, 47));
  assert.equal(floorOpen('15m', t), Date.UTC(2024, 1, 29, 13, 45));
  assert.equal(floorOpen('4h', t), Date.UTC(2024, 1, 29, 12));
  assert.equal(floorOpen('12h', t), Date.UTC(2024, 1, 29, 12));
  assert.equal(floorOpen('1d', t), Date.UTC(2024, 1, 29));
});

test('3d is aligned to multiples of 3 days since the epoch', () => {
  const open = floorOpen('3d', t);
  assert.equal(open % (3 * 86_400_000), 0);
  assert.ok(open <= t && t < open + 3 * 86_400_000);
});

test('1w opens on Monday 00:00 UTC', () => {
  const open = floorOpen('1w', t);
  assert.equal(open, Date.UTC(2024, 1, 26));
  assert.equal(new Date(open).getUTCDay(), 1);
  assert.equal(nextOpen('1w', open), Date.UTC(2024, 2, 4));
  assert.equal(floorOpen('1w', Date.UTC(2024, 1, 26)), Date.UTC(2024, 1, 26));
});

test('1M is the calendar month with varying close times', () => {
  assert.equal(floorOpen('1M', t), Date.UTC(2024, 1, 1));
  assert.equal(closeTimeOf('1M', Date.UTC(2024, 1, 1)), Date.UTC(2024, 2, 1) - 1); // 29 days
  assert.equal(closeTimeOf('1M', Date.UTC(2023, 1, 1)), Date.UTC(2023, 2, 1) - 1); // 28 days
  assert.equal(nextOpen('1M', Date.UTC(2023, 11, 1)), Date.UTC(2024, 0, 1));
  assert.equal(prevOpen('1M', Date.UTC(2024, 0, 1)), Date.UTC(2023, 11, 1));
});

test('ceil/floor/next/prev agree for every interval', () => {
  for (const iv of INTERVALS) {
    const f = floorOpen(iv, t);
    const c = ceilOpen(iv, t);
    assert.ok(f <= t && t < nextOpen(iv, f), iv);
    assert.equal(c, nextOpen(iv, f), iv);
    assert.equal(ceilOpen(iv, f), f, iv);
    assert.equal(prevOpen(iv, nextOpen(iv, f)), f, iv);
    assert.equal(closeTimeOf(iv, f), nextOpen(iv, f) - 1, iv);
  }
});
