import type { RunEvent, RunPhase } from '../events/run-events.js';
import { countSlots } from '../planner/intervals.js';
import { countEvent, zeroCounters, type RunCounters } from '../events/run-counters.js';

/** Throughput is measured over about one Binance weight window: long enough to average a budget wait in. */
export const RATE_WINDOW_MS = 60_000;
/** Below this much measured time a rate is noise: none is shown. */
const MIN_RATE_SPAN_MS = 1000;

/** What a run looks like at one moment, as the terminal display and the progress lines show it. */
export interface ProgressSnapshot {
  /** The start-up phase, `collecting` once series are planned, `finished` once the run is recorded. */
  readonly phase: RunPhase | 'starting' | 'collecting' | 'finished';
  /** Since the invocation began, start-up included. */
  readonly elapsedMs: number;
  readonly series: { readonly total: number; readonly done: number; readonly failed: number; readonly skipped: number };
  readonly pages: { readonly done: number; readonly planned: number };
  readonly candles: { readonly written: number; readonly expected: number };
  /** Share of the expected candle slots settled (stored, or answered as empty by the exchange), 0…1. */
  readonly fraction: number;
  /** Candles written per second over the last minute; null until a second of collecting is measured. */
  readonly candlesPerSecond: number | null;
  /** Time left at the recent pace; null while there is no pace to go by. */
  readonly etaMs: number | null;
  /** The weight counted in the current window, and the budget once the source has told it. */
  readonly weight: { readonly used: number; readonly limit: number | null; readonly windowMs: number | null };
  readonly requests: number;
  readonly retries: number;
  readonly rateLimited: number;
  /** Set while requests wait: for the weight budget's next window, or for the end of a 429's Retry-After. */
  readonly waiting: { readonly reason: 'budget' | 'rate-limited'; readonly resumesInMs: number } | null;
  /** The run's status once it is recorded. */
  readonly status: string | null;
}

interface SeriesTally {
  readonly interval: string;
  expected: number;
  settled: number;
  finished: boolean;
}

/**
 * The arithmetic of the progress display, fed the run's events as they happen and read at any moment: counts,
 * percent, rate, ETA, the weight used in the window, and the waiting countdown. `now` is the clock the exchange
 * client waits by (a `budget-wait`'s `until` is in it); `startedAt` is the invocation's start on the same clock.
 */
export class ProgressFigures {
  private phase: ProgressSnapshot['phase'] = 'starting';
  private status: string | null = null;
  private readonly series = new Map<string, SeriesTally>();
  private done = 0;
  private failed = 0;
  private skipped = 0;
  private pagesPlanned = 0;
  private pagesDone = 0;
  private expected = 0;
  /** Requests, retries, 429s and candles written: the run's own counters, counted the one way they are counted. */
  private readonly counters: RunCounters = zeroCounters();
  private budget: { limit: number; windowMs: number } | null = null;
  /** The exchange's own count of the window's weight, and when it was read. */
  private reported: { used: number; at: number } | null = null;
  /** Our requests' weights, for a source that reports no count: summed over the last window. */
  private readonly own: Array<{ at: number; weight: number }> = [];
  private waitUntil = 0;
  private waitReason: 'budget' | 'rate-limited' = 'budget';
  /** (time, candles written, slots settled) samples, oldest first, pruned to about one rate window. */
  private readonly samples: Array<{ at: number; written: number; settled: number }> = [];
  private settledTotal = 0;

  constructor(
    private readonly now: () => number,
    private readonly startedAt: number,
  ) {}

