import type { Range } from '../domain.js';
import { addSlots, alignDown, countSlots } from './intervals.js';
import { normalizeRanges } from './ranges.js';

/**
 * The pages of a series' missing ranges, made one at a time as they are asked for: planning a decade of `1s`
 * candles up front would hold millions of ranges, and a page answered past its end (a long exchange-empty stretch)
 * lets the cursor skip the pages that answer already covers.
 */
export class PageCursor {
  private readonly ranges: Range[];
  private index = 0;
  private from: number;

  constructor(
    private readonly interval: string,
    missing: readonly Range[],
    private readonly pageSlots: number,
  ) {
    this.ranges = normalizeRanges(missing);
    this.from = this.ranges[0]?.from ?? 0;
  }

  /** The range the next page starts in, or null when every page has been handed out. */
  current(): Range | null {
    const r = this.ranges[this.index];
    return r ? { from: this.from, to: r.to } : null;
  }

  /** The next page: at most `pageSlots` slots of the current range, ending on the interval's grid. */
  next(): Range | null {
    const r = this.ranges[this.index];
    if (!r) return null;
    const to = Math.min(r.to, addSlots(this.interval, alignDown(this.interval, this.from), this.pageSlots));
    const page = { from: this.from, to };
    this.advanceTo(to);
    return page;
  }

  /**
   * Moves past `t` without handing out pages for the way there: returns the part of the current range that was
   * skipped (empty when the cursor was already past `t`), so the caller can account for it.
   */
  skipTo(t: number): Range | null {
    const r = this.ranges[this.index];
    if (!r || t <= this.from) return null;
    const skipped = { from: this.from, to: Math.min(t, r.to) };
    this.advanceTo(skipped.to);
    return skipped;
  }

  /** Hands out `r`'s pages next, then goes on where it was (a range to ask again). */
  prepend(r: Range): void {
    const current = this.ranges[this.index];
    if (current) this.ranges[this.index] = { from: this.from, to: current.to };
    this.ranges.splice(this.index, 0, r);
    this.from = r.from;
  }

  /** How many pages are still to be handed out (answers that skip ahead make fewer). */
  pagesLeft(): number {
    let n = 0;
    for (let i = this.index; i < this.ranges.length; i++) {
      const r = this.ranges[i] as Range;
      n += Math.ceil(countSlots(this.interval, i === this.index ? this.from : r.from, r.to) / this.pageSlots);
    }
    return n;
  }

  /** Hands out nothing at or after `t` (the end of a claimed range given up: collect/claimed-work.ts). */
  endAt(t: number): void {
    const left = this.ranges.slice(this.index).map((r, i) => (i === 0 ? { from: this.from, to: r.to } : r));
    this.ranges.length = this.index;
    for (const r of left) if (r.from < t) this.ranges.push({ from: r.from, to: Math.min(r.to, t) });
    this.from = this.ranges[this.index]?.from ?? this.from;
  }

  private advanceTo(t: number): void {
    const r = this.ranges[this.index];
    if (!r) return;
    if (t >= r.to) {
      this.index++;
      this.from = this.ranges[this.index]?.from ?? t;
    } else {
      this.from = t;
    }
  }
}
