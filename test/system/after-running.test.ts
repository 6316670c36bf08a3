// The grace the wire gets after a first signal (cli.ts, system/after-running.ts) counts the time the process runs:
// a stretch in which it was held (here: a synchronous busy loop, as a starved process sees it) is one step, and
// what arrived meanwhile is handled before the time runs out.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { afterRunning } from '../../src/system/after-running.ts';

const hold = (ms: number): void => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};
it('a held process uses up one step of the grace, and what waited is handled first', async () => {
  const order: string[] = [];
  afterRunning(200, () => order.push('grace over'), 100);
  // Due at the same time as the grace, as an answer that arrived while the process was held is due at once.
  const waited = new Promise<void>((r) =>
    setTimeout(() => {
      order.push('an answer that waited');
      r();
    }, 200),
  );
  hold(500);
  await waited;
  assert.deepEqual(order, ['an answer that waited']);
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(order, ['an answer that waited', 'grace over']);
});

it('without a stall it ends after its steps, once', async () => {
  let calls = 0;
  // Its timers do not keep the process alive: this one does, while the test waits.
  const alive = setInterval(() => undefined, 1000);
  await new Promise<void>((resolve) =>
    afterRunning(30, () => {
      calls++;
      resolve();
    }, 10),
  );
  // Had it set another step, that step would have come by now.
  await new Promise((r) => setTimeout(r, 50));
  clearInterval(alive);
  assert.equal(calls, 1);
});
