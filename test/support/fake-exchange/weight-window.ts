// REQUEST_WEIGHT accounting in fixed windows aligned to the wall clock (e.g. minute boundaries), as
// Binance does: the used weight resets at the start of each window.
import type { RateLimitSpec } from './types.ts';

const UNIT_MS = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;
const UNIT_LETTER = { SECOND: 's', MINUTE: 'm', HOUR: 'h', DAY: 'd' } as const;

export class WeightWindow {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    public spec: RateLimitSpec,
    private readonly clock: () => number,
  ) {}

  get windowMs(): number {
    return UNIT_MS[this.spec.interval] * this.spec.intervalNum;
  }

  /** Header name suffix, e.g. "1m" for MINUTE/1. */
  get suffix(): string {
    return `${this.spec.intervalNum}${UNIT_LETTER[this.spec.interval]}`;
  }

  private roll(): number {
    const now = this.clock();
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    return now;
  }

  /** Weight used in the current window. */
  current(): number {
    this.roll();
    return this.used;
  }

  /** Adds `weight` if it fits under the limit; returns false (adding nothing) if it would exceed it. */
  tryConsume(weight: number): boolean {
    this.roll();
    if (this.used + weight > this.spec.limit) return false;
    this.used += weight;
    return true;
  }

  /** Wall-clock ms at which the current window ends. */
  windowEnd(): number {
    this.roll();
    return this.windowStart + this.windowMs;
  }

  /** Whole seconds until the window resets (at least 1), for Retry-After. */
  retryAfterSec(): number {
    const now = this.roll();
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
  }

  setSpec(spec: RateLimitSpec): void {
    this.spec = spec;
    this.windowStart = -Infinity;
    this.used = 0;
  }

  headers(): Record<string, string> {
    const used = String(this.current());
    return { 'x-mbx-used-weight': used, [`x-mbx-used-weight-${this.suffix}`]: used };
  }
}
