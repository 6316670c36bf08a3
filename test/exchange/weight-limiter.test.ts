import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightBudgetFrom } from '../../src/exchange/rate-limits.js';
import { WeightLimiter } from '../../src/exchange/weight-limiter.js';
import type { Clock } from '../../src/clock.js';
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

describe('WeightLimiter beside other processes on the IP', () => {
  it('counts our own requests sent after the one a header reports: the header cannot know them', async () => {
    const clock = manualClock(9_000);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    const first = await limiter.acquire(2);
    clock.set(9_100);
    const second = await limiter.acquire(2);
    for (let i = 0; i < 8; i++) await limiter.acquire(2); // 20 of ours
    limiter.observe(60, first); // 2 of ours and 58 of the others' when the first arrived
    limiter.observe(62, second); // 4 of ours: the others have not spent more since
    for (let i = 0; i < 11; i++) await limiter.acquire(2); // 20 + 22 + 58 = 100
    assert.equal(clock.now(), 9_100);
    await limiter.acquire(2);
    assert.equal(clock.now(), 10_001);
  });

  it('holds a request the others, at their pace, will have filled the window with when it arrives', async () => {
    const clock = manualClock(1_000);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    await othersAtFiftyPerSecond(clock, limiter);
    await limiter.acquire(2); // they will be at about 80, with our 6: room
    assert.deepEqual(clock.slept, []);
    clock.set(2_000);
    await limiter.acquire(2); // about 100: only 55 are known, but it waits for the next window
    assert.equal(clock.now(), 10_001);
  });

  it('sends one request at a time while the others’ pace is not measured yet', async () => {
    const clock = manualClock(1_000);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    const first = await limiter.acquire(2);
    clock.set(1_100);
    limiter.observe(52, first); // others, but how fast they spend no two answers tell yet
    await limiter.acquire(2);
    assert.deepEqual(clock.slept, []);
    // Waits for the answer on the wire, but only as long as an answer should take (250 ms at least): a request
    // that hangs must not hold every other back until it times out.
    await limiter.acquire(2);
    assert.deepEqual(clock.slept, [250]);
    assert.equal(clock.now(), 1_350);
  });

  it('lets a held request go as soon as an answer shows the others spent less than predicted', async () => {
    const clock = steppedClock(1_000);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    await othersAtFiftyPerSecond(clock, limiter);
    const third = await limiter.acquire(2);
    clock.set(2_000);
    let held = true;
    const fourth = limiter.acquire(2).then((r) => {
      held = false;
      return r;
    });
    await clock.settle();
    assert.equal(held, true);
    clock.set(2_010);
    limiter.observe(63, third); // sent at 1 500 with 6 of ours: the others had slowed down to 57
    assert.equal((await fourth).at, 2_010);
  });

  it('a 429 holds every request until its Retry-After and halves our share, regained a tenth per window', async () => {
    const clock = manualClock(0);
    const limiter = new WeightLimiter({ limit: 100, windowMs: 10_000 }, clock, 1);
    for (let i = 0; i < 40; i++) await limiter.acquire(2); // 80 of ours, and the others' overflowed the window
    limiter.throttled(10_000);
    await limiter.acquire(2);
    assert.equal(clock.now(), 10_000);
    for (let i = 1; i < 20; i++) await limiter.acquire(2); // half of the 80
    assert.equal(clock.now(), 10_000);
    await limiter.acquire(2);
    assert.equal(clock.now(), 20_001);
    for (let i = 1; i < 25; i++) await limiter.acquire(2); // 40 + 10
    assert.equal(clock.now(), 20_001);
    await limiter.acquire(2);
    assert.equal(clock.now(), 30_001);
  });
});

/**
 * Two answers a tenth of a second apart, at 1 100 and 1 500: the others spent 50 in the window's first second and 5
 * in the tenth after, 50 per second. Leaves the clock at 1 500 with 4 of ours in the window, none on the wire.
 */
async function othersAtFiftyPerSecond(clock: Clock & { set(t: number): void }, limiter: WeightLimiter): Promise<void> {
  const first = await limiter.acquire(2);
  clock.set(1_100);
  limiter.observe(52, first);
  const second = await limiter.acquire(2);
  clock.set(1_500);
  limiter.observe(59, second);
}

/** A clock whose sleeps end only when the test moves it past them, or when they are aborted. */
function steppedClock(start: number): Clock & { set(t: number): void; settle(): Promise<void> } {
  let now = start;
  const sleepers = new Set<{ until: number; wake: () => void }>();
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        const sleeper = { until: now + ms, wake: resolve };
        sleepers.add(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            sleepers.delete(sleeper);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
    set: (t) => {
      now = t;
      for (const s of sleepers) {
        if (s.until > now) continue;
        sleepers.delete(s);
        s.wake();
      }
    },
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
}
