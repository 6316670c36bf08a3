import type { WeightBudget } from './weight-limiter.js';

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
const UNIT_LETTER: Record<string, string> = { SECOND: 's', MINUTE: 'm', HOUR: 'h', DAY: 'd' };

/** Binance's documented default, used only until exchangeInfo tells us the live value. */
export const DEFAULT_BUDGET: WeightBudget & { header: string } = { limit: 6000, windowMs: 60_000, header: 'x-mbx-used-weight-1m' };

/** The REQUEST_WEIGHT limit advertised by exchangeInfo, and the response header that reports its usage. */
export function weightBudgetFrom(rateLimits: unknown): (WeightBudget & { header: string }) | undefined {
  if (!Array.isArray(rateLimits)) return undefined;
  for (const entry of rateLimits as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const r = entry as Record<string, unknown>;
    if (r.rateLimitType !== 'REQUEST_WEIGHT') continue;
    const unit = typeof r.interval === 'string' ? UNIT_MS[r.interval] : undefined;
    const letter = typeof r.interval === 'string' ? UNIT_LETTER[r.interval] : undefined;
    const num = Number(r.intervalNum);
    const limit = Number(r.limit);
    if (!unit || !letter || !(num > 0) || !(limit > 0)) continue;
    return { limit, windowMs: unit * num, header: `x-mbx-used-weight-${num}${letter}` };
  }
  return undefined;
}
