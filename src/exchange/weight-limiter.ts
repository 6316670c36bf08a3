import type { Clock } from '../clock.js';
import { OthersUse } from './others-use.js';
import { OwnShare } from './own-share.js';

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
  /** Our weight in the window, this request's included, when it was reserved. */
  readonly ownSoFar: number;
  /** When it was reserved, that is sent. */
  readonly at: number;
}

/**
 * One weight budget for the whole process, shared with whatever else runs on the IP. Requests reserve their weight
 * before they are sent, and wait while the window would overflow counting three things: our own weight (on the wire
 * or answered), the others' as the `X-MBX-USED-WEIGHT-*` headers showed it, and what the others will have added by
 * the time our request has been answered (others-use.ts). A 429 pauses every request until its Retry-After has
 * passed and halves our share of later windows (own-share.ts).
 */
export class WeightLimiter {
  private budget: WeightBudget;
  private windowStart = Number.NEGATIVE_INFINITY;
  /** Our weight charged to the current window. */
  private own = 0;
  /** Ours in the window before: what a 429 that arrives just after a window's end refused. */
  private ownLastWindow = 0;
  private pausedUntil = 0;
  private peakUsed = 0;
  /** Weight of requests sent just before the window ends: they may reach the server in the next one. */
  private spill = 0;
  private latencyMs = 0;
  private inFlight = 0;
  /** When each request on the wire was sent. */
  private readonly onWire = new Set<Reservation>();
  private readonly others = new OthersUse();
  private readonly share = new OwnShare();
  /** Requests waiting for an answer to tell whether the others spent what we predicted. */
  private readonly waiting = new Set<() => void>();

  constructor(
    budget: WeightBudget,
    private readonly clock: Clock,
    /** Fraction of the limit we allow ourselves: room for what the estimate of the others' weight misses. */
    private readonly headroom = 0.97,
  ) {
    this.budget = budget;
  }

  /**
   * Switches to the budget the exchange advertises. What was spent under the provisional budget (the exchangeInfo
   * request that told us) stays charged to the window now current: it may well count there on the server.
   * `serverUsed` is the weight the exchange reports used in that window: beyond ours, other processes spent it.
   */
  setBudget(budget: WeightBudget, serverUsed = Number.NaN): void {
    const now = this.clock.now();
    this.budget = budget;
    this.windowStart = Math.floor(now / budget.windowMs) * budget.windowMs;
    this.others.reset(this.windowStart);
    // The exchangeInfo that reported it was sent about a round trip ago.
    if (serverUsed > this.own) this.others.observe(serverUsed - this.own, now - this.latencyMs);
    this.notePeak();
  }

  getBudget(): WeightBudget {
    return this.budget;
  }

  /** The largest weight seen used in one window (ours and the server's count, whichever is higher). */
  get peakWindowWeight(): number {
    return this.peakUsed;
  }

