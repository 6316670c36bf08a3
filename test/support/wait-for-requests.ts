// Waiting for a CLI child to reach a point in its run, seen from the fake exchange's side.
import type { FakeExchange } from './fake-exchange/index.ts';

/** Resolves once the fake exchange has received at least `n` kline requests (polled every 2 ms). */
export async function waitForKlineRequests(fake: FakeExchange, n: number): Promise<void> {
  while (fake.klineRequests().length < n) await new Promise((r) => setTimeout(r, 2));
}
