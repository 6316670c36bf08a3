import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightBudgetFrom } from '../../src/exchange/rate-limits.js';
import { WeightLimiter } from '../../src/exchange/weight-limiter.js';
import { manualClock } from '../support/manual-clock.ts';

describe('WeightLimiter', () => {
  it('admits requests up to the budget, then waits for the next window', async () => {
    const clock = manualClock(0);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    for (let i = 0; i < 50; i++) await limiter.acquire(2);
    assert.equal(clock.now(), 0);
    await limiter.acquire(2);
    assert.equal(clock.now(), 10_001);
    assert.equal(limiter.peakWindowWeight, 100);
  });

  it('takes the server’s higher count for the same window (other processes share the IP)', async () => {
    const clock = manualClock(0);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    const w = await limiter.acquire(2);
    limiter.observe(99, w);
    await limiter.acquire(2);
    assert.equal(clock.now(), 10_001);
  });

  it('ignores a count reported for a window that has passed', async () => {
    const clock = manualClock(0);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    const w = await limiter.acquire(2);
    await clock.sleep(10_000);
    limiter.observe(100, w);
    await limiter.acquire(2);
    assert.equal(clock.now(), 10_000);
  });

  it('pauses everything until a 429’s Retry-After', async () => {
    const clock = manualClock(0);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    limiter.pauseUntil(5_000);
    await limiter.acquire(1);
    assert.equal(clock.now(), 5_000);
  });
});

describe('weightBudgetFrom', () => {
  it('reads REQUEST_WEIGHT from exchangeInfo.rateLimits', () => {
    const limits = [
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 5, limit: 120 },
    ];
    assert.deepEqual(weightBudgetFrom(limits), { limit: 120, windowMs: 5000, header: 'x-mbx-used-weight-5s' });
    assert.equal(weightBudgetFrom([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'WEEK', intervalNum: 1, limit: 1 }]), undefined);
    assert.equal(weightBudgetFrom('nope'), undefined);
  });
});

describe('WeightLimiter at window edges', () => {
  it('charges a request sent just before the window ends to the next window too (it may arrive there)', async () => {
    const clock = manualClock(9_800);
    const limiter = new WeightLimiter({ limit: 10, windowMs: 10_000 }, clock, 1);
    await limiter.acquire(4); // in the last 250 ms of window 0: within the guard however fast round trips are
    clock.set(10_000);
    for (let i = 0; i < 3; i++) await limiter.acquire(2); // 4 spilled + 6 = 10
    assert.equal(clock.now(), 10_000);
    await limiter.acquire(2);
    assert.equal(clock.now(), 20_001);
  });
});

describe('WeightLimiter refunds the next window', () => {
  it('when a request reserved near the end is answered before the window ends', async () => {
    const clock = manualClock(9_800);
    const limiter = new WeightLimiter({ limit: 10, windowMs: 10_000 }, clock, 1);
    const early = await limiter.acquire(4); // within the guard: charged to window 1 too
    const late = await limiter.acquire(2);
    clock.set(9_900);
    limiter.observe(Number.NaN, early); // answered in window 0, so counted there
    clock.set(10_050);
    limiter.observe(Number.NaN, late); // answered in window 1: may have been counted there, stays charged
    await limiter.acquire(8); // 2 + 8 = 10
    assert.equal(clock.now(), 10_050);
    await limiter.acquire(1);
    assert.equal(clock.now(), 20_001);
  });
});

describe('WeightLimiter guard follows the measured round trip', () => {
  it('a slow round trip widens the part of the window charged to the next one', async () => {
    const clock = manualClock(8_500);
    const limiter = new WeightLimiter({ limit: 10, windowMs: 10_000 }, clock, 1);
    await limiter.acquire(4); // 1.5 s before the end: outside the default guard
    limiter.noteLatency(1_000); // round trips take a second now: the guard is 2 s
    await limiter.acquire(4); // spills into the next window
    clock.set(10_000);
    await limiter.acquire(6); // 4 spilled + 6 = 10
    assert.equal(clock.now(), 10_000);
    await limiter.acquire(1);
    assert.equal(clock.now(), 20_001);
  });
});

describe('WeightLimiter budget switch', () => {
  it('keeps what was spent under the provisional budget charged to the new window', async () => {
    const clock = manualClock(61_000);
    const limiter = new WeightLimiter({ limit: 6000, windowMs: 60_000 }, clock, 1);
    await limiter.acquire(20); // exchangeInfo, under the default budget
    limiter.setBudget({ limit: 30, windowMs: 5_000 });
    await limiter.acquire(10); // 20 + 10 = 30
    assert.equal(clock.now(), 61_000);
    await limiter.acquire(2);
    assert.equal(clock.now(), 65_001);
  });
});