  /** Waits until `weight` fits in the current window, then reserves it. Every reservation ends in `observe` or `release`. */
  /** `onWait`: told when the request must wait for the budget (a new window, or a pause the exchange asked for). */
  async acquire(weight: number, signal?: AbortSignal, onWait?: (until: number) => void): Promise<Reservation> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      if (this.pausedUntil > now) {
        onWait?.(this.pausedUntil);
        await this.clock.sleep(this.pausedUntil - now, signal);
        continue;
      }
      this.roll(now);
      const allowed = Math.max(weight, this.allowance);
      const mine = Math.max(weight, this.share.limit(allowed));
      const fitsKnown = this.own + weight <= mine && this.own + this.others.known + weight <= allowed;
      // Others are spending at a pace not measured yet: one request at a time until answers tell it (a slow start).
      // A request on the wire for much longer than a round trip tells nothing soon (it may hang): it does not count.
      const blind = !this.others.paced(this.latencyMs) && this.recentlySent(now);
      if (fitsKnown && !blind && this.own + this.others.predicted(now, this.latencyMs) + weight <= allowed) {
        this.own += weight;
        this.inFlight++;
        const spilled = this.windowStart + this.budget.windowMs - now < this.guardMs();
        if (spilled) this.spill += weight;
        this.notePeak();
        const reservation = { window: this.windowStart, weight, spilled, ownSoFar: this.own, at: now };
        this.onWire.add(reservation);
        return reservation;
      }
      const untilNextWindow = this.windowStart + this.budget.windowMs - now + 1;
      // Only the prediction stands in the way: the next answer may show the others spending less than it assumed,
      // or measure their pace. A slow start waits for an answer only as long as one should take.
      if (fitsKnown && blind) await this.untilAnswer(Math.min(untilNextWindow, this.answerExpectedMs()), signal);
      else if (fitsKnown && this.inFlight > 0) await this.untilAnswer(untilNextWindow, signal);
      else {
        onWait?.(now + untilNextWindow);
        await this.clock.sleep(untilNextWindow, signal);
      }
    }
  }

  /**
   * The request of `reserved` was answered, with the server's count for its window (NaN when the response had
   * none); the count is ignored once that window has passed.
   */
  observe(serverUsed: number, reserved: Reservation): void {
    this.settled(reserved);
    this.roll(this.clock.now());
    if (reserved.window !== this.windowStart) return;
    // Answered before its window ended, so the exchange counted it in that window: the next one owes nothing.
    if (reserved.spilled) this.spill = Math.max(0, this.spill - reserved.weight);
    if (Number.isFinite(serverUsed)) this.others.observe(Math.max(0, serverUsed - reserved.ownSoFar), reserved.at);
    this.notePeak();
  }

  /** The request of `reserved` got no answer: its weight stays charged, as it may have reached the exchange. */
  release(reserved: Reservation): void {
    this.settled(reserved);
  }

  /** Every request waits until `until` (a 403's pause). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /**
   * A 429: the IP's window overflowed, so our share of it was too large whoever else spent it. Every request waits
   * until `until` (its Retry-After), and later windows get less of ours until they pass without a 429.
   */
  throttled(until: number): void {
    this.roll(this.clock.now());
    this.pauseUntil(until);
    this.share.throttled(Math.max(this.own, this.ownLastWindow), this.allowance);
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

  /** The weight of a window we allow ourselves and the others together. */
  private get allowance(): number {
    return Math.floor(this.budget.limit * this.headroom);
  }

  private notePeak(): void {
    this.peakUsed = Math.max(this.peakUsed, this.own + this.others.known);
  }

  /** How long an answer should take at most: a few round trips, and never less than a quarter of a second. */
  private answerExpectedMs(): number {
    return Math.max(250, 4 * this.latencyMs);
  }

  private recentlySent(now: number): boolean {
    for (const r of this.onWire) if (now - r.at < this.answerExpectedMs()) return true;
    return false;
  }

  private settled(reserved: Reservation): void {
    this.onWire.delete(reserved);
    this.inFlight = Math.max(0, this.inFlight - 1);
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  /** Sleeps `ms`, or less if an answer arrives first. */
  private async untilAnswer(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const early = new AbortController();
    const onStop = (): void => early.abort(signal?.reason);
    signal?.addEventListener('abort', onStop, { once: true });
    const wake = (): void => early.abort();
    this.waiting.add(wake);
    try {
      await this.clock.sleep(ms, early.signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!early.signal.aborted) throw err;
    } finally {
      this.waiting.delete(wake);
      signal?.removeEventListener('abort', onStop);
    }
  }

  private roll(now: number): void {
    const start = Math.floor(now / this.budget.windowMs) * this.budget.windowMs;
    if (start === this.windowStart) return;
    const next = start === this.windowStart + this.budget.windowMs;
    const passed = Number.isFinite(this.windowStart) ? Math.max(1, Math.round((start - this.windowStart) / this.budget.windowMs)) : 1;
    this.share.windowsEnded(passed, this.allowance);
    this.ownLastWindow = next ? this.own : 0;
    this.own = next ? this.spill : 0;
    this.windowStart = start;
    this.spill = 0;
    this.others.reset(start);
  }
}
