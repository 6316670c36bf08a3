import type { RealKline } from './fake-exchange/index.ts';

const H = 3_600_000;

/**
 * The `i`-th hourly kline from `t0`, a plain candle unless `over` replaces fields by their index (the 12-field kline):
 * how the tests build rows that break one rule at a time (a close time cut short, a low above the open…).
 */
export function hourlyKline(t0: number, i: number, over: Partial<Record<number, string | number>> = {}): RealKline {
  const base: RealKline = [t0 + i * H, '10.00000000', '12.00000000', '9.00000000', '11.00000000', '5.00000000', t0 + (i + 1) * H - 1, '50.00000000', 7, '2.00000000', '20.00000000', '0'];
  for (const [k, v] of Object.entries(over)) (base as unknown[])[Number(k)] = v;
  return base;
}
