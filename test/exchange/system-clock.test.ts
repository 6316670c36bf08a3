// The real clock's sleep takes any duration: setTimeout caps its delay at 2³¹ − 1 ms and fires a longer one after
// 1 ms with a TimeoutOverflowWarning, which once made a wait loop fed a huge Retry-After spin printing warnings.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';

describe('systemClock.sleep', () => {
  for (const ms of [2 ** 31, 1e12, Number.POSITIVE_INFINITY]) {
    it(`sleeps ${ms} ms without a warning until stopped`, async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const stop = new AbortController();
        let woke = false;
        const sleeping = systemClock.sleep(ms, stop.signal).then(() => (woke = true));
        await delay(50);
        assert.equal(woke, false);
        stop.abort(new Error('stop'));
        await assert.rejects(sleeping, /stop/);
        assert.deepEqual(warnings, []);
      } finally {
        process.off('warning', onWarning);
      }
    });
  }

  it('wakes once the whole delay has passed, however many timers that takes; at once for NaN or a negative one', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let woke = false;
    const sleeping = systemClock.sleep(2 ** 31 + 10).then(() => (woke = true));
    t.mock.timers.tick(2 ** 31 - 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(woke, false);
    t.mock.timers.tick(11);
    await sleeping;
    for (const ms of [Number.NaN, -5]) {
      const none = systemClock.sleep(ms);
      t.mock.timers.tick(0);
      await none;
    }
  });
});
