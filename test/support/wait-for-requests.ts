// Waiting for a CLI child to reach a point in its run, seen from the fake exchange's side.
import type { FakeExchange } from './fake-exchange/index.ts';

/**
 * How long a child may take to reach the point waited for before the wait gives up: a child that ended (or stalled)
 * before it would otherwise leave the test polling for ever, and a hung file tells nothing about why.
 */
const GIVE_UP_MS = 90_000;

/** Resolves once the fake exchange has received at least `n` kline requests (polled every 2 ms). */
export async function waitForKlineRequests(fake: FakeExchange, n: number): Promise<void> {
  const started = Date.now();
  while (fake.klineRequests().length < n) {
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`the fake exchange received ${fake.klineRequests().length} of the ${n} kline requests waited for in ${GIVE_UP_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
