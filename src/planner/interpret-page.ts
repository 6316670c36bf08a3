import type { Candle, Range } from '../domain.js';
import { addSlots } from './intervals.js';

/**
 * The Date header has a resolution of one second and comes from the HTTP server in front of the kline engine: a
 * candle counts as closed by the answer's own time only when it closed at least this long before it.
 */
export const ANSWER_TIME_MARGIN_MS = 1000;

/** One klines answer for a page, asked with `startTime` only: the oldest candles from the page's start. */
export interface PageAnswer {
  /** The candles inside the page's range, checked (planner/validate-page.ts), oldest first. */
  readonly candles: readonly Candle[];
  /** The newest open time anywhere in the answer (null when it is empty). */
  readonly newestOpen: number | null;
  /** The first open time at or after the page's end (the answer goes on past the range), or null. */
  readonly nextOpen: number | null;
  /** The answer holds as many candles as were asked for, so the exchange may hold more after its last one. */
  readonly full: boolean;
  /** The answering server's clock (its Date header), or undefined when it sent none. */
  readonly answerTime: number | undefined;
}

export interface PageResult {
  /** Closed candles inside the range, oldest first. */
  readonly candles: Candle[];
  /**
   * Parts of the answered range with no candle. Each is bounded by a candle the exchange returned after it; whether
   * that is enough to remember it is the caller's call (collect/series-job.ts).
   */
  readonly empties: Range[];
  /** `[range.from, answeredTo)` is answered: its candles are final and its empties are bounded. */
  readonly answeredTo: number;
  /** The part of the range the answer did not reach because it hit the limit: ask again now. */
  readonly rest: Range | null;
  /** The part of the range the exchange has nothing final for yet: not empty, not asked again this run. */
  readonly notYet: Range | null;
  /** The first open time after the range, when the answer reached past it. */
  readonly nextOpen: number | null;
}

/**
 * A candle is stored only when it is certainly closed, judged by the server that answered rather than by a clock
 * read earlier (a server whose clock lags serves its still-open candle as its newest): a later candle exists in the
 * same answer, or it closed before the answer's own time.
 */
function isFinal(c: Candle, answer: PageAnswer): boolean {
  if (answer.newestOpen !== null && c.openTime < answer.newestOpen) return true;
  return answer.answerTime !== undefined && c.closeTime < answer.answerTime - ANSWER_TIME_MARGIN_MS;
}

/**
 * What one klines answer for `[range.from, range.to)` tells. Candles are keyed by open time and may be off the
 * interval grid or cut short, so holes are measured from one candle's close to the next one's open. An absence of
 * candles counts as empty only up to a candle the exchange returned after it: with nothing after it (the present,
 * a delisting, or a proxy answering `[]`) it is "not yet", never empty.
 */
export function interpretPage(interval: string, range: Range, answer: PageAnswer): PageResult {
  const candles: Candle[] = [];
  const empties: Range[] = [];
  let cursor = range.from;
  const hole = (to: number): void => {
    if (to > cursor) empties.push({ from: cursor, to });
  };
  for (const c of answer.candles) {
    if (!isFinal(c, answer)) {
      // Its existence bounds the stretch before it; it and what follows are asked again (from its open time, even
      // when it overlaps the candle before it, as off-grid history does).
      hole(c.openTime);
      const from = c.openTime;
      // Cut by the limit, the answer may simply not show the candle after it: ask again from it now.
      return answer.full
        ? { candles, empties, answeredTo: from, rest: { from, to: range.to }, notYet: null, nextOpen: null }
        : { candles, empties, answeredTo: from, rest: null, notYet: { from, to: range.to }, nextOpen: null };
    }
    hole(c.openTime);
    candles.push(c);
    cursor = Math.max(cursor, c.closeTime + 1, c.openTime + 1);
  }
  if (cursor >= range.to) return { candles, empties, answeredTo: range.to, rest: null, notYet: null, nextOpen: answer.nextOpen };
  if (answer.nextOpen !== null) {
    hole(range.to);
    return { candles, empties, answeredTo: range.to, rest: null, notYet: null, nextOpen: answer.nextOpen };
  }
  const last = candles[candles.length - 1];
  if (answer.full && last) {
    // After a candle of its interval's length the next opens when it closes. Off-grid history (2018-02-08) has
    // candles longer than that, overlapping the next one: continue right after the last open time there.
    const from = last.closeTime + 1 === addSlots(interval, last.openTime, 1) ? last.closeTime + 1 : last.openTime + 1;
    return { candles, empties, answeredTo: from, rest: { from, to: range.to }, notYet: null, nextOpen: null };
  }
  return { candles, empties, answeredTo: cursor, rest: null, notYet: { from: cursor, to: range.to }, nextOpen: null };
}
