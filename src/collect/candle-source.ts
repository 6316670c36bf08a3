import type { Range, Series, SeriesKey } from '../domain.js';
import type { PreparedPage } from './prepare-page.js';

/**
 * The pages of a series' missing ranges, made one at a time (planner/page-cursor.ts): a source that answers past a
 * page's end lets the engine skip what the answer covered, and a range to ask again goes first.
 */
export interface PagePlan {
  /** The range the next page starts in, or null when every page has been handed out. */
  current(): Range | null;
  next(): Range | null;
  /** Moves past `t` without handing out pages on the way; returns the part skipped. */
  skipTo(t: number): Range | null;
  /** Hands out `r`'s pages next. */
  prepend(r: Range): void;
  /** How many pages are left to hand out, where the plan can tell cheaply. */
  pagesLeft?(): number;
  /** Hands out nothing at or after `t` (a claimed range given up, collect/claimed-work.ts), where the plan can. */
  endAt?(t: number): void;
}

/**
 * What a source's answer of "no candles here" means:
 * - `exchange-empty`: the source speaks for the exchange (the REST klines endpoint). A stretch without candles,
 *   bounded by a candle after it and seen so by two answers, is remembered as exchange-empty and never asked again.
 * - `not-known`: the source only lacks the data (a file archive whose file is not published). Such a stretch is
 *   never remembered as exchange-empty, and the watermark does not cross it: another source must answer for it.
 */
export type EmptyAnswerMeaning = 'exchange-empty' | 'not-known';

/** A file a source of files (the archive) would read for a series' missing ranges, and the parts it would fill. */
export interface PlannedFile {
  readonly file: string;
  readonly parts: readonly Range[];
}

/** Where the engine gets candles from. The engine knows nothing else of the exchange. */
export interface CandleSource {
  /** Short name for events and records (`rest`). */
  readonly name: string;
  readonly emptyAnswers: EmptyAnswerMeaning;
  /** The exchange weight one page costs (what a dry run counts against the budget); 0 for a source outside it. */
  readonly pageWeight: number;
  /** Pages of this source on the wire at once, when it is not the run's --concurrency (the archive: its own). */
  readonly concurrency?: number;
  /**
   * Its pages are large (an archive file: up to tens of thousands of candles): a page keeps its place among the
   * `concurrency` until it is written, not only while on the wire, and the pages held at once hold `candles` in all
   * at most (one more page may go beyond it; a page is never held back when none is held), each counted as `cost`
   * says. Many small pages (a day of `1m`) then share the time their round trips take; few large ones, the memory.
   */
  readonly largePages?: { readonly candles: number; cost(range: Range): number };
  /** The pages for `missing` (normalized, in order), made lazily. */
  planPages(interval: string, missing: readonly Range[]): PagePlan;
  /** How many pages `planPages` makes for `missing` at most (answers that skip ahead make fewer). */
  countPages(interval: string, missing: readonly Range[]): number;
  /**
   * Fetches one page: the candles of `series` from `range.from` on, checked and interpreted for `range` (which
   * candles are final, which stretches the answer shows empty, what is left to ask). `exact`: what lies after the
   * range is another run's to fetch (a claimed range's end), so the request asks for no more candles than the range
   * holds where the source can. `series` carries its id: a source whose pages are rows in candle_data's own form
   * (the archive's: writer/candle-copy-rows.ts) writes it into them.
   */
  fetchPage(series: Pick<Series, 'id' | 'symbol' | 'interval'>, range: Range, exact?: boolean): Promise<PreparedPage>;
  /**
   * How a series shared with other runs is split into claimed ranges (collect/claimed-work.ts): a page's slots and
   * the most pages claimed at once. Absent: each missing range is claimed whole (the archive: a file is not split
   * between runs).
   */
  readonly claims?: ClaimShape;
  /**
   * The open time of the first candle at or after `from` (null: none yet), for a dry run's plan of a series with
   * nothing stored: a run's first answer skips to it, so what lies before it costs no page. Absent when the source
   * cannot tell cheaply.
   */
  firstOpenFrom?(series: SeriesKey, from: number): Promise<number | null>;
  /**
   * A source of files (the archive): the files its pages would read for `missing`, for a dry run's plan. What they
   * would fill is assumed filled (a file found missing or short at run time is left to the next source).
   */
  planFiles?(series: SeriesKey, missing: readonly Range[]): PlannedFile[];
}

/** How a source's pages are claimed (CandleSource.claims): a page's slots and the most pages claimed at once. */
export interface ClaimShape {
  readonly pageSlots: number;
  readonly maxPages: number;
}
