// One symbol's candles for one interval, generated or replayed, behind a common interface so the
// selection rules (kline-selection.ts) are written once. Keys identify candles: the open time for
// generated series, the row index for replays (replayed open times may be off-grid).
import { gapAt, isAvailable, type Availability } from './availability.ts';
import { generateCandle } from './candle-generator.ts';
import { formatUnits, parseUnits, scaleUnits } from './decimal.ts';
import { ceilOpen, closeTimeOf, floorOpen, nextOpen, prevOpen, type Interval } from './intervals.ts';
import type { SymbolProfile } from './symbol-profile.ts';
import type { RealKline } from './types.ts';

export interface CandleSeries {
  /** Keys of existing candles with from ≤ open ≤ to, oldest first, at most `limit`. */
  forward(from: number, to: number, limit: number): number[];
  /** Keys of the newest `limit` candles with open ≤ to, oldest first. */
  backward(to: number, limit: number): number[];
  closeTimeOf(key: number): number;
  /** The wire row; the still-open candle (open ≤ now ≤ close time) gets now-dependent values. */
  row(key: number, now: number): RealKline;
}

export class GeneratedSeries implements CandleSeries {
  constructor(
    private readonly profile: SymbolProfile,
    private readonly interval: Interval,
    private readonly avail: Availability,
  ) {}

  forward(from: number, to: number, limit: number): number[] {
    const out: number[] = [];
    const last = Math.min(to, this.avail.until - 1);
    if (!Number.isFinite(Math.max(from, this.avail.from))) return out;
    let t = ceilOpen(this.interval, Math.max(from, this.avail.from));
    while (out.length < limit && t <= last) {
      const gap = gapAt(this.avail, t);
      if (gap) {
        // Jump over the whole gap instead of stepping through it: a 33 h outage is 2,000 1m slots.
        t = ceilOpen(this.interval, gap.to);
        continue;
      }
      out.push(t);
      t = nextOpen(this.interval, t);
    }
    return out;
  }

  backward(to: number, limit: number): number[] {
    const out: number[] = [];
    const first = ceilOpen(this.interval, this.avail.from);
    const top = Math.min(to, this.avail.until - 1);
    if (!Number.isFinite(top)) return out;
    let t = floorOpen(this.interval, top);
    while (out.length < limit && t >= first) {
      const gap = gapAt(this.avail, t);
      if (gap) {
        t = floorOpen(this.interval, gap.from - 1);
        continue;
      }
      out.push(t);
      t = prevOpen(this.interval, t);
    }
    return out.reverse();
  }

  closeTimeOf(key: number): number {
    return closeTimeOf(this.interval, key);
  }

  row(key: number, now: number): RealKline {
    return generateCandle(this.profile, this.interval, key, now);
  }
}

export class ReplaySeries implements CandleSeries {
  private readonly rows: RealKline[];
  private readonly opens: number[];

  /** Rows are served exactly as given, except that they obey listing/delisting/halts/outages too. */
  constructor(rows: readonly RealKline[], avail: Availability) {
    this.rows = rows.filter((r) => isAvailable(avail, r[0])).sort((a, b) => a[0] - b[0]);
    this.opens = this.rows.map((r) => r[0]);
  }

  /** Index of the first row with open ≥ t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.opens[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  forward(from: number, to: number, limit: number): number[] {
    const out: number[] = [];
    for (let i = this.lowerBound(from); i < this.rows.length && out.length < limit && this.opens[i]! <= to; i++) out.push(i);
    return out;
  }

  backward(to: number, limit: number): number[] {
    const end = to === Infinity ? this.rows.length : this.lowerBound(to + 1);
    const out: number[] = [];
    for (let i = Math.max(0, end - limit); i < end; i++) out.push(i);
    return out;
  }

  closeTimeOf(key: number): number {
    return this.rows[key]![6];
  }

  row(key: number, now: number): RealKline {
    const r = this.rows[key]!;
    return now > r[6] ? r : partialReplayRow(r, now);
  }
}

/**
 * A replayed row as it would have looked at `now` while still open: close moves linearly from open
 * towards the final close, wicks/volumes/trades scale with the elapsed fraction. Keeps
 * low ≤ min(open, close) ≤ max(open, close) ≤ high and taker ≤ total.
 */
export function partialReplayRow(r: RealKline, now: number): RealKline {
  const dur = r[6] - r[0] + 1;
  const elapsed = Math.min(dur - 1, Math.max(0, now - r[0]));
  const o = parseUnits(r[1]);
  const h = parseUnits(r[2]);
  const l = parseUnits(r[3]);
  const c = parseUnits(r[4]);
  const cp = o + scaleUnits(c - o, elapsed, dur);
  const top = o > c ? o : c;
  const bottom = o < c ? o : c;
  const hp = (o > cp ? o : cp) + scaleUnits(h - top, elapsed, dur);
  const lp = (o < cp ? o : cp) - scaleUnits(bottom - l, elapsed, dur);
  const scale = (s: string): string => formatUnits(scaleUnits(parseUnits(s), elapsed, dur));
  const trades = Number((BigInt(r[8]) * BigInt(elapsed)) / BigInt(dur));
  return [r[0], r[1], formatUnits(hp), formatUnits(lp), formatUnits(cp), scale(r[5]), r[6], scale(r[7]), trades, scale(r[9]), scale(r[10]), r[11]];
}