  observe(event: RunEvent): void {
    const now = this.now();
    countEvent(this.counters, event);
    switch (event.type) {
      case 'phase':
        if (this.phase !== 'collecting') this.phase = event.phase;
        break;
      case 'series-planned': {
        if (this.samples.length === 0) this.samples.push({ at: now, written: this.counters.candles_written, settled: this.settledTotal });
        this.phase = 'collecting';
        this.tally(event.symbol, event.interval).expected += event.candles;
        this.pagesPlanned += event.pages;
        this.expected += event.candles;
        break;
      }
      case 'page-written': {
        if (event.planned) this.pagesDone++;
        // Only planned pages settle slots: a second look covers what was counted already. (The rest of a cut
        // answer is counted when its series ends.)
        const t = this.tally(event.symbol, event.interval);
        if (event.planned) this.settle(t, t.settled + countSlots(event.interval, event.from, event.to));
        this.sample(now);
        break;
      }
      case 'series-finished': {
        const t = this.tally(event.symbol, event.interval);
        if (t.finished) break;
        t.finished = true;
        this.done++;
        if (event.status === 'failed') this.failed++;
        if (event.status === 'skipped') this.skipped++;
        // A finished series has settled all it will this run: the rest was empty on the exchange, or is left.
        this.settle(t, t.expected);
        this.sample(now);
        break;
      }
      case 'request-answered':
        this.own.push({ at: now, weight: event.weight });
        if (event.usedWeight !== null) this.reported = { used: event.usedWeight, at: now };
        break;
      case 'weight-budget':
        this.budget = { limit: event.limit, windowMs: event.windowMs };
        if (event.usedWeight !== null) this.reported = { used: event.usedWeight, at: now };
        break;
      case 'budget-wait':
        if (event.until > this.waitUntil) {
          this.waitUntil = event.until;
          this.waitReason = 'budget';
        }
        break;
      case 'rate-limited':
        if (event.until >= this.waitUntil) {
          this.waitUntil = event.until;
          this.waitReason = 'rate-limited';
        }
        break;
      case 'run-finished':
        this.phase = 'finished';
        this.status = event.status;
        break;
      default:
        break;
    }
  }

  snapshot(): ProgressSnapshot {
    const now = this.now();
    const rate = this.rate(now);
    const remaining = Math.max(0, this.expected - this.settledTotal);
    const fraction = this.expected > 0 ? Math.min(1, this.settledTotal / this.expected) : this.series.size > 0 && this.done === this.series.size ? 1 : 0;
    const waiting = this.phase !== 'finished' && this.waitUntil > now ? { reason: this.waitReason, resumesInMs: this.waitUntil - now } : null;
    const pace = remaining === 0 ? (this.expected > 0 ? 0 : null) : rate !== null && rate.slots > 0 ? (remaining / rate.slots) * 1000 : null;
    // Nothing is fetched before the wait ends, whatever the pace was.
    const etaMs = pace === null || remaining === 0 ? pace : Math.max(pace, waiting?.resumesInMs ?? 0);
    return {
      phase: this.phase,
      elapsedMs: Math.max(0, now - this.startedAt),
      series: { total: this.series.size, done: this.done, failed: this.failed, skipped: this.skipped },
      pages: { done: this.pagesDone, planned: Math.max(this.pagesPlanned, this.pagesDone) },
      candles: { written: this.counters.candles_written, expected: this.expected },
      fraction,
      candlesPerSecond: rate === null ? null : rate.candles,
      etaMs,
      weight: { used: this.weightUsed(now), limit: this.budget?.limit ?? null, windowMs: this.budget?.windowMs ?? null },
      requests: this.counters.requests,
      retries: this.counters.retries,
      rateLimited: this.counters.rate_limited,
      waiting,
      status: this.status,
    };
  }

  private tally(symbol: string, interval: string): SeriesTally {
    const key = `${symbol} ${interval}`;
    let t = this.series.get(key);
    if (!t) {
      t = { interval, expected: 0, settled: 0, finished: false };
      this.series.set(key, t);
    }
    return t;
  }

  /** A series never counts more than it was expected to. */
  private settle(t: SeriesTally, settled: number): void {
    const capped = Math.min(t.expected, Math.max(t.settled, settled));
    this.settledTotal += capped - t.settled;
    t.settled = capped;
  }

  private sample(now: number): void {
    this.samples.push({ at: now, written: this.counters.candles_written, settled: this.settledTotal });
    this.prune(now);
  }

  /** Drops the samples older than the window, but the newest of them: the window is measured whole. */
  private prune(now: number): void {
    while (this.samples.length > 1 && (this.samples[1]?.at ?? now) <= now - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Candles written and slots settled per second, over about the last window (since collecting began, if shorter). */
  private rate(now: number): { candles: number; slots: number } | null {
    this.prune(now);
    const from = this.samples[0];
    if (!from) return null;
    const span = now - from.at;
    if (span < MIN_RATE_SPAN_MS) return null;
    return { candles: ((this.counters.candles_written - from.written) / span) * 1000, slots: ((this.settledTotal - from.settled) / span) * 1000 };
  }

  /**
   * The exchange's last count while it is of the current window (it also tells what other processes on the IP
   * spend); without one, our own weight over the last window.
   */
  private weightUsed(now: number): number {
    const windowMs = this.budget?.windowMs ?? RATE_WINDOW_MS;
    while (this.own.length > 0 && (this.own[0]?.at ?? now) <= now - windowMs) this.own.shift();
    if (this.reported !== null && now - this.reported.at < windowMs) return this.reported.used;
    return this.own.reduce((n, r) => n + r.weight, 0);
  }
}
