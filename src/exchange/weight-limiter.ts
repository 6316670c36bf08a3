import type { Clock } from '../clock.js';

export interface WeightBudget {
  /** Weight allowed per window. */
  readonly limit: number;
  /** Window length in ms; windows are aligned to the clock like the exchange's (minute boundaries…). */
  readonly windowMs: number;
}

/** What `acquire` reserved: the window it was charged to, and whether the next window was charged too. */
export interface Reservation {
  readonly window: number;
  readonly weight: number;
  readonly spilled: boolean;
}

/**
 * One weight budget for the whole process. Requests reserve their weight before they are sent; the exchange's
 * `X-MBX-USED-WEIGHT-*` header corrects the estimate, because other processes on the same IP spend the same budget.
 * A 429 pauses every request until its Retry-After has passed.
 */
export class WeightLimiter {
  private budget: WeightBudget;
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private pausedUntil = 0;
  private peakUsed = 0;
  /** Weight of requests sent just before the window ends: they may reach the server in the next one. */
  private spill = 0;
  private latencyMs = 0;

  constructor(
    budget: WeightBudget,
    private readonly clock: Clock,
    /** Fraction of the limit we allow ourselves: a little room for requests of other processes racing ours. */
    private readonly headroom = 0.97,
  ) {
    this.budget = budget;
  }

  /**
   * Switches to the budget the exchange advertises. What was spent under the provisional budget (the exchangeInfo
   * request that told us) stays charged to the window now current: it may well count there on the server. So does
   * `serverUsed`, the weight the exchange reports used in that window (other processes on the IP spend it too).
   */
  setBudget(budget: WeightBudget, serverUsed = Number.NaN): void {
    this.budget = budget;
    this.windowStart = Math.floor(this.clock.now() / budget.windowMs) * budget.windowMs;
    if (serverUsed > this.used) this.used = serverUsed;
    this.peakUsed = Math.max(this.peakUsed, this.used);
  }

  getBudget(): WeightBudget {
    return this.budget;
  }

  /** The largest weight seen used in one window (ours and the server's count, whichever is higher). */
  get peakWindowWeight(): number {
    return this.peakUsed;
  }

  /** Waits until `weight` fits in the current window, then reserves it. */
  async acquire(weight: number, signal?: AbortSignal): Promise<Reservation> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      if (this.pausedUntil > now) {
        await this.clock.sleep(this.pausedUntil - now, signal);
        continue;
      }
      this.roll(now);
      const allowed = Math.max(weight, Math.floor(this.budget.limit * this.headroom));
      if (this.used + weight <= allowed) {
        this.used += weight;
        const spilled = this.windowStart + this.budget.windowMs - now < this.guardMs();
        if (spilled) this.spill += weight;
        this.peakUsed = Math.max(this.peakUsed, this.used);
        return { window: this.windowStart, weight, spilled };
      }
      await this.clock.sleep(this.windowStart + this.budget.windowMs - now + 1, signal);
    }
  }

  /**
   * The request of `reserved` was answered, with the server's count for its window (NaN when the response had
   * none); ignored once that window has passed.
   */
  observe(serverUsed: number, reserved: Reservation): void {
    this.roll(this.clock.now());
    if (reserved.window !== this.windowStart) return;
    // Answered before its window ended, so the exchange counted it in that window: the next one owes nothing.
    if (reserved.spilled) this.spill = Math.max(0, this.spill - reserved.weight);
    if (serverUsed > this.used) this.used = serverUsed;
    this.peakUsed = Math.max(this.peakUsed, this.used);
  }

  /** Every request waits until `until` (a 429's Retry-After). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /**
   * How close to the window's end a request may land in the next window: about two round trips (measured), and
   * never more than a quarter of the window. At least 250 ms, because the time from here to the request reaching
   * the exchange is not only the network's: a busy event loop (a page being parsed, a garbage collection) delays
   * the send, and with 100 ms an occasional 429 still got through at the window's edge in the budget-bound bench.
   */
  private guardMs(): number {
    return Math.min(this.budget.windowMs / 4, Math.max(250, 2 * this.latencyMs));
  }

  /** Round-trip time of an answered request; a slow moving average, biased up so spikes widen the guard at once. */
  noteLatency(ms: number): void {
    this.latencyMs = ms > this.latencyMs ? ms : this.latencyMs * 0.9 + ms * 0.1;
  }

  private roll(now: number): void {
    const start = Math.floor(now / this.budget.windowMs) * this.budget.windowMs;
    if (start !== this.windowStart) {
      this.used = start === this.windowStart + this.budget.windowMs ? this.spill : 0;
      this.windowStart = start;
      this.spill = 0;
    }
  }
}
